// `topk` sharded by images: each shard scores its slice of the folder (as even as whole images allow: 20 images in
// 3 shards are 6, 7 and 7) and keeps its k best per channel; the merge puts the shards' heaps together with the
// one-machine tie order (earlier file first), so the result is that run's. An image's scores do not depend on the
// images beside it in a batch (the engine already cuts batches into time slices of any size, and skipped files
// shorten a batch), so a shard need not hold whole batches of the one-machine run: split by batches, 20 images at
// the sample model's batch of 64 gave shard 1 of 2 nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { modelInputSpec } from '../../core/node/imageFiles';
import { modelIdentityOfFile } from '../../core/node/modelIdentityFile';
import { nodeCacheStore } from '../../core/node/nodeTopk';
import { useWebpWasmFromDisk, WEBP_WASM_FILE } from '../../core/node/nodeWebpWasm';
import { webpWasmConfigured } from '../../core/image';
import { TopkCache } from '../../core/topk/topkCache';
import { MANIFEST_FORMAT, type ShardManifest } from '../../core/shard/manifest';
import { shardSlice, type ShardSpec } from '../../core/shard/shardSpec';
import { chooseBatchSize, findTopImages, type TopkFile } from '../../core/topk/findTopImages';
import { TopkHeap } from '../../core/topk/topkHeap';
import type { LoadedModel, LongCallOptions } from '../../core/model/loadedModel';
import { LayerLensError } from '../../shared/errors';
import type { InputSpec } from '../../shared/model';
import type { PixelBox, ReceptiveField, TopkEntry, TopkResult } from '../../shared/topk';
import { writeFileAtomic } from '../outputFiles';
import { finishShard, openShard, sha256Hex, type ShardFolder } from './shardFolders';

const PARTIAL_FILE = 'topk-partial.json';

interface PartialEntry { file: string; value: number; mean: number; x: number; y: number; box: PixelBox }

/** One shard's k best per channel over its images, and what the merge needs to redraw the one-machine output. */
interface TopkPartial {
  /** Absolute folder of the images (the merge reads them again to draw the rows). */
  imagesFolder: string;
  channels: number;
  grid: [number, number];
  input: [number, number];
  receptiveField: ReceptiveField | null;
  imageCount: number;
  skipped: { file: string; reason: string }[];
  batchSize: number;
  /** Per channel, value descending; `file` relative to imagesFolder. */
  top: PartialEntry[][];
}

export interface TopkShardRequest {
  model: LoadedModel;
  modelPath: string;
  layerId: string;
  imagesDir: string;
  listed: readonly TopkFile[];
  k: number;
  batchSize?: number;
  cacheDir?: string;
  inputSettings?: Partial<InputSpec>;
  outDir: string;
  shard: ShardSpec;
}

