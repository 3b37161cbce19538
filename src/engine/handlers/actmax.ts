// Activation maximization in the engine: the model from the cache, its input spec from the sidecar (so that the
// optimized image is normalized as the model expects), frames relayed as progress, cancel through the signal.
import { renderActmax } from '../../core/actmax';
import { modelInputSpec } from '../../core/node/imageFiles';
import type { ActmaxFrame, ActmaxResult } from '../../shared/actmax';
import type { ActmaxParams } from '../../shared/actmaxProtocol';
import type { ModelCache } from '../modelCache';

export interface ActmaxHandlerOptions {
  signal?: AbortSignal;
  onFrame?: (frame: ActmaxFrame) => void;
}

export async function actmaxHandler(models: Pick<ModelCache, 'get'>, params: ActmaxParams, options: ActmaxHandlerOptions = {}): Promise<ActmaxResult> {
  const model = await models.get(params.modelPath);
  const inputSpec = params.request.inputSpec ?? (await modelInputSpec(model, params.inputSettings));
  return renderActmax(model, { ...params.request, inputSpec }, { signal: options.signal, onFrame: options.onFrame });
}
