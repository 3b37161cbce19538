// Keras BatchNormalization (inference) as x · k + b with per-channel k = gamma / sqrt(variance + epsilon) and
// b = beta − mean · k. Why: tfjs-layers calls tf.batchNorm with scale or offset undefined when the layer has
// scale: false or center: false (InceptionV3 and many Keras exports), and TF.js's gradient tape then fails on the
// missing input ("Cannot read properties of undefined"); the affine form has a gradient everywhere and costs
// two elementwise passes. Outputs match the layer's own call to float32 rounding.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';

interface BatchNormConfig {
  axis: number;
  epsilon: number;
  scale: boolean;
  center: boolean;
}

const configs = new WeakMap<Layer, BatchNormConfig | null>();

function batchNormConfig(layer: Layer): BatchNormConfig | null {
  if (configs.has(layer)) return configs.get(layer) ?? null;
  let config: BatchNormConfig | null = null;
  if (layer.getClassName() === 'BatchNormalization') {
    const c = layer.getConfig() as Record<string, unknown>;
    const axis = Array.isArray(c.axis) ? (c.axis.length === 1 ? Number(c.axis[0]) : NaN) : Number(c.axis ?? -1);
    if (Number.isInteger(axis)) {
      config = { axis, epsilon: Number(c.epsilon ?? 1e-3), scale: c.scale !== false, center: c.center !== false };
    }
  }
  configs.set(layer, config);
  return config;
}

/** The layer's inference output computed as x · k + b, or null when the layer is not a BatchNormalization this handles. */
export function batchNormAsAffine(layer: Layer, x: tf.Tensor): tf.Tensor | null {
  const config = batchNormConfig(layer);
  if (!config) return null;
  const axis = config.axis < 0 ? config.axis + x.rank : config.axis;
  if (axis < 0 || axis >= x.rank) return null;
  // getWeights lists gamma (when scale), beta (when center), moving mean, moving variance, in that order.
  const weights = layer.getWeights();
  let i = 0;
  const gamma = config.scale ? weights[i++] : undefined;
  const beta = config.center ? weights[i++] : undefined;
  const mean = weights[i++];
  const variance = weights[i++];
  if (!mean || !variance) return null;
  const shape = x.shape.map((d, j) => (j === axis ? d : 1));
  const k = tf.tidy(() => {
    const inv = tf.rsqrt(tf.add(variance, config.epsilon));
    return tf.reshape(gamma ? tf.mul(inv, gamma) : inv, shape);
  });
  const b = tf.tidy(() => {
    const shift = tf.neg(tf.mul(tf.reshape(mean, shape), k));
    return beta ? tf.add(shift, tf.reshape(beta, shape)) : shift;
  });
  const y = tf.add(tf.mul(x, k), b);
  tf.dispose([k, b]);
  return y;
}
