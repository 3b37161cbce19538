// Lucid's redirected ReLU gradient (render.py, the first 16 steps): where a ReLU's ordinary gradient is zero for a
// whole batch item — typical at the start, when the target unit is dead everywhere — let the gradient through
// except where it would push an already-negative input further down, so the unit can wake up.
// TF.js models here run ReLU as the plain Relu/Relu6 kernels (the loaders unfuse conv activations), so the
// gradient is swapped in the global registry for the duration of one gradient computation. A ReLU fused into
// a conv kernel keeps its ordinary gradient.
import * as tf from '@tensorflow/tfjs-core';

function redirected(dy: tf.Tensor, x: tf.Tensor, upper: number | null): tf.Tensor {
  return tf.tidy(() => {
    const zero = tf.zerosLike(dy);
    let open = tf.greater(x, 0);
    if (upper !== null) open = tf.logicalAnd(open, tf.lessEqual(x, upper));
    const ordinary = tf.where(open, dy, zero);
    // dy is the gradient of the loss being minimized: dy > 0 means the step will lower x.
    let blocked = tf.logicalAnd(tf.less(x, 0), tf.greater(dy, 0));
    if (upper !== null) blocked = tf.logicalOr(blocked, tf.logicalAnd(tf.greater(x, upper), tf.less(dy, 0)));
    const redirect = tf.where(blocked, zero, dy);
    if (dy.rank === 0) return ordinary;
    const n = dy.shape[0];
    const magnitude = tf.sum(tf.square(tf.reshape(ordinary, [n, -1])), 1);
    const useOrdinary = tf.reshape(tf.greater(magnitude, 0), [n, ...Array(dy.rank - 1).fill(1)]);
    return tf.where(tf.broadcastTo(useOrdinary, dy.shape), ordinary, redirect);
  });
}

/** Runs `f` with redirected Relu and Relu6 gradients, restoring the registered ones afterwards. */
export function withRedirectedRelu<T>(f: () => T): T {
  const originals = ['Relu', 'Relu6'].map((name) => tf.getGradient(name));
  const install = (kernelName: string, upper: number | null): void => {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => ({ x: () => redirected(dy as tf.Tensor, saved[0], upper) }),
    });
  };
  install('Relu', null);
  install('Relu6', 6);
  try {
    return f();
  } finally {
    for (const original of originals) if (original) tf.registerGradient(original);
  }
}
