// Feature maps in the engine: the core's one pass over every layer (core/activations/featureMapPass.ts), answered
// with the values of the layer shown first and kept here, so that the panel can fetch each other layer's values
// lazily, when it is picked, without running the model again.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { computeActivations, runFeatureMapPass } from '../../core/activations';
import { loadModelInput } from '../../core/node/imageFiles';
import type { LoadedModel } from '../../core/model/loadedModel';
import { LayerLensError } from '../../shared/errors';
import {
  shownLayerOf,
  type FeatureLayerSummary,
  type FeatureMapsLayerParams,
  type FeatureMapsLayerResult,
  type FeatureMapsOpenParams,
  type FeatureMapsOpenResult,
  type FeatureMapsProgress,
} from '../../shared/featureMapsProtocol';
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

  /**
   * Runs the model once on the image and returns the display input, per-layer stats, top predictions and the values
   * of the layer the panel shows first (params.layerId, else shownLayerOf's pick), so it draws after one request.
   */
  async open(params: FeatureMapsOpenParams, options: Options = {}): Promise<FeatureMapsOpenResult> {
    const pass = await this.pass(params, options);
    const first = shownLayerOf(pass.summary.layers, params.layerId);
    if (!first) return pass.summary;
    return { ...pass.summary, firstLayer: await this.values(pass, first, params, options) };
  }

  /** One layer's values for the image, from the cached pass when it is still valid. */
  async layer(params: FeatureMapsLayerParams, options: Options = {}): Promise<FeatureMapsLayerResult> {
    const pass = await this.pass(params, options);
    const layer = pass.summary.layers.find((l) => l.id === params.layerId);
    if (!layer) throw new LayerLensError('unknownLayer', `${pass.model.info.name} has no layer named "${params.layerId}" with feature maps.`);
    return this.values(pass, layer, params, options);
  }

  private async values(pass: Pass, layer: FeatureLayerSummary, params: FeatureMapsOpenParams, options: Options): Promise<FeatureMapsLayerResult> {
    let data = pass.values?.get(layer.id);
    if (!data) {
      // Too large to keep: run again up to this layer only (forward stops at the deepest requested layer).
      const { input } = await loadModelInput(pass.model, params.imagePath, params.inputSettings);
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
    const { input, spec, image } = await loadModelInput(model, params.imagePath, params.inputSettings);
    try {
      const pass = await runFeatureMapPass(
        model,
        { input, spec, imageName: basename(params.imagePath), imageWidth: image.width, imageHeight: image.height, layerIds: params.layerIds },
        options,
      );
      this.last = { key, model, summary: pass.summary, values: pass.valueCount <= this.keepLimit ? pass.values : undefined };
      return this.last;
    } finally {
      input.dispose();
    }
  }
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
