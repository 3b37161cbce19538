// Whether a batch of units fits the wasm heap, asked before any work. wasm's memory cannot grow past 4 GiB, and a
// batch past it would fail deep inside TF.js (a failed allocation, not a sentence for a user); it is refused here in
// one sentence that names the batch that fits. Not split silently: a batch shares one random stream, so a unit's
// pixels depend on the batch (docs/atlas.md), and the batch a user asked for must stay the batch that ran.
// The estimate, measured with the freeing backward pass (leanGradients.ts), GoogLeNet → inception4a on wasm: 66 /
// 333 / 1309 MB of tensors at 1 / 8 / 32 units at 224 px, about 41 MB a unit — what bytesPerUnit counts (the input
// and three times every output up to the layer) — and 2290 MB for 32 units with a 448 px image fitted to the model's
// 224 (the parameterization and transforms at the image's size: under 16 copies of the image a unit).
import * as tf from '@tensorflow/tfjs-core';
import { bytesPerUnit } from '../atlas/atlasBatch';
import type { LoadedModel } from '../model/loadedModel';
import { LayerLensError } from '../../shared/errors';
import type { InputSpec } from '../../shared/model';
import { fixedInputSize } from './modelInput';

/** What one actmax batch may take on wasm: the 4 GiB heap less room for the weights' neighbours and the allocator. */
export const WASM_ACTMAX_BUDGET_BYTES = 3.5 * 1024 ** 3;
/** Copies of the image a unit's parameterization, transforms and their gradients hold at once (measured: under 16). */
const IMAGE_COPIES = 16;

export interface BatchShape {
  layerIds: readonly string[];
  units: number;
  /** [H, W] of the image optimized, and [H, W] the model runs at (a fixed-size model's, else the image's). */
  image: [number, number];
  modelInput: [number, number];
  channels: number;
}

/** Bytes one unit of the batch takes at its peak (an estimate from the model's layer shapes). */
export function actmaxBytesPerUnit(model: LoadedModel, spec: InputSpec, shape: BatchShape): number {
  const [h, w] = shape.modelInput;
  const activations = bytesPerUnit(model, shape.layerIds, { ...spec, height: h, width: w, channels: shape.channels as InputSpec['channels'] }).bytes;
  return activations + IMAGE_COPIES * 4 * shape.image[0] * shape.image[1] * shape.channels;
}

/**
 * Refuses, in one sentence, a batch that would not fit the wasm heap next to the `held` bytes already there (the
 * weights). Other backends are not held to 4 GiB here (webgpu's batch is sized by the atlas; cpu uses the JS heap).
 */
export function checkActmaxFits(model: LoadedModel, spec: InputSpec, shape: BatchShape, backend: string = tf.getBackend(), held: number = tf.memory().numBytes): void {
  if (backend !== 'wasm') return;
  const perUnit = actmaxBytesPerUnit(model, spec, shape);
  const room = WASM_ACTMAX_BUDGET_BYTES - held;
  if (shape.units * perUnit <= room) return;
  const most = Math.floor(room / perUnit);
  const gb = (b: number) => (b / 1024 ** 3).toFixed(1);
  const size = shape.image[0] === shape.image[1] ? `${shape.image[0]} px` : `${shape.image[1]}×${shape.image[0]} px`;
  const ask = most >= 1 ? `ask for at most ${most} unit${most === 1 ? '' : 's'} at a time` : 'ask for a smaller image or an earlier layer';
  throw new LayerLensError(
    'badArgument',
    `${shape.units} unit${shape.units === 1 ? '' : 's'} of ${model.info.name} → ${shape.layerIds.join(', ')} at ${size} would need about ${gb(shape.units * perUnit)} GB at once, more than the ${gb(room)} GB the wasm backend has left: ${ask}.`,
  );
}

/**
 * Refuses an atlas's batch that would not fit, with checkActmaxFits's sentence, before the atlas writes anything:
 * refused at its first batch instead, the run had already left a manifest (and a site of no units) in the folder.
 * Each layer's largest group (its units, `batch` at a time) at the size the atlas renders at (the spec's); the layer
 * that costs most a unit goes first, so the batch the sentence names fits every layer.
 */
export function checkAtlasBatchFits(model: LoadedModel, work: readonly { layerId: string }[], batch: number, spec: InputSpec, backend: string = tf.getBackend(), held?: number): void {
  if (backend !== 'wasm') return;
  const weights = held ?? tf.memory().numBytes;
  const counts = new Map<string, number>();
  for (const item of work) counts.set(item.layerId, (counts.get(item.layerId) ?? 0) + 1);
  const image: [number, number] = [spec.height, spec.width];
  const channels = spec.channels === 1 ? 1 : 3;
  const shapes = [...counts].map(([layerId, count]): BatchShape => ({ layerIds: [layerId], units: Math.min(batch, count), image, modelInput: fixedInputSize(model.info) ?? image, channels }));
  const perUnit = new Map(shapes.map((s) => [s, actmaxBytesPerUnit(model, spec, s)]));
  shapes.sort((a, b) => perUnit.get(b)! - perUnit.get(a)!);
  for (const shape of shapes) checkActmaxFits(model, spec, shape, backend, weights);
}
