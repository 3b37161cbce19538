// A faster input gradient for plain Conv2D during actmax: the input gradient of a stride-1 conv is a forward conv
// of dy with the spatially flipped, in/out-transposed kernel. wasm runs that through its fast conv (XNNPACK) while
// its Conv2DBackpropInput is a plain loop: on the MNIST sample → conv2 that kernel was 10 of 16 ms per step at
// batch 16 (the same trick measured 2.5× faster on InceptionV3: docs/tfjs-facts.md). TF.js Layers and Graph models run
// Conv2D through the registered gradient, so it is swapped for the duration of one gradient computation, as
// reluRedirect.ts does; ONNX models already carry their own flipped-kernel gradient. Cases other than NHWC,
// stride 1, dilation 1 and 'same'/'valid'/symmetric numeric padding keep the ordinary gradient.
import * as tf from '@tensorflow/tfjs-core';
import { nativeKernelsInstalled } from '../native/installNativeKernels';

type Pad = 'same' | 'valid' | number | unknown;

/** Flipped, transposed kernels by source kernel; owned by one render, disposed by `disposeFlipCache`. */
export type FlipCache = Map<tf.Tensor, tf.Tensor4D>;

function flipped(cache: FlipCache, w: tf.Tensor4D): tf.Tensor4D {
  let f = cache.get(w);
  if (!f || f.isDisposed) {
    f = tf.tidy(() => tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D);
    cache.set(w, f);
  }
  return f;
}

/** [before, after] padding of dy along one axis, or null when the case is not handled. */
function gradPads(pad: Pad, k: number): [number, number] | null {
  if (pad === 'valid') return [k - 1, k - 1];
  if (pad === 'same') {
    const top = Math.floor((k - 1) / 2);
    return [k - 1 - top, top];
  }
  if (typeof pad === 'number' && Number.isInteger(pad) && pad <= k - 1) return [k - 1 - pad, k - 1 - pad];
  return null;
}

function handled(attrs: Record<string, unknown>): boolean {
  const one = (v: unknown) => v === undefined || v === 1 || (Array.isArray(v) && v.every((s) => s === 1));
  return (attrs.dataFormat ?? 'NHWC') === 'NHWC' && one(attrs.strides) && one(attrs.dilations) && attrs.dimRoundingMode == null;
}

/** Runs `f` with the fast Conv2D input gradient, restoring the registered gradient afterwards. */
export function withFastConvGrad<T>(cache: FlipCache, f: () => T): T {
  const original = tf.getGradient('Conv2D');
  // With the native kernels the registered gradient's Conv2DBackpropInput is the fast path already.
  if (!original || nativeKernelsInstalled()) return f();
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const grads = original.gradFunc(dy, saved, attrs) as Record<string, () => tf.Tensor>;
      const w = saved[1] as tf.Tensor4D;
      const a = attrs as unknown as Record<string, unknown>;
      const ph = gradPads(a.pad, w.shape[0]);
      const pw = gradPads(a.pad, w.shape[1]);
      if (!handled(a) || !ph || !pw) return grads;
      return {
        ...grads,
        x: () => tf.conv2d(dy as tf.Tensor4D, flipped(cache, w), 1, [[0, 0], ph, pw, [0, 0]]),
      };
    },
  });
  try {
    return f();
  } finally {
    tf.registerGradient(original);
  }
}

export function disposeFlipCache(cache: FlipCache): void {
  for (const t of cache.values()) t.dispose();
  cache.clear();
}
