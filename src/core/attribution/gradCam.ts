// Grad-CAM (Selvaraju et al. 2017) and Grad-CAM++ (Chattopadhay et al. 2018) at one spatial layer A:
//   Grad-CAM    w_c = mean over (i, j) of ∂S/∂A_cij;  map = ReLU(Σ_c w_c A_c)  (Captum's LayerGradCam with
//               relu_attributions=True)
//   Grad-CAM++  α_cij = g² / (2g² + Σ_ij A_cij · g³) (0 where g = 0), w_c = Σ_ij α_cij ReLU(g_cij);
//               map = ReLU(Σ_c w_c A_c)  (the gradient form of pytorch-grad-cam's GradCAMPlusPlus, ε = 1e-7)
// The raw map is the layer's h × w map upsampled to the input's H × W as interpolate(mode='bilinear',
// align_corners=False) does (upsample.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel } from '../model/loadedModel';
import { layerGradient } from './layerGradients';
import { readAll } from './readBack';
import type { ResolvedTarget } from './target';
import { upsampleBilinear } from './upsample';

export async function gradCam(model: LoadedModel, target: ResolvedTarget, x: tf.Tensor4D, layerId: string, plusPlus: boolean): Promise<Float32Array> {
  const { activation, gradient, score } = layerGradient(model, target, x, layerId);
  try {
    const [, h, w] = activation.shape;
    const cam = tf.tidy(() => {
      let weights: tf.Tensor;
      if (plusPlus) {
        const g2 = tf.square(gradient);
        const g3 = tf.mul(g2, gradient);
        const sumA = tf.sum(activation, [1, 2], true);
        const alpha = tf.div(g2, tf.add(tf.add(tf.mul(g2, 2), tf.mul(sumA, g3)), 1e-7));
        const alphaWhereGradient = tf.mul(alpha, tf.notEqual(gradient, 0).toFloat());
        weights = tf.sum(tf.mul(alphaWhereGradient, tf.relu(gradient)), [1, 2], true);
      } else {
        weights = tf.mean(gradient, [1, 2], true);
      }
      return tf.relu(tf.sum(tf.mul(weights, activation), 3));
    });
    return upsampleBilinear(await readAll(cam), h, w, x.shape[1], x.shape[2]);
  } finally {
    tf.dispose([activation, gradient, score]);
  }
}
