// Feature maps: one forward pass for every layer (the seed's forward hooks), kept in the engine so that the
// panel can fetch each layer's values lazily, when it is picked, without running the model again.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { computeActivations, predictionLayerId, topPredictions } from '../../core/activations';
import { loadModelInput } from '../../core/node/imageFiles';
import type { LoadedModel } from '../../core/model/loadedModel';
import { toDisplayRgba } from '../../core/preprocess';
import type { LayerActivation } from '../../shared/activations';
import { LayerLensError } from '../../shared/errors';
import type {
  FeatureLayerSummary,
  FeatureMapsLayerParams,
  FeatureMapsLayerResult,
  FeatureMapsOpenParams,
  FeatureMapsOpenResult,
  FeatureMapsProgress,
} from '../../shared/featureMapsProtocol';
import type { InputSpec } from '../../shared/model';
import type { ModelCache } from '../modelCache';

/** Above this many values in all layers together, a pass keeps only its stats and a layer is recomputed on demand. */
export const KEEP_VALUES_LIMIT = 64 * 1024 * 1024;

interface Pass {
  key: string;
  model: LoadedModel;
  summary: FeatureMapsOpenResult;
  /** Values per layer id, or undefined when the pass was too large to keep. */
  values: Map<string, Float32Array> | undefined;
}

interface Options {
  signal?: AbortSignal;
  onProgress?: (p: FeatureMapsProgress) => void;
}

/** The engine's feature maps state: the last pass only (one image at a time is what the panel shows). */
export class ActivationsHandler {
  private last: Pass | undefined;

  constructor(
    private readonly models: Pick<ModelCache, 'get'>,
    private readonly keepLimit = KEEP_VALUES_LIMIT,
  ) {}

  /** Runs the model once on the image and returns the display input, per-layer stats and top predictions. */
  async open(params: FeatureMapsOpenParams, options: Options = {}): Promise<FeatureMapsOpenResult> {
    return (await this.pass(params, options)).summary;
  }

  /** One layer's values for the image, from the cached pass when it is still valid. */
  async layer(params: FeatureMapsLayerParams, options: Options = {}): Promise<FeatureMapsLayerResult> {
    const pass = await this.pass(params, options);
    const layer = pass.summary.layers.find((l) => l.id === params.layerId);
    if (!layer) throw new LayerLensError('unknownLayer', `${pass.model.info.name} has no layer named "${params.layerId}" with feature maps.`);
    let data = pass.values?.get(layer.id);
    if (!data) {
      // Too large to keep: run again up to this layer only (forward stops at the deepest requested layer).
      const { input } = await prepareInput(pass.model, params);
      try {
        const [act] = await computeActivations(pass.model, input, [layer.id], { signal: options.signal });
        data = act.data;
      } finally {
        input.dispose();
      }
    }
    const { height, width, channels } = layer;
    return { layerId: layer.id, height, width, channels, data: data.subarray(0, height * width * channels) };
  }

  clear(): void {
    this.last = undefined;
  }

  private async pass(params: FeatureMapsOpenParams, options: Options): Promise<Pass> {
    const model = await this.models.get(params.modelPath);
    const key = passKey(params);
    if (this.last && this.last.key === key && this.last.model === model) return this.last;
    this.last = undefined; // free the previous pass before computing the next one
    const { input, spec, image } = await prepareInput(model, params);
    let acts: LayerActivation[];
    let rgba;
    const started = performance.now();
    try {
      const ids = params.layerIds ?? model.info.layers.filter((l) => l.kind !== 'input').map((l) => l.id);
      const predId = predictionLayerId(model.info);
      const wanted = predId && !ids.includes(predId) ? [...ids, predId] : ids;
      acts = await computeActivations(model, input, wanted, {
        signal: options.signal,
        onProgress: (p) => options.onProgress?.({ done: p.done, total: p.total, message: p.message }),
      });
      rgba = toDisplayRgba(input, spec);
    } finally {
      input.dispose();
    }
    const forwardMs = performance.now() - started;
    const byId = new Map(acts.map((a) => [a.layerId, a]));
    const layers: FeatureLayerSummary[] = [];
    let total = 0;
    for (const info of model.info.layers) {
      const act = byId.get(info.id);
      if (!act || (params.layerIds && !params.layerIds.includes(info.id))) continue;
      const geometry = mapGeometry(act.shape);
      total += act.data.length;
      layers.push({ id: info.id, kind: info.kind, shape: act.shape, ...geometry, stats: act.stats, ...(info.note ? { note: info.note } : {}) });
    }
    const summary: FeatureMapsOpenResult = {
      modelName: model.info.name,
      imageName: basename(params.imagePath),
      input: { width: rgba.width, height: rgba.height, rgba: rgba.data },
      imageWidth: image.width,
      imageHeight: image.height,
      layers,
      predictions: predictionsOf(model, byId, spec),
      forwardMs,
    };
    const values = total <= this.keepLimit ? new Map(acts.map((a) => [a.layerId, a.data])) : undefined;
    this.last = { key, model, summary, values };
    return this.last;
  }
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

function prepareInput(model: LoadedModel, params: FeatureMapsOpenParams) {
  return loadModelInput(model, params.imagePath, params.inputSettings);
}

/** Same model file, same image bytes on disk (by mtime and size), same settings and layer choice → same pass. */
function passKey(params: FeatureMapsOpenParams): string {
  let stamp = 'missing';
  try {
    const s = statSync(params.imagePath);
    stamp = `${s.mtimeMs}:${s.size}`;
  } catch {
    // loadModelInput reports the missing file with its own message.
  }
  return JSON.stringify([params.modelPath, params.imagePath, stamp, params.inputSettings ?? null, params.layerIds ?? null]);
}
