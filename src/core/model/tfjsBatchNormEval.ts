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

/** Per-channel k and b of the layer's inference affine form, and the channel axis for an input of `rank`. Caller disposes k and b. */
export interface ChannelAffine {
  axis: number;
  k: tf.Tensor1D;
  b: tf.Tensor1D;
}

/** The layer as per-channel x · k + b along its axis, or null when the layer is not a BatchNormalization this handles. */
export function batchNormChannelAffine(layer: Layer, rank: number): ChannelAffine | null {
  const config = batchNormConfig(layer);
  if (!config) return null;
  const axis = config.axis < 0 ? config.axis + rank : config.axis;
  if (axis < 0 || axis >= rank) return null;
  const { gamma, beta, mean, variance } = batchNormWeights(layer, config);
  if (!mean || !variance) return null;
  return tf.tidy(() => {
    const inv = tf.rsqrt(tf.add(variance, config.epsilon));
    const k = tf.reshape(gamma ? tf.mul(inv, gamma) : inv, [-1]) as tf.Tensor1D;
    const shift = tf.neg(tf.mul(tf.reshape(mean, [-1]), k));
    const b = (beta ? tf.add(shift, tf.reshape(beta, [-1])) : shift) as tf.Tensor1D;
    return { axis, k, b };
  });
}

function batchNormWeights(layer: Layer, config: BatchNormConfig): Partial<Record<'gamma' | 'beta' | 'mean' | 'variance', tf.Tensor>> {
  // getWeights lists gamma (when scale), beta (when center), moving mean, moving variance, in that order.
  const weights = layer.getWeights();
  let i = 0;
  const gamma = config.scale ? weights[i++] : undefined;
  const beta = config.center ? weights[i++] : undefined;
  return { gamma, beta, mean: weights[i++], variance: weights[i++] };
}

/**
 * Whether every per-channel k of the layer is finite with 2^-40 <= |k| <= 2^40, so that a kernel multiplied by k
 * gives the kernel back when divided by k (to float32 rounding; a k of 0 would lose it). Computed in JavaScript
 * from the layer's weights as the file gave them, which every backend reads synchronously (webgpu: cpuCopies.ts).
 */
export function batchNormScaleInvertible(layer: Layer): boolean {
  const config = batchNormConfig(layer);
  if (!config) return false;
  const { gamma, variance } = batchNormWeights(layer, config);
  if (!variance) return false;
  const v = variance.dataSync();
  const g = gamma?.dataSync();
  if (g && g.length !== v.length) return false;
  for (let c = 0; c < v.length; c++) {
    const k = Math.abs((g ? (g[c] as number) : 1) / Math.sqrt((v[c] as number) + config.epsilon));
    if (!(k >= 2 ** -40 && k <= 2 ** 40)) return false;
  }
  return true;
}

/** The layer's inference output computed as x · k + b, or null when the layer is not a BatchNormalization this handles. */
export function batchNormAsAffine(layer: Layer, x: tf.Tensor): tf.Tensor | null {
  const affine = batchNormChannelAffine(layer, x.rank);
  if (!affine) return null;
  const shape = x.shape.map((d, j) => (j === affine.axis ? d : 1));
  const y = tf.tidy(() => tf.add(tf.mul(x, tf.reshape(affine.k, shape)), tf.reshape(affine.b, shape)));
  tf.dispose([affine.k, affine.b]);
  return y;
}
