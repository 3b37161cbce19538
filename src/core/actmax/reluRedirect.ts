// Lucid's redirected ReLU gradient (render.py, the first 16 steps): where a ReLU's ordinary gradient is zero for a
// whole batch item — typical at the start, when the target unit is dead everywhere — let the gradient through
// except where it would push an already-negative input further down, so the unit can wake up.
// TF.js models here run ReLU as the plain Relu/Relu6 kernels (the loaders unfuse conv activations), so the
// gradient is swapped in the global registry for the duration of one gradient computation. A ReLU fused into
// a conv kernel keeps its ordinary gradient.
//
// Speed (wasm, GoogLeNet → inception4a at 224 px): choosing per item with tf.where over a broadcast mask ran
// wasm's generic Tile kernel over every ReLU output and cost more than the forward convs. Here the ordinary
// gradient is computed first and its per-item sum of squares (n numbers) is read back synchronously; the common
// case — every item on the same branch — returns one tensor with no selection at all. Masks are built from
// tf.step and multiplies: on wasm step/mul/sub run ~0.3 ms over 800k values where greater/less/where/relu/neg
// take 1–8 ms.
import * as tf from '@tensorflow/tfjs-core';
import { relu6Mask } from './relu6Gradient';

type Grad = ReturnType<typeof tf.getGradient>;

/**
 * The redirected gradient: dy, except 0 where x < 0 and dy > 0 (the step would push x further down) and, for
 * Relu6, where x > upper and dy < 0. Each mask is exact: step(-x) is 1 iff x < 0, step(x − upper) is 1 iff
 * x > upper (a float difference is positive iff x > upper), and the two never overlap, so 1 − blocked is 0 or 1 and
 * dy·(1 − blocked) is +0 or dy itself — the values tf.where gave (for finite dy and x; an infinite dy that is blocked
 * becomes NaN instead of 0).
 */
function redirectedOnly(dy: tf.Tensor, x: tf.Tensor, upper: number | null): tf.Tensor {
  return tf.tidy(() => {
    let blocked = tf.mul(tf.step(tf.mul(x, -1)), tf.step(dy));
    if (upper !== null) blocked = tf.add(blocked, tf.mul(tf.step(tf.sub(x, upper)), tf.step(tf.mul(dy, -1))));
    return tf.mul(dy, tf.sub(1, blocked));
  });
}

/** Per batch item: true where the ordinary gradient is non-zero somewhere (sum of squares > 0). */
function liveItems(ordinary: tf.Tensor): boolean[] {
  const n = ordinary.shape[0];
  const flat = tf.reshape(ordinary, [n, 1, -1]) as tf.Tensor3D;
  // One batched dot product per item: a single kernel where square + sum are two passes over the tensor.
  const sumSq = tf.matMul(flat, flat, false, true);
  const values = sumSq.dataSync();
  tf.dispose([flat, sumSq]);
  return Array.from(values, (v) => v > 0);
}

/** liveItems as a bool tensor [N, 1, …] that broadcasts over the gradient, for tf.where. */
function liveMask(ordinary: tf.Tensor): tf.Tensor {
  const n = ordinary.shape[0];
  const ones = new Array<number>(ordinary.rank - 1).fill(1);
  return tf.tidy(() => tf.reshape(tf.greater(tf.sum(tf.square(tf.reshape(ordinary, [n, -1])), 1), 0), [n, ...ones]));
}

/** Items [i, i + count) of a tensor along axis 0. */
function items(t: tf.Tensor, i: number, count: number): tf.Tensor {
  return tf.slice(t, [i, ...new Array<number>(t.rank - 1).fill(0)], [count, ...t.shape.slice(1)]);
}

/** The redirected ReLU gradient given the ordinary one (owned: returned or disposed). */
export function redirectGradient(dy: tf.Tensor, x: tf.Tensor, ordinary: tf.Tensor, upper: number | null, everywhere = false): tf.Tensor {
  if (everywhere) {
    ordinary.dispose();
    return redirectedOnly(dy, x, upper);
  }
  if (dy.rank === 0) return ordinary;
  // webgpu in Node cannot read values synchronously, and a gradient function cannot wait: choose per item on the GPU.
  if (tf.getBackend() === 'webgpu') return tf.tidy(() => tf.where(liveMask(ordinary), ordinary, redirectedOnly(dy, x, upper)));
  const live = liveItems(ordinary);
  if (live.every((v) => v)) return ordinary;
  if (live.every((v) => !v)) {
    ordinary.dispose();
    return redirectedOnly(dy, x, upper);
  }
  // Mixed batch: runs of items on the same branch, sliced and concatenated (no broadcast mask, exact values).
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (let i = 0; i < live.length; ) {
      let j = i + 1;
      while (j < live.length && live[j] === live[i]) j++;
      parts.push(live[i] ? items(ordinary, i, j - i) : redirectedOnly(items(dy, i, j - i), items(x, i, j - i), upper));
      i = j;
    }
    ordinary.dispose();
    return tf.concat(parts, 0);
  });
}

function ordinaryGradient(original: Grad, dy: tf.Tensor, saved: tf.Tensor[], upper: number | null): tf.Tensor {
  // The registered gradient (TF.js's own formula) keeps steps with and without the redirect consistent.
  if (original) {
    const g = original.gradFunc(dy, saved, {}) as { x: () => tf.Tensor };
    return g.x();
  }
  const x = saved[0];
  return tf.tidy(() => tf.mul(dy, upper === null ? tf.step(x) : relu6Mask(x)));
}

/**
 * Runs `f` with redirected Relu and Relu6 gradients, restoring the registered ones afterwards. `everywhere`: every
 * ReLU takes the redirected gradient, also in items where its ordinary gradient is non-zero somewhere (a unit that
 * fires only where the image is not, e.g. in the grey frame around an image smaller than the model's input).
 */
export function withRedirectedRelu<T>(f: () => T, everywhere = false): T {
  const originals = ['Relu', 'Relu6'].map((name) => tf.getGradient(name));
  const install = (kernelName: string, original: Grad, upper: number | null): void => {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => ({
        x: () => redirectGradient(dy as tf.Tensor, saved[0], ordinaryGradient(original, dy as tf.Tensor, saved, upper), upper, everywhere),
      }),
    });
  };
  install('Relu', originals[0], null);
  install('Relu6', originals[1], 6);
  try {
    return f();
  } finally {
    for (const original of originals) if (original) tf.registerGradient(original);
  }
}
