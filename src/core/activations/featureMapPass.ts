// One feature-maps pass (the seed's forward hooks): every chosen layer's output for one image, summarized for the
// panel — per layer its shape as a grid of maps and its stats, the image as the model sees it, and the top
// predictions of a classifier. What to keep between requests is the caller's business (the engine keeps the last).
import type * as tf from '@tensorflow/tfjs-core';
import type { LayerActivation } from '../../shared/activations';
import type { FeatureLayerSummary, FeatureMapsOpenResult, FeatureMapsProgress } from '../../shared/featureMapsProtocol';
import type { InputSpec } from '../../shared/model';
import type { LoadedModel } from '../model/loadedModel';
import { inputSizeNote, toDisplayRgba } from '../preprocess';
import { describePreprocessing, normalizationOf } from '../../shared/preprocessing';
import { computeActivations } from './computeActivations';
import { predictionLayerId, topPredictions } from './topPredictions';

export interface FeatureMapPassInput {
  /** The preprocessed image [1, H, W, C]; left to the caller to dispose. */
  input: tf.Tensor4D;
  spec: InputSpec;
  imageName: string;
  /** The image's own size before preprocessing. */
  imageWidth: number;
  imageHeight: number;
  /** Only these layers; default every layer but the input. */
  layerIds?: readonly string[];
}

export interface FeatureMapPass {
  summary: FeatureMapsOpenResult;
  /** Every summarized layer's values, by layer id. */
  values: Map<string, Float32Array>;
  /** Number of values in all layers together. */
  valueCount: number;
}

export async function runFeatureMapPass(
  model: LoadedModel,
  pass: FeatureMapPassInput,
  options: { signal?: AbortSignal; onProgress?: (p: FeatureMapsProgress) => void } = {},
): Promise<FeatureMapPass> {
  const { input, spec, layerIds } = pass;
  const started = performance.now();
  const ids = layerIds ?? model.info.layers.filter((l) => l.kind !== 'input').map((l) => l.id);
  const predId = predictionLayerId(model.info);
  const wanted = predId && !ids.includes(predId) ? [...ids, predId] : [...ids];
  const acts = await computeActivations(model, input, wanted, {
    signal: options.signal,
    onProgress: (p) => options.onProgress?.({ done: p.done, total: p.total, message: p.message }),
  });
  const rgba = await toDisplayRgba(input, spec);
  const forwardMs = performance.now() - started;
  const byId = new Map(acts.map((a) => [a.layerId, a]));
  const layers: FeatureLayerSummary[] = [];
  let valueCount = 0;
  for (const info of model.info.layers) {
    const act = byId.get(info.id);
    if (!act || (layerIds && !layerIds.includes(info.id))) continue;
    valueCount += act.data.length;
    layers.push({ id: info.id, kind: info.kind, shape: act.shape, ...mapGeometry(act.shape), stats: act.stats, ...(info.note ? { note: info.note } : {}) });
  }
  const summary: FeatureMapsOpenResult = {
    modelName: model.info.name,
    imageName: pass.imageName,
    input: { width: rgba.width, height: rgba.height, rgba: rgba.data },
    imageWidth: pass.imageWidth,
    imageHeight: pass.imageHeight,
    layers,
    nativeLayout: model.info.nativeLayout,
    predictions: predictionsOf(model, byId, spec),
    forwardMs,
  };
  summary.preprocessing = { line: describePreprocessing(spec), resize: spec.resize, ...(normalizationOf(spec) ? { normalize: normalizationOf(spec) } : {}) };
  const sizeNote = inputSizeNote(model.info, spec);
  if (sizeNote) summary.inputSizeNote = sizeNote;
  return { summary, values: new Map(acts.map((a) => [a.layerId, a.data])), valueCount };
}

/** A layer's output as a grid of maps: channels last; [N, C] is C maps of 1 × 1, [N, L, C] is C maps of 1 × L. */
export function mapGeometry(shape: readonly number[]): { height: number; width: number; channels: number } {
  const channels = shape.length === 0 ? 1 : shape[shape.length - 1];
  if (shape.length === 4) return { height: shape[1], width: shape[2], channels };
  if (shape.length <= 2) return { height: 1, width: 1, channels };
  if (shape.length === 3) return { height: 1, width: shape[1], channels };
  return { height: shape[1], width: shape.slice(2, -1).reduce((a, b) => a * b, 1), channels };
}

function predictionsOf(model: LoadedModel, byId: Map<string, LayerActivation>, spec: InputSpec): FeatureMapsOpenResult['predictions'] {
  const id = predictionLayerId(model.info);
  const act = id ? byId.get(id) : undefined;
  // A classifier ends in a vector of class scores; anything else (a map, a single score) has no "top 5".
  if (!act || act.shape.length !== 2 || act.shape[1] < 2) return [];
  return topPredictions(act.data.subarray(0, act.shape[1]), spec.labels, 5);
}
