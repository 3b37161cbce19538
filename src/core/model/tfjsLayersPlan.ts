// What a Layers model's forward pass runs instead of each layer's own weights and call, prepared once at load:
// BatchNormalization folded into the conv/dense before it (foldBatchNorm.ts), convs and denses as one op on
// constant weights with the cheap input gradient (tfjsLinearOps.ts), a lone BatchNormalization as a multiply
// and an add on constants, ReLU layers as one Relu/Relu6 kernel (tfjs-layers runs ReLU(max 6) as relu then a
// clip, whose gradient is four comparison kernels), Add as adds. Why: a MobileNetV2 actmax step ran ~3× the
// kernels of the same network imported from ONNX (where PyTorch's export folds the BNs), 1.67× its time.
// Activations stay separate kernels: actmax's redirected ReLU gradient swaps the Relu/Relu6 gradients
// (src/core/actmax/reluRedirect.ts), which a ReLU fused into a conv would skip.
//
// Memory: a folded layer keeps one copy of its kernel, the folded one, written into the layer's own kernel variable
// (a ResNet50 held 1.92x its weights with both copies). The kernel as trained (the Kernels panel, the atlas's and unit
// page's strongest inputs, the report, the layer's own pre-BN output when asked) is the folded one divided by the
// BN's per-channel k, one layer at a time when asked: the trained float32 values to 1.2e-7 relative (a product
// and a quotient, each rounded once). Where k could not be divided out (a channel's k is 0, or outside
// 2^-40..2^40) the layer keeps its trained kernel and the fold its own copy.
import * as tf from '@tensorflow/tfjs-core';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { findFolds, foldedWeights, type LayersStep } from './foldBatchNorm';
import { batchNormChannelAffine, batchNormScaleInvertible } from './tfjsBatchNormEval';
import { linearPartOf, type LinearConfig } from './tfjsLayerEval';
import { linearOp, linearOpTakes, type LinearOp } from './tfjsLinearOps';

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
  /**
   * The kernel as trained of a layer whose kernel variable holds the folded kernel (caller disposes); undefined
   * when the layer's kernel variable holds the trained one.
   */
  trainedKernel(step: LayersStep): tf.Tensor | undefined;
  dispose(): void;
}

/** The plan that runs every layer by itself (the reference the folded plan is tested against). */
export const LAYER_BY_LAYER: LayersPlan = {
  isFoldedAway: () => false,
  foldOf: () => undefined,
  linear: () => undefined,
  other: () => undefined,
  trainedKernel: () => undefined,
  dispose: () => undefined,
};

export function buildLayersPlan(steps: readonly LayersStep[], modelOutputs: readonly SymbolicTensor[]): LayersPlan {
  const folds = new Map<LayersStep, { source: LayersStep; op: LinearOp }>();
  const foldedAway = new Set<LayersStep>();
  const linears = new Map<LayersStep, LinearOp>();
  const others = new Map<LayersStep, StepOp>();
  // Layers whose kernel variable holds the folded kernel: the BN's k, to divide it out again.
  const scales = new Map<LayersStep, tf.Tensor>();
  const owned: tf.Tensor[] = [];
  try {
    for (const fold of findFolds(steps, modelOutputs)) {
      const config = fold.linear.config as LinearConfig;
      const weights = linearOpTakes(config) ? foldedWeights(fold) : null;
      if (!weights) continue;
      let op: LinearOp | null;
      if (batchNormScaleInvertible(fold.bn.layer)) {
        // The variable takes the folded values and the op runs on the variable: the trained values are freed, and
        // no second tensor shares the buffer (tf.memory() counts bytes per tensor, which the engine reports).
        const variable = fold.linear.layer.getWeights()[0] as tf.Variable;
        variable.assign(weights.kernel);
        weights.kernel.dispose();
        op = linearOp(config, variable, weights.bias, true, false);
        scales.set(fold.linear, weights.scale);
        owned.push(weights.scale);
      } else {
        op = linearOp(config, weights.kernel, weights.bias, true);
        weights.scale.dispose();
      }
      folds.set(fold.bn, { source: fold.linear, op: op as LinearOp });
      foldedAway.add(fold.linear);
    }
    for (const step of steps) {
      const scale = scales.get(step);
      if (scale) {
        linears.set(step, trainedLinear(step, scale));
      } else if (step.config && step.inputs.length === 1) {
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
    trainedKernel(step) {
      const scale = scales.get(step);
      return scale && tf.div(step.layer.getWeights()[0] as tf.Tensor, scale);
    },
    dispose(): void {
      for (const { op } of folds.values()) op.dispose();
      for (const op of linears.values()) op.dispose();
      tf.dispose(owned.splice(0));
    },
  };
}

/**
 * The pre-BN output of a layer whose kernel variable holds its folded kernel, when a caller asks for it: the trained
 * kernel is made for the pass (freed with the pass's tensors) and run as the layer-by-layer path runs it.
 */
function trainedLinear(step: LayersStep, scale: tf.Tensor): LinearOp {
  const config = step.config as LinearConfig;
  const [folded, bias] = step.layer.getWeights() as [tf.Tensor, tf.Tensor | undefined];
  return {
    run: (x) => linearPartOf(config, tf.div(folded, scale), config.useBias ? bias : undefined, x),
    dispose: () => undefined,
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
