// MaxPool's gradient on wasm without the native kernels. wasm's MaxPoolGrad finds each window's maximum anew,
// starting from 0: a window whose values are all <= 0 (a max pool before the activation, or over 'same' padding
// at the border) loses its gradient or sends it to the window's first element (64 % relative error on a signed
// 7×7 map). The kernel only compares values, so it is given the input shifted to >= 1: same maxima, same ties.
// cpu's kernel and the native one are right and keep TF.js's gradient unchanged.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { nativeKernelsInstalled } from '../native/installNativeKernels';
import { firstMaxPoolGrad } from './maxPoolFirstMax';

export function maxPoolGradConfig(stock: GradConfig): GradConfig {
  return {
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      // webgpu's kernel sends a tie to the window's last maximum; the others (and PyTorch) to the first.
      if (tf.getBackend() === 'webgpu') return { x: () => firstMaxPoolGrad(stock, dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, attrs) };
      if (tf.getBackend() !== 'wasm' || nativeKernelsInstalled()) return stock.gradFunc(dy, saved, attrs);
      const [x, y] = saved as [tf.Tensor, tf.Tensor];
      return {
        x: () => {
          const shifted = tf.tidy(() => tf.add(tf.sub(x, tf.min(x)), 1));
          const grads = stock.gradFunc(dy, [shifted, y], attrs) as Record<string, () => tf.Tensor>;
          return (grads.x as () => tf.Tensor)();
        },
      };
    },
  };
}
