// What happens to the core's NHWC float input at the edge of a model that takes something else: a transpose for a
// channels-first model, and pixels rounded to an integer input's type. The rounding is a straight-through cast
// (rounded forward, identity backward): a cast has no gradient, and activation maximization optimizes in float.
import * as tf from '@tensorflow/tfjs-core';
import type { AssumedInputSize, ModelInfo } from '../../shared/model';
import type { Layout } from './graphChannelsFirst';
import { describeAssumedSize } from './assumedInputSize';

export interface InputBoundary {
  layout: Layout;
  /** The integer type of the input, when it is not float32; uint8 input is also clipped to 0..255. */
  dtype?: 'int32' | 'uint8';
}

function straightThrough(round: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  const cast = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.cast(round(args[0] as tf.Tensor), 'int32'),
    gradFunc: (dy: tf.Tensor) => tf.cast(dy, 'float32'),
  }));
  return (x) => cast(x);
}

const roundToInt = straightThrough((x) => tf.round(x));
const roundToUint8 = straightThrough((x) => tf.clipByValue(tf.round(x), 0, 255));

/** The model's own input for an NHWC float tensor (differentiable through the cast). */
export function enterModel(x: tf.Tensor4D, boundary: InputBoundary): tf.Tensor {
  let y: tf.Tensor = boundary.layout === 'NCHW' ? tf.transpose(x, [0, 3, 1, 2]) : x;
  if (boundary.dtype === 'int32') y = roundToInt(y);
  else if (boundary.dtype === 'uint8') y = roundToUint8(y);
  return y;
}

/** An output of the model in the core's layout: 4-D NCHW tensors become NHWC, others are returned as they are. */
export function leaveModel(t: tf.Tensor, layout: Layout | undefined): tf.Tensor {
  return layout === 'NCHW' && t.rank === 4 ? tf.transpose(t, [0, 2, 3, 1]) : t;
}

/** A shape read in `layout`, in NHWC (4-D shapes only). */
export function shapeToNhwc<T>(shape: T[], layout: Layout | undefined): T[] {
  if (layout !== 'NCHW' || shape.length !== 4) return shape.slice();
  const [n, c, h, w] = shape as [T, T, T, T];
  return [n, h, w, c];
}

/**
 * Records what the boundary and an assumed size say about the input on the model's info and on its input layer's
 * note (the Layers view's tooltip), the same way for every format.
 */
export function recordInputFacts(
  info: ModelInfo, inputLayerId: string, boundary: InputBoundary, assumed: AssumedInputSize | undefined,
): void {
  if (assumed) info.assumedInputSize = assumed;
  if (boundary.dtype) info.inputDtype = boundary.dtype;
  const note = inputNote(boundary, assumed);
  const inputLayer = info.layers.find((l) => l.id === inputLayerId);
  if (note && inputLayer) inputLayer.note = note;
}

/** The note the input layer carries when the model's input is not a fixed-size NHWC float image (shown in its tooltip). */
export function inputNote(boundary: InputBoundary, assumed: AssumedInputSize | undefined): string | undefined {
  const parts: string[] = [];
  if (assumed) parts.push(`The model does not fix its input size; it runs at ${describeAssumedSize(assumed)}.`);
  if (boundary.layout === 'NCHW') parts.push('The model takes channels-first (NCHW) input; Layer Lens transposes at its edge, computes channels last, and shows shapes NCHW as the model does.');
  if (boundary.dtype) parts.push(`The model takes ${boundary.dtype} pixels; Layer Lens rounds 0..255 values at its edge (gradients pass straight through).`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}
