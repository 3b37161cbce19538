// "Find Top Images…" in the engine: the shared top-k of a folder (core/node/topkOfFolder.ts) with the engine's
// decode worker and cache folder, then the panel's pictures (core/topk/panelPictures.ts). Full-size images never
// leave the engine.
import { modelInputSpec, readImageFile } from '../../core/node/imageFiles';
import { listImageFilesAsync } from '../../core/node/nodeTopk';
import { topkOfFolder } from '../../core/node/topkOfFolder';
import { chooseBatchSize } from '../../core/topk/findTopImages';
import { listingLine, rankingLine } from '../../core/topk/progressText';
import { buildPictures } from '../../core/topk/panelPictures';
import { LayerLensError } from '../../shared/errors';
import { checkInputSize } from '../../shared/inputSize';
import type { InputSpec, ModelInfo } from '../../shared/model';
import { TOPK_MAX_K, TOPK_PICTURE_BUDGET_BYTES, type TopkFindParams, type TopkFindResult, type TopkInputSizeInfo, type TopkProgress } from '../../shared/topkProtocol';
import type { LoadedModel } from '../../core/model/loadedModel';
import type { ModelCache } from '../modelCache';
import { topkDecodeWorker } from '../topkDecodeWorker';

export interface TopkHandlerOptions {
  signal?: AbortSignal;
  onProgress?: (p: TopkProgress) => void;
}

export async function topkHandler(models: Pick<ModelCache, 'get'>, params: TopkFindParams, options: TopkHandlerOptions = {}): Promise<TopkFindResult> {
  const { modelPath, layerId, folder, k, cacheDir } = params;
  if (!Number.isInteger(k) || k < 1 || k > TOPK_MAX_K) {
    throw new LayerLensError('badArgument', `The number of top images must be a whole number from 1 to ${TOPK_MAX_K}, not ${k}.`);
  }
  if (typeof cacheDir !== 'string' || cacheDir === '') throw new LayerLensError('badArgument', 'The top-images cache folder is missing.');
  const size = params.inputSize;
  if (size) {
    const problem = checkInputSize(size[0], size[1]);
    if (problem) throw new LayerLensError('badArgument', problem);
  }
  // Listed here, not inside topkOfFolder, so the panel shows the count while the model loads and the unit's
  // field is measured (before the first ranked batch, which can be many seconds on a large model); the count also
  // arrives while a large folder is still being listed.
  const listed = await listImageFilesAsync(folder, {
    signal: options.signal,
    onCount: (n) => options.onProgress?.({ done: n, total: n, message: listingLine(n), phase: 'list' }),
  });
  options.onProgress?.({ done: listed.length, total: listed.length, message: listingLine(listed.length), phase: 'list' });
  const model = await models.get(modelPath);
  if (size && !model.info.assumedInputSize) {
    const [h, w] = model.info.inputShape.slice(1, 3);
    throw new LayerLensError('badArgument', `${modelPath} takes a fixed input size of ${h ?? '?'}×${w ?? '?'}, so it cannot run at ${size[0]}×${size[1]}.`);
  }
  const inputSettings: Partial<InputSpec> | undefined = size ? { height: size[0], width: size[1] } : undefined;
  const started = Date.now();
  const batchSize = params.batchSize ?? (size ? await batchSizeAt(model, layerId, inputSettings) : undefined);
  const { result, spec } = await topkOfFolder(model, { layerId, images: { folder, listed }, k, batchSize, cacheDir, inputSettings }, {
    signal: options.signal,
    onProgress: (p) => options.onProgress?.({ done: p.done, total: p.total, message: rankingLine(p.done, p.total, Date.now() - started), phase: 'score' }),
    batches: topkDecodeWorker(),
  });
  const pictures = await buildPictures(result, spec, params.pictureBudgetBytes ?? TOPK_PICTURE_BUDGET_BYTES, { ...options, decode: readImageFile });
  const inputSize = sizeInfo(model.info, spec, size !== undefined);
  return { modelName: model.info.name, folder, result, pictures, ...(inputSize ? { inputSize } : {}) };
}

/** For a model that does not fix its input size: the size the folder ran at, and why; nothing for a fixed size. */
function sizeInfo(info: ModelInfo, spec: InputSpec, chosen: boolean): TopkInputSizeInfo | undefined {
  const assumed = info.assumedInputSize;
  if (!assumed) return undefined;
  const source = chosen || assumed.source === 'option' ? 'chosen' : assumed.source === 'sidecar' ? 'sidecar' : 'default';
  return { height: spec.height, width: spec.width, source };
}

/**
 * Images per forward pass at a chosen size. The model's layer shapes are those of the size it was loaded at, so
 * the batch chosen from them shrinks by how much larger the chosen size is (never grows: a smaller size keeps it).
 */
async function batchSizeAt(model: LoadedModel, layerId: string, settings: Partial<InputSpec> | undefined): Promise<number | undefined> {
  const assumed = model.info.assumedInputSize;
  if (!assumed || !settings?.height || !settings.width) return undefined;
  const spec = await modelInputSpec(model, settings);
  const growth = (spec.height * spec.width) / (assumed.height * assumed.width);
  return Math.max(1, Math.floor(chooseBatchSize(model, layerId, spec) / Math.max(1, growth)));
}
