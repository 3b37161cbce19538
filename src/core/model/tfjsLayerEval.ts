// Evaluates single Keras layers eagerly. Conv2D and Dense are computed here from their weights with plain ops
// instead of the layer's own call: tfjs-layers runs them as fused ops, whose gradient (linear activation) also
// computes the filter gradient — very slow on cpu and missing on wasm (docs/tfjs-facts.md). The outputs are identical.
// BatchNormalization runs as one multiply and one add (tfjsBatchNormEval.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { batchNormAsAffine } from './tfjsBatchNormEval';

/** Activations applied with plain tfjs-core ops; anything else makes the layer run through its own call. */
const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  hardSigmoid: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
};

export interface LinearConfig {
  className: 'Conv2D' | 'DepthwiseConv2D' | 'Dense';
  activation: string;
  useBias: boolean;
  strides: [number, number];
  padding: 'valid' | 'same';
  dilation: [number, number];
}

/** What `evalLayer` needs to know once per layer, read from its config. Null: use the layer's own call. */
export function linearConfig(layer: Layer): LinearConfig | null {
  const className = layer.getClassName();
  // DepthwiseConv2D too: tfjs-layers' own call drops its dilationRate (a Keras dilated depthwise conv ran undilated).
  if (className !== 'Conv2D' && className !== 'DepthwiseConv2D' && className !== 'Dense') return null;
  const c = layer.getConfig() as Record<string, unknown>;
  const activation = typeof c.activation === 'string' ? c.activation : 'linear';
  if (!(activation in ACTIVATIONS)) return null;
  if (className !== 'Dense') {
    if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast') return null;
    if (c.padding !== 'valid' && c.padding !== 'same') return null;
  }
  return {
    className,
    activation,
    useBias: c.useBias !== false,
    strides: pair(c.strides),
    padding: (c.padding as 'valid' | 'same') ?? 'valid',
    dilation: pair(c.dilationRate),
  };
}

function pair(v: unknown): [number, number] {
  if (Array.isArray(v)) return [Number(v[0] ?? 1), Number(v[1] ?? v[0] ?? 1)];
  if (typeof v === 'number') return [v, v];
  return [1, 1];
}

/** The layer's output before its activation (logits for a softmax Dense). */
export function linearPart(layer: Layer, config: LinearConfig, x: tf.Tensor): tf.Tensor {
  const [kernel, bias] = layer.getWeights();
  return linearPartOf(config, kernel as tf.Tensor, bias, x);
}

/** `linearPart` with the kernel and bias given (a layer whose kernel variable holds other values: tfjsLayersPlan.ts). */
export function linearPartOf(config: LinearConfig, kernel: tf.Tensor, bias: tf.Tensor | undefined, x: tf.Tensor): tf.Tensor {
  let y: tf.Tensor;
  if (config.className === 'Conv2D') {
    y = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, config.strides, config.padding, 'NHWC', config.dilation);
  } else if (config.className === 'DepthwiseConv2D') {
    y = tf.depthwiseConv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, config.strides, config.padding, 'NHWC', config.dilation);
  } else if (x.rank === 2) {
    y = tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
  } else {
    // Keras applies Dense to the last axis of higher-rank inputs.
    const inner = x.shape[x.rank - 1];
    const flat = tf.matMul(tf.reshape(x, [-1, inner]), kernel as tf.Tensor2D);
    y = tf.reshape(flat, [...x.shape.slice(0, -1), kernel.shape[1] as number]);
  }
  return config.useBias && bias ? tf.add(y, bias) : y;
}

export function activate(config: LinearConfig, z: tf.Tensor): tf.Tensor {
  return (ACTIVATIONS[config.activation] as (x: tf.Tensor) => tf.Tensor)(z);
}

/** Runs one layer on concrete tensors (inference mode). */
export function evalLayer(layer: Layer, config: LinearConfig | null, inputs: tf.Tensor[], callArgs: object): tf.Tensor[] {
  if (config && inputs.length === 1) return [activate(config, linearPart(layer, config, inputs[0] as tf.Tensor))];
  const normalized = inputs.length === 1 ? batchNormAsAffine(layer, inputs[0] as tf.Tensor) : null;
  if (normalized) return [normalized];
  const out = layer.apply(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs, { ...callArgs, training: false });
  return (Array.isArray(out) ? out : [out]) as tf.Tensor[];
}
