// "Find Top Images…" in the engine: the shared top-k of a folder (core/node/topkOfFolder.ts) with the engine's
// decode worker and cache folder, then the panel's pictures (core/topk/panelPictures.ts). Full-size images never
// leave the engine.
import { readImageFile } from '../../core/node/imageFiles';
import { listImageFiles } from '../../core/node/nodeTopk';
import { topkOfFolder } from '../../core/node/topkOfFolder';
import { listingLine, rankingLine } from '../../core/topk/progressText';
import { buildPictures } from '../../core/topk/panelPictures';
import { LayerLensError } from '../../shared/errors';
import { TOPK_MAX_K, TOPK_PICTURE_BUDGET_BYTES, type TopkFindParams, type TopkFindResult, type TopkProgress } from '../../shared/topkProtocol';
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
  // Listed here, not inside topkOfFolder, so the panel shows the count while the model loads and the unit's
  // field is measured (before the first ranked batch, which can be many seconds on a large model).
  const listed = listImageFiles(folder);
  options.onProgress?.({ done: listed.length, total: listed.length, message: listingLine(listed.length), phase: 'list' });
  const model = await models.get(modelPath);
  const started = Date.now();
  const { result, spec } = await topkOfFolder(model, { layerId, images: { folder, listed }, k, batchSize: params.batchSize, cacheDir }, {
    signal: options.signal,
    onProgress: (p) => options.onProgress?.({ done: p.done, total: p.total, message: rankingLine(p.done, p.total, Date.now() - started), phase: 'score' }),
    batches: topkDecodeWorker(),
  });
  const pictures = await buildPictures(result, spec, params.pictureBudgetBytes ?? TOPK_PICTURE_BUDGET_BYTES, { ...options, decode: readImageFile });
  return { modelName: model.info.name, folder, result, pictures };
}
