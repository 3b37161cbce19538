// Dataset examples: the k images of a folder that activate each channel of a layer most, in one batched pass.
// Per batch (topkBatch.ts) the device reduces the layer's output to three [B, C] arrays (max, argmax position,
// mean), so only those small arrays cross to JavaScript; a heap per channel keeps the k best.
import { throwIfAborted, yieldGateInstalled, yieldToEventLoop } from '../abort';
import type { LongCallOptions, LoadedModel } from '../model/loadedModel';
import { LayerLensError } from '../../shared/errors';
import { batchCapForGpu, GpuOutOfMemoryError } from '../gpuLimits';
import type { InputSpec } from '../../shared/model';
import type { ReceptiveField, SkippedFile, TopkEntry, TopkResult } from '../../shared/topk';
import { inThreadBatches, type BatchSourceFactory } from './batchSource';
import { measureReceptiveField, unitBox } from './receptiveField';
import { channelStatsInSlices } from './topkBatch';
import type { TopkCache } from './topkCache';
import { TopkHeap } from './topkHeap';

/** One image to score. Reading is injected: the Node adapter reads from disk, tests from memory. */
export interface TopkFile {
  path: string;
  read(): Promise<Uint8Array>;
  size: number;
  mtimeMs: number;
}

export interface TopkOptions extends LongCallOptions {
  k: number;
  /** Images per forward pass; by default chosen from the layer sizes to stay within about 256 MB of activations. */
  batchSize?: number;
  /** Reuse and store results; `modelHash` is the model's identity (src/shared/modelIdentity.ts). */
  cache?: { cache: TopkCache; modelHash: string };
  /** Where prepared batches come from; default: this thread, reading the next batch's files ahead. */
  batches?: BatchSourceFactory;
}

const MEMORY_BUDGET_BYTES = 256 * 1024 * 1024;
const MAX_BATCH = 64;
/**
 * In the engine, the longest a forward pass of one slice should hold the thread: a feature-maps or kernels request
 * that arrives meanwhile runs after it. Larger batches are faster per image, so slices are only as small as this
 * needs, sized from the time per image measured so far; the CLI, with nobody waiting, runs whole batches.
 */
const SLICE_TARGET_MS = 400;
const FIRST_SLICE = 4;

export async function findTopImages(
  model: LoadedModel,
  layerId: string,
  files: readonly TopkFile[],
  spec: InputSpec,
  options: TopkOptions,
): Promise<TopkResult> {
  const layer = model.info.layers.find((l) => l.id === layerId);
  if (!layer) throw new LayerLensError('unknownLayer', `${model.info.name} has no layer named "${layerId}".`);
  if (!Number.isInteger(options.k) || options.k < 1) throw new LayerLensError('badArgument', `k must be a whole number of at least 1, not ${options.k}.`);
  const key = options.cache ? { modelHash: options.cache.modelHash, layerId, files, k: options.k, spec } : undefined;
  if (options.cache && key) {
    const hit = await options.cache.cache.lookup(key);
    if (hit) return hit;
  }
  const started = Date.now();
  const batchSize = options.batchSize ?? chooseBatchSize(model, layerId, spec);
  const field = await receptiveFieldOf(model, layerId, spec, Math.min(batchSize, 16), options.signal);
  const heaps: TopkHeap<TopkEntry & { order: number }>[] = [];
  const skipped: SkippedFile[] = [];
  let grid: [number, number] = [1, 1];
  let scored = 0;
  const batches = (options.batches ?? inThreadBatches)(files, spec, batchSize);
  const sliced = yieldGateInstalled();
  let msPerImage: number | undefined;
  try {
    for (let start = 0; start < files.length; start += batchSize) {
      throwIfAborted(options.signal, 'Finding top images');
      const batch = await batches.next();
      skipped.push(...batch.skipped);
      if (batch.orders.length > 0) {
        const slice = !sliced ? batchSize : msPerImage === undefined ? FIRST_SLICE
          : Math.max(1, Math.floor(SLICE_TARGET_MS / msPerImage));
        const scoring = Date.now();
        const stats = await withinGpuMemory((n) => channelStatsInSlices(model, layerId, batch, spec, n), slice);
        // The yields between slices may include a short request's time; the smallest measure is the fairest.
        const measured = (Date.now() - scoring) / batch.orders.length;
        msPerImage = msPerImage === undefined ? measured : Math.min(msPerImage, measured);
        grid = stats.grid;
        while (heaps.length < stats.channels) heaps.push(new TopkHeap(options.k));
        batch.orders.forEach((order, b) => {
          for (let c = 0; c < stats.channels; c++) {
            const i = b * stats.channels + c;
            const value = stats.max[i] as number;
            const heap = heaps[c] as TopkHeap<TopkEntry & { order: number }>;
            if (!heap.accepts(value, order)) continue;
            const pos = stats.argmax[i] as number;
            const x = pos % stats.grid[1];
            const y = Math.floor(pos / stats.grid[1]);
            heap.push({ file: files[order]!.path, value, mean: stats.mean[i] as number, x, y, box: unitBox(field, x, y), order });
          }
        });
        scored += batch.orders.length;
      }
      const done = Math.min(files.length, start + batchSize);
      options.onProgress?.({ done, total: files.length, message: progressLine(done, files.length, Date.now() - started) });
      await yieldToEventLoop();
    }
  } finally {
    batches.close();
  }
  throwIfAborted(options.signal, 'Finding top images');
  const result: TopkResult = {
    layerId,
    k: options.k,
    channels: heaps.length || channelCount(layer.outputShape),
    top: heaps.length ? heaps.map((h) => h.sorted().map(({ order: _order, ...entry }) => entry)) : [],
    grid,
    input: [spec.height, spec.width],
    receptiveField: field,
    imageCount: scored,
    skipped,
    batchSize,
    ms: Date.now() - started,
    fromCache: false,
  };
  // Written only now, after the last batch: a cancelled or failed run never leaves a partial entry.
  if (options.cache && key) await options.cache.cache.save(key, result);
  return result;
}

