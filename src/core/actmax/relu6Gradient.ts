// ReLU6's gradient from arithmetic instead of comparisons. TF.js's own is dy · (x <= 6) · step(x), and wasm's
// LessEqual runs ~10× slower than its Step or Mul: 22 of a MobileNet v2 actmax step's ~100 ms (ONNX exports
// ReLU6 as Clip(0, 6), which the importer runs as Relu6). step(x) · (1 − step(x − 6)) is the same mask, ones at
// x = 6 and zeros at x = 0 included. Registered once, replacing the stock gradient; reluRedirect.ts builds on
// whichever is registered.
import * as tf from '@tensorflow/tfjs-core';
// The stock gradients must be in place first, or registering them later would undo this one.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export function relu6Mask(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.step(x), tf.sub(1, tf.step(tf.sub(x, 6)))));
}

tf.registerGradient({
  kernelName: 'Relu6',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as tf.Tensor, relu6Mask(saved[0])) }),
});
