// What a Layers model's forward pass runs instead of each layer's own weights and call, prepared once at load:
// BatchNormalization folded into the conv/dense before it (foldBatchNorm.ts), convs and denses as one op on
// constant weights with the cheap input gradient (tfjsLinearOps.ts), a lone BatchNormalization as a multiply
// and an add on constants, ReLU layers as one Relu/Relu6 kernel (tfjs-layers runs ReLU(max 6) as relu then a
// clip, whose gradient is four comparison kernels), Add as adds. Why: a MobileNetV2 actmax step ran ~3× the
// kernels of the same network imported from ONNX (where PyTorch's export folds the BNs), 1.67× its time.
// Activations stay separate kernels: actmax's redirected ReLU gradient swaps the Relu/Relu6 gradients
// (src/core/actmax/reluRedirect.ts), which a ReLU fused into a conv would skip.
import * as tf from '@tensorflow/tfjs-core';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { findFolds, foldedWeights, type LayersStep } from './foldBatchNorm';
import { batchNormChannelAffine } from './tfjsBatchNormEval';
import { linearOp, type LinearOp } from './tfjsLinearOps';

type StepOp = (xs: tf.Tensor[]) => tf.Tensor[];

export interface LayersPlan {
  /** A linear step whose output only its BN reads: skipped unless a caller asks for its own output. */
  isFoldedAway(step: LayersStep): boolean;
  /** For a BN step folded into `source`: the op computing the BN's output from the source's input. */
  foldOf(step: LayersStep): { source: LayersStep; op: LinearOp } | undefined;
  /** The pre-activation op of an unfolded Conv2D / DepthwiseConv2D / Dense step. */
  linear(step: LayersStep): LinearOp | undefined;
  /** A faster stand-in for the layer's own call (BN, ReLU, Activation, Add). */
  other(step: LayersStep): StepOp | undefined;
  dispose(): void;
}

/** The plan that runs every layer by itself (the reference the folded plan is tested against). */
export const LAYER_BY_LAYER: LayersPlan = {
  isFoldedAway: () => false,
  foldOf: () => undefined,
  linear: () => undefined,
  other: () => undefined,
  dispose: () => undefined,
};

export function buildLayersPlan(steps: readonly LayersStep[], modelOutputs: readonly SymbolicTensor[]): LayersPlan {
  const folds = new Map<LayersStep, { source: LayersStep; op: LinearOp }>();
  const foldedAway = new Set<LayersStep>();
  const linears = new Map<LayersStep, LinearOp>();
  const others = new Map<LayersStep, StepOp>();
  const owned: tf.Tensor[] = [];
  try {
    for (const fold of findFolds(steps, modelOutputs)) {
      const weights = foldedWeights(fold);
      if (!weights) continue;
      const op = linearOp(fold.linear.config!, weights.kernel, weights.bias, true);
      if (!op) {
        tf.dispose([weights.kernel, weights.bias]);
        continue;
      }
      folds.set(fold.bn, { source: fold.linear, op });
      foldedAway.add(fold.linear);
    }
    for (const step of steps) {
      if (step.config && step.inputs.length === 1) {
        const [kernel, bias] = step.layer.getWeights() as [tf.Tensor, tf.Tensor1D | undefined];
        const op = kernel ? linearOp(step.config, kernel, step.config.useBias ? bias : undefined, false) : null;
        if (op) linears.set(step, op);
      } else if (!folds.has(step)) {
        const op = otherOp(step, owned);
        if (op) others.set(step, op);
      }
    }
  } catch (e) {
    for (const { op } of folds.values()) op.dispose();
    tf.dispose(owned);
    throw e;
  }
  return {
    isFoldedAway: (step) => foldedAway.has(step),
    foldOf: (step) => folds.get(step),
    linear: (step) => linears.get(step),
    other: (step) => others.get(step),
    dispose(): void {
      for (const { op } of folds.values()) op.dispose();
      for (const op of linears.values()) op.dispose();
      tf.dispose(owned.splice(0));
    },
  };
}

/** Activation layers run as the ops the conv/dense activations use (tfjsLayerEval's table, same kernels). */
const ACTIVATION_LAYER: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
};

function otherOp(step: LayersStep, owned: tf.Tensor[]): StepOp | null {
  const className = step.layer.getClassName();
  const c = step.layer.getConfig() as Record<string, unknown>;
  if (step.inputs.length === 1 && className === 'ReLU') {
    if (c.maxValue === undefined || c.maxValue === null) return ([x]) => [tf.relu(x as tf.Tensor)];
    if (c.maxValue === 6) return ([x]) => [tf.relu6(x as tf.Tensor)];
    return null;
  }
  if (step.inputs.length === 1 && className === 'Activation' && typeof c.activation === 'string') {
    const f = ACTIVATION_LAYER[c.activation];
    return f ? ([x]) => [f(x as tf.Tensor)] : null;
  }
  if (step.inputs.length > 1 && className === 'Add') {
    return (xs) => [xs.slice(1).reduce((sum, x) => tf.add(sum, x), xs[0] as tf.Tensor)];
  }
  if (step.inputs.length === 1 && className === 'BatchNormalization') {
    const shape = (step.inputs[0] as SymbolicTensor).shape;
    const affine = batchNormChannelAffine(step.layer, shape.length);
    if (!affine) return null;
    // k and b shaped to broadcast along the BN's axis (a vector when it is the last one).
    const along = shape.map((_, j) => (j === affine.axis ? -1 : 1));
    const [k, b] = tf.tidy(() => [tf.reshape(affine.k, along), tf.reshape(affine.b, along)]);
    tf.dispose([affine.k, affine.b]);
    owned.push(k as tf.Tensor, b as tf.Tensor);
    return ([x]) => [tf.add(tf.mul(x as tf.Tensor, k as tf.Tensor), b as tf.Tensor)];
  }
  return null;
}
