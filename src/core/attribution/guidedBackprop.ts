// Guided backpropagation (Springenberg et al. 2015): through every ReLU only positive gradients pass, and only where
// the ReLU's input was positive. The loaders run ReLUs as the plain Relu / Relu6 kernels, so their gradients are
// swapped in TF.js's registry for one gradient computation (as actmax's reluRedirect.ts does) and put back.
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel } from '../model/loadedModel';
import { inputGradient } from './layerGradients';
import type { ResolvedTarget } from './target';

function withGuidedRelu<T>(f: () => T): T {
  const originals = ['Relu', 'Relu6'].map((name) => tf.getGradient(name));
  const install = (kernelName: string, upper: number | null): void => {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => ({
        x: () =>
          tf.tidy(() => {
            const x = saved[0];
            let pass = tf.mul(tf.step(x, 0), tf.step(dy as tf.Tensor, 0));
            // step(0) is 0 with alpha 0: x = 0 and dy = 0 both stop the gradient, as PyTorch's ReLU backward does.
            if (upper !== null) pass = tf.mul(pass, tf.step(tf.sub(upper, x), 0));
            return tf.mul(dy as tf.Tensor, pass);
          }),
      }),
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

/** The guided-backprop input gradient, [1, H, W, C]. */
export function guidedGradient(model: LoadedModel, target: ResolvedTarget, x: tf.Tensor4D): tf.Tensor4D {
  return withGuidedRelu(() => inputGradient(model, target, x));
}
