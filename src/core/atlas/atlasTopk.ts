// Dataset examples for many layers at once: every image is read, decoded and run through the model once, and each
// chosen layer's output is reduced on the device to per-channel max, argmax and mean ([B, C]), as findTopImages does
// for one layer. Also keeps per-channel statistics over the whole folder.
import * as tf from '@tensorflow/tfjs-core';
import { throwIfAborted, yieldToEventLoop } from '../abort';
import type { LoadedModel, LongCallOptions } from '../model/loadedModel';
import { inThreadBatches } from '../topk/batchSource';
import { chooseBatchSize, type TopkFile } from '../topk/findTopImages';
import { measureReceptiveField, unitBox } from '../topk/receptiveField';
import { TopkHeap } from '../topk/topkHeap';
import type { InputSpec } from '../../shared/model';
import type { ReceptiveField, SkippedFile, TopkEntry, TopkResult } from '../../shared/topk';

export interface ChannelStats {
  /** Per channel: sum of spatial means, largest max, images where max > 0. */
  meanSum: Float64Array;
  max: Float32Array;
  firing: Uint32Array;
}

export interface AtlasTopkResult {
  /** Per layer id: the usual top-k result (every channel) and the statistics. */
  layers: Map<string, { result: TopkResult; stats: ChannelStats }>;
  imageCount: number;
  skipped: SkippedFile[];
}

export interface AtlasTopkOptions extends LongCallOptions {
  k: number;
  /** Images per forward pass; pick it from the whole work list so that every shard batches alike. */
  batchSize?: number;
}

/** Batch size for a set of layers: the deepest one's, since one pass computes up to it. */
export function atlasTopkBatchSize(model: LoadedModel, layerIds: readonly string[], spec: InputSpec): number {
  const order = new Map(model.info.layers.map((l, i) => [l.id, i]));
  const deepest = [...layerIds].sort((a, b) => (order.get(b) ?? 0) - (order.get(a) ?? 0))[0];
  return deepest ? chooseBatchSize(model, deepest, spec) : 1;
}

export async function atlasTopk(model: LoadedModel, layerIds: readonly string[], files: readonly TopkFile[], spec: InputSpec, options: AtlasTopkOptions): Promise<AtlasTopkResult> {
  const started = Date.now();
  const batchSize = options.batchSize ?? atlasTopkBatchSize(model, layerIds, spec);
  const fields: ReceptiveField[] = [];
  for (const id of layerIds) fields.push(await measureReceptiveField(model, id, spec, { batchSize: Math.min(batchSize, 16), signal: options.signal }));
  type Held = TopkEntry & { order: number };
  const heaps: TopkHeap<Held>[][] = layerIds.map(() => []);
  const grids: [number, number][] = layerIds.map(() => [1, 1]);
  const stats: (ChannelStats | undefined)[] = layerIds.map(() => undefined);
  const skipped: SkippedFile[] = [];
  let scored = 0;
  const batches = inThreadBatches(files, spec, batchSize);
  try {
    for (let start = 0; start < files.length; start += batchSize) {
      throwIfAborted(options.signal, 'Finding top images');
      const batch = await batches.next();
      skipped.push(...batch.skipped);
      const n = batch.orders.length;
      if (n > 0) {
        const reduced = tf.tidy(() => {
          const input = tf.tensor4d(batch.values, [n, spec.height, spec.width, spec.channels], 'float32');
          return model.forward(input, layerIds).map((out) => {
            const channels = out.shape[out.rank - 1] as number;
            const grid: [number, number] = out.rank === 4 ? [out.shape[1] as number, out.shape[2] as number] : [1, 1];
            const perChannel = tf.transpose(tf.reshape(out, [n, -1, channels]), [0, 2, 1]);
            return { channels, grid, tensors: [tf.max(perChannel, 2), tf.argMax(perChannel, 2), tf.mean(perChannel, 2)] };
          });
        });
        for (let li = 0; li < layerIds.length; li++) {
          const { channels, grid, tensors } = reduced[li]!;
          const [max, argmax, mean] = await Promise.all(tensors.map((t) => t.data()));
          tf.dispose(tensors);
          grids[li] = grid;
          const s = (stats[li] ??= { meanSum: new Float64Array(channels), max: new Float32Array(channels).fill(-Infinity), firing: new Uint32Array(channels) });
          const layerHeaps = heaps[li]!;
          while (layerHeaps.length < channels) layerHeaps.push(new TopkHeap(options.k));
          batch.orders.forEach((order, b) => {
            for (let c = 0; c < channels; c++) {
              const i = b * channels + c;
              const value = max![i] as number;
              s.meanSum[c] += mean![i] as number;
              if (value > s.max[c]!) s.max[c] = value;
              if (value > 0) s.firing[c]++;
              const heap = layerHeaps[c]!;
              if (!heap.accepts(value, order)) continue;
              const pos = argmax![i] as number;
              const x = pos % grid[1];
              const y = Math.floor(pos / grid[1]);
              heap.push({ file: files[order]!.path, value, mean: mean![i] as number, x, y, box: unitBox(fields[li]!, x, y), order });
            }
          });
        }
        scored += n;
      }
      options.onProgress?.({ done: Math.min(files.length, start + batchSize), total: files.length });
      await yieldToEventLoop();
    }
  } finally {
    batches.close();
  }
  throwIfAborted(options.signal, 'Finding top images');
  const layers = new Map<string, { result: TopkResult; stats: ChannelStats }>();
  layerIds.forEach((layerId, li) => {
    const top = heaps[li]!.map((h) => h.sorted().map(({ order: _order, ...entry }) => entry));
    const result: TopkResult = {
      layerId, k: options.k, channels: top.length, top, grid: grids[li]!, input: [spec.height, spec.width], receptiveField: fields[li]!,
      imageCount: scored, skipped, batchSize, ms: Date.now() - started, fromCache: false,
    };
    const s = stats[li] ?? { meanSum: new Float64Array(0), max: new Float32Array(0), firing: new Uint32Array(0) };
    layers.set(layerId, { result, stats: s });
  });
  return { layers, imageCount: scored, skipped };
}
