// Gradients of a target's score: to the input (saliency family, IG), and to one layer's output (Grad-CAM).
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the umbrella package does).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { LayerLensError } from '../../shared/errors';
import type { LoadedModel } from '../model/loadedModel';
import type { ResolvedTarget } from './target';

/** d(Σ scores)/d input for a batch of inputs: [N, H, W, C]. Items are independent (inference mode). */
export function inputGradient(model: LoadedModel, target: ResolvedTarget, x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.grad((input: tf.Tensor) => tf.sum(target.score(model.forward(input as tf.Tensor4D, [target.layerId])[0])))(x) as tf.Tensor4D);
}

export interface LayerGradient {
  /** The layer's output A: [N, h, w, c]. */
  activation: tf.Tensor4D;
  /** dS/dA, same shape. */
  gradient: tf.Tensor4D;
  /** The score S per item. */
  score: tf.Tensor1D;
}

type TapeNode = { kernelName: string; outputs: tf.Tensor[]; inputs: Record<string, tf.Tensor> };

/**
 * The tensor the model computed with, behind what forward handed back: the TF.js Layers and Graph wrappers return
 * a clone (an Identity on the tape) and, for a channels-first model, an NHWC transpose of it; downstream layers
 * read the tensor before those, so the gradient must be taken there (by id: disposed, it still names the tape's
 * edge). ONNX models hand back the tensor itself.
 */
function tensorUsedDownstream(returned: tf.Tensor): { tensor: tf.Tensor; transposed: boolean } {
  const tape = (tf.engine().state as unknown as { activeTape?: TapeNode[] }).activeTape ?? [];
  const producer = new Map<number, TapeNode>();
  for (const node of tape) for (const out of node.outputs) producer.set(out.id, node);
  let tensor = returned;
  let transposed = false;
  for (let node = producer.get(tensor.id); node; node = producer.get(tensor.id)) {
    const input = node.inputs.x;
    if (!input) break;
    if (node.kernelName === 'Identity') tensor = input;
    else if (node.kernelName === 'Transpose' && !transposed && input.rank === 4) {
      tensor = input;
      transposed = true;
    } else break;
  }
  return { tensor, transposed };
}

/**
 * The score's gradient with respect to an intermediate layer's output. LoadedModel has no hook into its forward,
 * so the layer output is made one of the tape's sources after it exists: TF.js's `gradients(f, xs)` reads `xs`
 * only after `f` has run, and `f` puts the activation there. The activation is the tensor the forward pass
 * itself used downstream (the core's forward returns each layer's own output tensor), so the backward pass stops
 * there and costs only the layers above it.
 */
export function layerGradient(model: LoadedModel, target: ResolvedTarget, x: tf.Tensor4D, layerId: string): LayerGradient {
  const sources: tf.Tensor[] = [x];
  let activation: tf.Tensor | null = null;
  let score: tf.Tensor | null = null;
  let gradient: tf.Tensor | undefined;
  try {
    let toNhwc = false;
    const { value, grads } = tf.engine().gradients(() => {
      const [a, out] = model.forward(x, [layerId, target.layerId]);
      activation = tf.keep(a);
      const source = tensorUsedDownstream(a);
      sources[0] = source.tensor;
      toNhwc = source.transposed;
      score = tf.keep(target.score(out));
      return tf.sum(score);
    }, sources, undefined, true);
    value.dispose();
    gradient = grads[0] && toNhwc ? tf.tidy(() => tf.transpose(grads[0] as tf.Tensor, [0, 2, 3, 1])) : grads[0];
    if (toNhwc) grads[0]?.dispose();
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    gradient = undefined;
  }
  const act = activation as tf.Tensor | null;
  if (!gradient || !act || act.rank !== 4) {
    tf.dispose([gradient, act, score as tf.Tensor | null].filter((t): t is tf.Tensor => t !== null && t !== undefined));
    throw new LayerLensError('badArgument', `${layerId} is not a spatial layer on the path to ${target.label}, so Grad-CAM cannot weight its maps.`);
  }
  return { activation: act as tf.Tensor4D, gradient: gradient as tf.Tensor4D, score: score as unknown as tf.Tensor1D };
}