/** Batch size from the activations the forward pass may hold: every layer up to the target, per image. */
export function chooseBatchSize(model: LoadedModel, layerId: string, spec: InputSpec): number {
  const input = spec.height * spec.width * spec.channels;
  // Modules (ONNX name scopes) repeat their children's outputs: count the leaves only.
  const parents = new Set(model.info.layers.map((l) => l.parent).filter((p) => p !== undefined));
  let sum = 0;
  let largest = 0;
  for (const l of model.info.layers) {
    if (!parents.has(l.id)) {
      const size = l.outputShape.reduce<number>((p, d) => p * (d ?? 1), 1);
      sum += size;
      largest = Math.max(largest, size);
    }
    if (l.id === layerId) break;
  }
  // The ONNX executor frees each output once its last reader ran, so what is alive at once is about the input
  // and three of the largest output (it, its input, and a branch or scratch): GoogLeNet → inception4a measured
  // 6.4 MB an image by tf.profile's peak, estimated 10.2. Other loaders are counted as keeping every output,
  // three times over (the values, their inputs still alive in the same op, the reductions' scratch).
  const bytes = 4 * (model.info.format === 'onnx' ? input + 3 * largest : 3 * (input + sum));
  // On a GPU, the largest tensor of the batch must also fit one storage binding (maxStorageBufferBindingSize).
  const gpuCap = batchCapForGpu(4 * Math.max(input, largest));
  return Math.max(1, Math.min(MAX_BATCH, gpuCap, Math.floor(MEMORY_BUDGET_BYTES / bytes)));
}

/** Runs `score` on slices of `slice` images, halving the slice while the GPU runs out of memory (one image: the error stands). */
async function withinGpuMemory<T>(score: (slice: number) => Promise<T>, slice: number): Promise<T> {
  for (let n = slice; ; n = Math.max(1, Math.floor(n / 2))) {
    try {
      return await score(n);
    } catch (e) {
      if (!(e instanceof GpuOutOfMemoryError) || n === 1) throw e;
    }
  }
}

function channelCount(shape: (number | null)[]): number {
  return shape[shape.length - 1] ?? 0;
}

function progressLine(done: number, total: number, ms: number): string {
  const left = done > 0 ? ((total - done) * ms) / done / 1000 : NaN;
  const eta = done >= total ? 'done' : Number.isFinite(left) ? `about ${left < 10 ? left.toFixed(1) : Math.round(left)} s left` : '';
  return `${done} of ${total} images${eta ? `, ${eta}` : ''}`;
}

/** Fields measured in this process, per model: the engine keeps its model open across runs. */
const fieldMemo = new WeakMap<LoadedModel, Map<string, ReceptiveField>>();

async function receptiveFieldOf(model: LoadedModel, layerId: string, spec: InputSpec, batchSize: number, signal?: AbortSignal): Promise<ReceptiveField> {
  let byKey = fieldMemo.get(model);
  if (!byKey) fieldMemo.set(model, (byKey = new Map()));
  const key = JSON.stringify([layerId, spec.height, spec.width, spec.channels]);
  let field = byKey.get(key);
  if (!field) {
    field = await measureReceptiveField(model, layerId, spec, { batchSize, signal });
    byKey.set(key, field);
  }
  return field;
}
