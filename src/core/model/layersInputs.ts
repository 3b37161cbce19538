// How an image enters a TF.js LayersModel: channels-first models (a layer with dataFormat channelsFirst and an
// input [N, C, H, W]) get the core's NHWC input transposed and their NCHW outputs transposed back; a model whose
// input size is not fixed runs at an assumed size, and its layer shapes come from a probe run at that size.
import * as tf from '@tensorflow/tfjs-core';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { AssumedInputSize } from '../../shared/model';
import { LayerLensError } from '../../shared/errors';
import type { Layout } from './graphChannelsFirst';
import type { LoadedModel } from './loadedModel';
import { enterModel, type InputBoundary } from './modelBoundary';
import { chooseInputSize, describeAssumedSize, type InputSizeRequest } from './assumedInputSize';
import { tfjsReason } from './tfjsReason';

export interface LayersInput {
  /** Canonical NHWC input shape, batch null; unknown dimensions stay null. */
  inputShape: (number | null)[];
  boundary: InputBoundary;
  assumed?: AssumedInputSize;
  warning: string;
  enter(x: tf.Tensor4D): tf.Tensor;
}

function formatOf(layer: Layer): Layout | undefined {
  const format = (layer.getConfig() as { dataFormat?: unknown }).dataFormat;
  return format === 'channelsFirst' ? 'NCHW' : format === 'channelsLast' ? 'NHWC' : undefined;
}

export function layersInput(input: SymbolicTensor, layers: Layer[], size: InputSizeRequest, path: string): LayersInput {
  const shape = input.shape.slice();
  const channelsFirst = shape.length === 4 && layers.some((l) => formatOf(l) === 'NCHW');
  const inputShape = channelsFirst ? [shape[0] ?? null, shape[2] ?? null, shape[3] ?? null, shape[1] ?? null] : shape;
  const boundary: InputBoundary = { layout: channelsFirst ? 'NCHW' : 'NHWC' };
  if (input.dtype === 'int32') boundary.dtype = 'int32';
  else if (input.dtype !== 'float32') throw new LayerLensError('malformedModel', `${path} takes a ${input.dtype} input, which is not an image Layer Lens can feed.`);
  const assumed = inputShape.length === 4 ? chooseInputSize([inputShape[1] ?? null, inputShape[2] ?? null], size, path) : undefined;
  const out: LayersInput = {
    inputShape,
    boundary,
    warning: assumed ? `The input size is not fixed in the model; it runs at ${describeAssumedSize(assumed)}.` : '',
    enter: (x) => enterModel(x, boundary),
  };
  if (assumed) out.assumed = assumed;
  return out;
}

interface StepLike {
  layer: Layer;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
}

/**
 * The layout of every symbolic tensor, by id: a layer with a dataFormat has that layout, a Permute of an image
 * moves between the two, anything else keeps its first input's.
 */
export function stepLayouts(steps: StepLike[], inputId: number, inputLayout: Layout): Map<number, Layout> {
  const layouts = new Map<number, Layout>([[inputId, inputLayout]]);
  for (const step of steps) {
    const from = step.inputs.map((t) => layouts.get(t.id)).find((l): l is Layout => l !== undefined) ?? inputLayout;
    let layout = formatOf(step.layer) ?? from;
    if (step.layer.getClassName() === 'Permute') {
      const dims = ((step.layer.getConfig() as { dims?: unknown }).dims as number[] | undefined)?.join(',');
      layout = from === 'NCHW' && dims === '2,3,1' ? 'NHWC' : from === 'NHWC' && dims === '3,1,2' ? 'NCHW' : 'NHWC';
    }
    for (const t of step.outputs) if (!layouts.has(t.id)) layouts.set(t.id, layout);
  }
  return layouts;
}

/** Fills the layers' output shapes from one run on a blank image at the assumed size (3 channels when unknown). */
export function probeLayerShapes(model: LoadedModel, size: AssumedInputSize, warnings: string[]): void {
  const layers = model.info.layers;
  const channels = model.info.inputShape[3] ?? 3;
  try {
    tf.tidy(() => {
      const x = tf.zeros([1, size.height, size.width, channels]) as tf.Tensor4D;
      const outs = model.forward(x, layers.map((l) => l.id));
      layers.forEach((l, i) => {
        l.outputShape = [null, ...(outs[i] as tf.Tensor).shape.slice(1)];
      });
    });
  } catch (e) {
    const why = e instanceof LayerLensError ? e.message.replace(/\.$/, '') : tfjsReason(e);
    warnings.push(`Layer output shapes are unknown: a probe run on a blank ${size.height}×${size.width} image failed${why ? ` (${why})` : ''}.`);
  }
}