/** Runs one shard into OUT/shard-i-of-n/ (manifest, partial result, DONE last); a finished one is skipped. */
export async function runTopkShard(req: TopkShardRequest, options: LongCallOptions = {}): Promise<{ dir: string; skipped: boolean; images: number }> {
  const spec = await modelInputSpec(req.model, req.inputSettings);
  const batchSize = req.batchSize ?? chooseBatchSize(req.model, req.layerId, spec);
  const images = req.listed.map((f) => rel(req.imagesDir, f.path));
  const manifest: ShardManifest = {
    format: MANIFEST_FORMAT,
    kind: 'topk',
    modelHash: await modelIdentityOfFile(req.modelPath),
    images,
    settings: { layer: req.layerId, k: req.k, input: spec },
    workListHash: sha256Hex(JSON.stringify(images)),
    workItems: images.length,
    groupSize: 1,
    shardCount: req.shard.count,
    shard: req.shard.index,
  };
  const { dir, done } = openShard(req.outDir, req.shard, manifest);
  const slice = shardSlice(req.listed, req.shard);
  if (done) return { dir, skipped: true, images: slice.items.length };
  let partial: TopkPartial = { imagesFolder: req.imagesDir, channels: 0, grid: [1, 1], input: [spec.height, spec.width], receptiveField: null, imageCount: 0, skipped: [], batchSize, top: [] };
  if (slice.items.length > 0) {
    // core's findTopImages rather than topkOfFolder: a shard whose images all fail to read is a valid part of a
    // run that has readable images elsewhere (its skips are reported by the merge), not an error.
    if (!webpWasmConfigured()) useWebpWasmFromDisk(existsSync(join(__dirname, WEBP_WASM_FILE)) ? __dirname : undefined);
    const cache = req.cacheDir ? { cache: new TopkCache(nodeCacheStore(req.cacheDir)), modelHash: manifest.modelHash } : undefined;
    const result = await findTopImages(req.model, req.layerId, slice.items, spec, { k: req.k, batchSize, cache, ...options });
    partial = {
      ...partial,
      channels: result.channels, grid: result.grid, input: result.input, receptiveField: result.receptiveField, imageCount: result.imageCount,
      skipped: result.skipped.map((s) => ({ file: rel(req.imagesDir, s.file), reason: s.reason })),
      top: result.top.map((entries) => entries.map(({ file, value, mean, x, y, box }) => ({ file: rel(req.imagesDir, file), value, mean, x, y, box }))),
    };
  }
  writeFileAtomic(join(dir, PARTIAL_FILE), `${JSON.stringify(partial)}\n`);
  finishShard(dir);
  return { dir, skipped: false, images: slice.items.length };
}

/**
 * The one-machine result from the shards' partial results: per channel the k best of all shards' k best, ties to
 * the file that comes first in the sorted listing (the manifest's order), exactly as one heap over every image.
 */
export function mergeTopkShards(shards: readonly ShardFolder[]): { result: TopkResult; spec: InputSpec; imagesDir: string } {
  const first = shards[0];
  if (!first) throw new LayerLensError('badArgument', 'merge needs at least one shard.');
  const { settings, images } = first.manifest;
  const k = settings.k as number;
  const order = new Map(images.map((file, i) => [file, i]));
  const partials = shards.map((s) => readPartial(s.dir));
  const scored = partials.filter((p) => p.imageCount > 0);
  const model = scored[0];
  if (!model) throw new LayerLensError('notAnImage', `None of the ${images.length} images of the shards in ${first.dir} could be read.`);
  const heaps = Array.from({ length: model.channels }, () => new TopkHeap<TopkEntry & { order: number }>(k));
  partials.forEach((p, s) => p.top.forEach((entries, c) => {
    for (const e of entries) {
      const at = order.get(e.file);
      if (at === undefined) throw new LayerLensError('badArgument', `${shards[s]?.dir} names ${e.file}, which its manifest does not list.`);
      heaps[c]?.push({ ...e, file: join(model.imagesFolder, ...e.file.split('/')), order: at });
    }
  }));
  const result: TopkResult = {
    layerId: settings.layer as string,
    k,
    channels: model.channels,
    top: heaps.map((h) => h.sorted().map(({ order: _order, ...entry }) => entry)),
    grid: model.grid,
    input: model.input,
    receptiveField: model.receptiveField as ReceptiveField,
    imageCount: partials.reduce((n, p) => n + p.imageCount, 0),
    skipped: partials.flatMap((p) => p.skipped.map((sk) => ({ file: join(p.imagesFolder, ...sk.file.split('/')), reason: sk.reason }))),
    batchSize: model.batchSize,
    ms: 0,
    fromCache: false,
  };
  return { result, spec: settings.input as InputSpec, imagesDir: model.imagesFolder };
}

function readPartial(dir: string): TopkPartial {
  const path = join(dir, PARTIAL_FILE);
  try {
    const p = JSON.parse(readFileSync(path, 'utf8')) as TopkPartial;
    if (typeof p.imagesFolder === 'string' && Array.isArray(p.top) && typeof p.imageCount === 'number') return p;
  } catch {
    // fall through to the one sentence below
  }
  throw new LayerLensError('badArgument', `${path} is missing or not a top-k shard's result.`);
}

function rel(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}
