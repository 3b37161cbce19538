// The one "top-k of a folder" entry, shared by the engine's Find Top Images, the CLI's `topk` and the report:
// the images on disk, the model's input spec from its sidecar, the on-disk cache keyed by the model's identity,
// the WebP decoder found on disk, then core's findTopImages. A folder with no image, or with images of which none
// could be read, is an error that names the folder (never an empty result that looks like success).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { webpWasmConfigured } from '../image';
import type { LoadedModel, LongCallOptions } from '../model/loadedModel';
import type { BatchSourceFactory } from '../topk/batchSource';
import { findTopImages, type TopkFile } from '../topk/findTopImages';
import { TopkCache } from '../topk/topkCache';
import { LayerLensError } from '../../shared/errors';
import type { InputSpec } from '../../shared/model';
import type { TopkResult } from '../../shared/topk';
import { modelInputSpec } from './imageFiles';
import { modelIdentityOfFile } from './modelIdentityFile';
import { listImageFiles, nodeCacheStore, nodeTopkFile } from './nodeTopk';
import { useWebpWasmFromDisk, WEBP_WASM_FILE } from './nodeWebpWasm';

export interface TopkOfFolderRequest {
  layerId: string;
  /**
   * Every image under a folder (recursively, in a stable order; `listed` when the caller listed it already), or
   * exactly these files.
   */
  images: { folder: string; listed?: readonly TopkFile[] } | { files: readonly string[] };
  k: number;
  /** Images per forward pass; default chosen from the layer sizes. */
  batchSize?: number;
  /** Folder of the on-disk cache; absent: no cache. */
  cacheDir?: string;
  /** Over the sidecar's input settings. */
  inputSettings?: Partial<InputSpec>;
}

export interface TopkOfFolderOptions extends LongCallOptions {
  /** Where prepared batches come from (the engine decodes on a worker thread); default: this thread. */
  batches?: BatchSourceFactory;
}

export async function topkOfFolder(
  model: LoadedModel,
  request: TopkOfFolderRequest,
  options: TopkOfFolderOptions = {},
): Promise<{ result: TopkResult; spec: InputSpec }> {
  const { images } = request;
  const files = 'folder' in images ? (images.listed ?? listImageFiles(images.folder)) : images.files.map(nodeTopkFile);
  const where = 'folder' in images ? images.folder : `the ${images.files.length} files given`;
  if (files.length === 0) throw new LayerLensError('notFound', `${where} holds no PNG, JPEG, WebP, GIF or BMP image.`);
  const spec = await modelInputSpec(model, request.inputSettings);
  ensureWebpDecoder();
  const cache = request.cacheDir
    ? { cache: new TopkCache(nodeCacheStore(request.cacheDir)), modelHash: await modelIdentityOfFile(model.info.path) }
    : undefined;
  const result = await findTopImages(model, request.layerId, files, spec, {
    k: request.k,
    batchSize: request.batchSize,
    cache,
    signal: options.signal,
    onProgress: options.onProgress,
    batches: options.batches,
  });
  if (result.imageCount === 0) {
    const first = result.skipped[0]?.reason.replace(/\.$/, '');
    throw new LayerLensError('notAnImage', `None of the ${files.length} images in ${where} could be read${first ? ` (the first: ${first})` : ''}.`);
  }
  return { result, spec };
}

/** The scoring pass decodes with the core's decoders: WebP needs its .wasm found on disk first. */
function ensureWebpDecoder(): void {
  if (webpWasmConfigured()) return;
  const here = typeof __dirname === 'string' ? __dirname : '.';
  useWebpWasmFromDisk(existsSync(join(here, WEBP_WASM_FILE)) ? here : undefined);
}
