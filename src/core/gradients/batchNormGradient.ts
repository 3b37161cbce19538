// FusedBatchNorm's gradient, computing only what is asked for. TF.js's own computes x − mean and dy · scale over
// the whole activation, and tiles the per-channel factor to the activation's size, before it knows which
// gradients are wanted; an input gradient needs one multiply by a per-channel factor. (A batch norm called
// without scale or offset, as Keras BatchNormalization with scale: false or center: false does, cannot take a
// gradient at all: the tape reads every named input. Layers models run that layer as plain ops instead:
// src/core/model/tfjsLayerEval.ts.)
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';

export const batchNormGradConfig: GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const g = dy as tf.Tensor;
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const toParamShape = (t: tf.Tensor) => tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, mean.shape);
    const rstd = () => tf.rsqrt(tf.add(variance, varianceEpsilon));
    const scaled = () => (scale ? tf.mul(g, scale) : g);
    const grads: Record<string, () => tf.Tensor> = {
      // The per-channel factor first (C values), then one multiply over the activation.
      x: () => tf.reshape(tf.mul(g, scale ? tf.mul(rstd(), scale) : rstd()), x.shape),
      mean: () => toParamShape(tf.mul(scaled(), tf.neg(rstd()))),
      variance: () => toParamShape(tf.mul(tf.mul(scaled(), tf.sub(x, mean)), tf.mul(tf.pow(rstd(), 3), -0.5))),
      scale: () => toParamShape(tf.mul(g, tf.mul(tf.sub(x, mean), rstd()))),
      offset: () => toParamShape(g),
    };
    return grads;
  },
};
