// "Explain" in the engine: one attribution map for one image and one target, by the core's methods
// (core/attribution), on the model the cache holds. The image becomes the input exactly as for feature maps, so
// the map lines up with the input the panel shows. The costly methods (IG, SmoothGrad, occlusion) run in the
// scheduler's compute lane and stop at the core's yield points for cancel and for waiting feature-map requests.
import { explain } from '../../core/attribution';
import { loadModelInput } from '../../core/node/imageFiles';
import type { AttributionMap, AttributionParams, AttributionProgress } from '../../shared/attribution';
import type { ModelCache } from '../modelCache';

export interface AttributionHandlerOptions {
  signal?: AbortSignal;
  onProgress?: (p: AttributionProgress) => void;
}

export async function attributionHandler(
  models: Pick<ModelCache, 'get'>,
  params: AttributionParams,
  options: AttributionHandlerOptions = {},
): Promise<AttributionMap> {
  const model = await models.get(params.modelPath);
  const { input, spec } = await loadModelInput(model, params.imagePath, params.inputSettings);
  try {
    return await explain(model, input, params.options, { signal: options.signal, onProgress: options.onProgress, labels: spec.labels });
  } finally {
    input.dispose();
  }
}
