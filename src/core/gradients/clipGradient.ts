// ClipByValue's gradient from arithmetic instead of comparisons. TF.js's own is
// where(x >= min && x <= max, dy, 0), and wasm's GreaterEqual, LessEqual, LogicalAnd and Select run far slower than
// its Step, Sub and Mul: 0.65 of nsfwjs MobileNetV2's ~2.9 s per input gradient (Keras ReLU(max_value=6) is a
// clip). 1 − step(min − x) − step(x − max) is the same mask, ones at x = min and x = max included.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';

export const clipGradConfig: GradConfig = {
  kernelName: 'ClipByValue',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const { clipValueMin, clipValueMax } = attrs as unknown as { clipValueMin: number; clipValueMax: number };
    return {
      x: () => tf.tidy(() => {
        // x < min and x > max never hold together, so the two masks' product is 1 − below − above.
        const below = tf.step(tf.sub(clipValueMin, x));
        const above = tf.step(tf.sub(x, clipValueMax));
        return tf.mul(dy as tf.Tensor, tf.sub(tf.sub(1, below), above));
      }),
    };
  },
};
