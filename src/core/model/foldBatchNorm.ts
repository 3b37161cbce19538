// Inference-mode BatchNormalization folded into the Conv2D / DepthwiseConv2D / Dense before it: conv(x, W) · k + b
// is conv(x, W · k) + b per output channel, so the pair runs as one conv with a bias instead of a conv, a multiply
// and an add (and the BN's per-step weight reads). A pair is folded only when nothing else sees the linear layer's
// own output: its output feeds the BN alone, is no model output, and neither layer is shared. The linear layer's
// own (pre-BN) output is still computed, layer by layer, when a caller asks for it.
import * as tf from '@tensorflow/tfjs-core';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { batchNormChannelAffine } from './tfjsBatchNormEval';
import type { LinearConfig } from './tfjsLayerEval';

/** One node of the model's layer graph, as the Layers executor walks it. */
export interface LayersStep {
  layer: Layer;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  callArgs: object;
  config: LinearConfig | null;
}

export interface BatchNormFold {
  linear: LayersStep;
  bn: LayersStep;
}

/** The linear → BatchNormalization pairs of `steps` that can be folded. */
export function findFolds(steps: readonly LayersStep[], modelOutputs: readonly SymbolicTensor[]): BatchNormFold[] {
  const readers = new Map<number, number>();
  for (const step of steps) for (const t of step.inputs) readers.set(t.id, (readers.get(t.id) ?? 0) + 1);
  for (const t of modelOutputs) readers.set(t.id, (readers.get(t.id) ?? 0) + 1);
  const producer = new Map<number, LayersStep>();
  for (const step of steps) for (const t of step.outputs) producer.set(t.id, step);

  const folds: BatchNormFold[] = [];
  for (const bn of steps) {
    if (bn.layer.getClassName() !== 'BatchNormalization' || bn.inputs.length !== 1 || bn.layer.inboundNodes.length !== 1) continue;
    const between = bn.inputs[0] as SymbolicTensor;
    const linear = producer.get(between.id);
    if (!linear?.config || linear.config.activation !== 'linear') continue;
    if (linear.inputs.length !== 1 || linear.outputs.length !== 1 || linear.layer.inboundNodes.length !== 1) continue;
    if (readers.get(between.id) !== 1) continue;
    folds.push({ linear, bn });
  }
  return folds;
}

export interface FoldedWeights {
  kernel: tf.Tensor;
  bias: tf.Tensor1D;
  /** The BN's per-channel k shaped to broadcast over the kernel: folded kernel = kernel · scale. */
  scale: tf.Tensor;
}

/**
 * The linear layer's kernel and bias with the BN applied, or null when the BN does not normalize the last (channel)
 * axis of the linear layer's output. The caller owns the three tensors.
 */
export function foldedWeights(fold: BatchNormFold): FoldedWeights | null {
  const config = fold.linear.config as LinearConfig;
  const rank = (fold.bn.inputs[0] as SymbolicTensor).shape.length;
  const affine = batchNormChannelAffine(fold.bn.layer, rank);
  if (!affine) return null;
  try {
    if (affine.axis !== rank - 1) return null;
    const [kernel, bias] = fold.linear.layer.getWeights() as [tf.Tensor, tf.Tensor | undefined];
    const outChannels = affine.k.shape[0];
    const kernelOut = config.className === 'DepthwiseConv2D' ? (kernel.shape[2] as number) * (kernel.shape[3] as number) : kernel.shape[kernel.rank - 1];
    if (kernelOut !== outChannels) return null;
    return tf.tidy(() => {
      // The output channel of a depthwise kernel [kh, kw, C, M] is c · M + m: k laid out as [C, M] matches it.
      const kShape =
        config.className === 'Dense' ? [1, outChannels]
          : config.className === 'DepthwiseConv2D' ? [1, 1, kernel.shape[2] as number, kernel.shape[3] as number]
            : [1, 1, 1, outChannels];
      const scale = tf.reshape(affine.k, kShape);
      const folded = tf.mul(kernel, scale);
      const shifted = config.useBias && bias ? tf.add(tf.mul(tf.reshape(bias, [-1]), affine.k), affine.b) : tf.clone(affine.b);
      return { kernel: folded, bias: shifted as tf.Tensor1D, scale };
    });
  } finally {
    tf.dispose([affine.k, affine.b]);
  }
}
