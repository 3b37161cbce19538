// Kernels that only an input gradient reads (a conv kernel flipped and transposed for the flipped-kernel conv),
// made on the first gradient that needs them and held while gradients keep coming, then freed once no gradient
// has used any of them for IDLE_MS. Why held at all: a run of gradients (actmax, attribution) reuses them every
// step, and the backends pack a conv kernel once per tensor (XNNPACK's operator, the native kernels' packed
// filter), so a kernel made afresh each step is flipped and packed again each step (InceptionV3 with the native
// kernels: 2× the time per gradient). Why freed: kept for the model's life they were a second copy of every conv
// kernel (nsfwjs MobileNetV2 held 1.83-1.88× its weights in tf.memory() after its first gradient, on wasm).
import * as tf from '@tensorflow/tfjs-core';

/** How long the held kernels outlive the last gradient that used them. */
export const IDLE_MS = 3000;

interface Held {
  source: tf.Tensor;
  variant: string;
  tensor: tf.Tensor;
}

// By the source kernel's data, which TF.js never changes in place (a Variable's assign gives it a new dataId).
const held = new Map<object, Held[]>();
let lastUse = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * The kernel `make` builds from `source` (a variant per kind of gradient kernel), made once and held until the
 * gradients stop. Callable inside a gradient's tidy scope: the kernel is kept out of it.
 */
export function heldGradientKernel<T extends tf.Tensor>(source: tf.Tensor, variant: string, make: () => T): T {
  lastUse = performance.now();
  armTimer();
  // A source made for one step (a kernel computed in the pass) is disposed with it: its kernels go at once.
  for (const [key, list] of held) {
    if (list[0]?.source.isDisposed) {
      for (const h of list) h.tensor.dispose();
      held.delete(key);
    }
  }
  let list = held.get(source.dataId);
  const found = list?.find((h) => h.variant === variant && !h.tensor.isDisposed);
  if (found) return found.tensor as T;
  const tensor = tf.keep(tf.tidy(make));
  if (!list) held.set(source.dataId, (list = []));
  list.push({ source, variant, tensor });
  return tensor;
}

/** Frees the kernels held for `source` (its model is disposed), or all of them. */
export function releaseGradientKernels(source?: tf.Tensor): void {
  const lists = source ? [held.get(source.dataId) ?? []] : [...held.values()];
  for (const list of lists) for (const h of list) h.tensor.dispose();
  if (source) held.delete(source.dataId);
  else held.clear();
  if (held.size === 0 && timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  }
}

/** Bytes of the kernels held now (tests). */
export function heldGradientKernelBytes(): number {
  let bytes = 0;
  for (const list of held.values()) for (const h of list) if (!h.tensor.isDisposed) bytes += h.tensor.size * 4;
  return bytes;
}

function armTimer(): void {
  if (timer !== undefined) return;
  const wait = Math.max(0, lastUse + IDLE_MS - performance.now());
  timer = setTimeout(() => {
    timer = undefined;
    // A gradient since the timer was set pushes the release back; the timer re-arms for the rest of the wait.
    if (performance.now() - lastUse >= IDLE_MS) releaseGradientKernels();
    else if (held.size > 0) armTimer();
  }, wait + 1);
  // In Node a pending release must not keep a finished command-line run alive for IDLE_MS.
  (timer as unknown as { unref?: () => void }).unref?.();
}
