// One batch of dataset examples, from file bytes to the per-channel statistics the heaps need: decode and
// preprocess every image straight into one NHWC buffer (one tensor per batch, no concat), one forward pass, and a
// single transpose feeding three last-axis reductions, so only [B, C] arrays cross back to JavaScript.
import * as tf from '@tensorflow/tfjs-core';
import { yieldToEventLoop } from '../abort';
import { decodeImage } from '../image/decodeImage';
import type { LoadedModel } from '../model/loadedModel';
import { preprocessInto } from '../preprocess/preprocessInto';
import { LayerLensError } from '../../shared/errors';
import type { InputSpec } from '../../shared/model';
import type { SkippedFile } from '../../shared/topk';

/** What reading one file gave: its bytes, or one sentence saying why not. */
export type ReadResult = { order: number; path: string; bytes: Uint8Array } | { order: number; path: string; reason: string };

/** Images of a batch ready for the model: `values` holds `orders.length` inputs of H × W × C, in that order. */
export interface PreparedBatch {
  orders: number[];
  values: Float32Array;
  skipped: SkippedFile[];
}

/** Reads `files[start .. start + size)` concurrently; a failed read becomes a reason, never a rejection. */
export function readBatch(files: readonly { path: string; read(): Promise<Uint8Array> }[], start: number, size: number): Promise<ReadResult[]> {
  return Promise.all(
    files.slice(start, start + size).map(async (f, i): Promise<ReadResult> => {
      const order = start + i;
      try {
        return { order, path: f.path, bytes: await f.read() };
      } catch (e) {
        return { order, path: f.path, reason: `${baseName(f.path)} could not be read (${clause(e)}).` };
      }
    }),
  );
}

/** Decodes and preprocesses each read image into one buffer; unreadable or undecodable files are skipped with a reason. */
export async function prepareBatch(reads: readonly ReadResult[], spec: InputSpec): Promise<PreparedBatch> {
  const per = spec.height * spec.width * spec.channels;
  const values = new Float32Array(reads.length * per);
  const orders: number[] = [];
  const skipped: SkippedFile[] = [];
  for (const r of reads) {
    if ('reason' in r) {
      skipped.push({ file: r.path, reason: r.reason });
      continue;
    }
    const name = baseName(r.path);
    try {
      preprocessInto(await decodeImage(r.bytes, name), spec, values, orders.length * per);
      orders.push(r.order);
    } catch (e) {
      skipped.push({ file: r.path, reason: oneSentence(e, name) });
    }
  }
  // Skipped images leave the tail unused: hand the model only the filled part (a view, not a copy).
  return { orders, values: orders.length === reads.length ? values : values.subarray(0, orders.length * per), skipped };
}

export interface BatchStats {
  channels: number;
  grid: [number, number];
  /** [B, C] row-major: per image and channel the max over the grid, its first flat position, and the mean. */
  max: Float32Array;
  argmax: Int32Array;
  mean: Float32Array;
}

/** One forward pass of a prepared batch to `layerId` and its per-channel max, argmax and mean. */
export async function channelStats(model: LoadedModel, layerId: string, batch: PreparedBatch, spec: InputSpec): Promise<BatchStats> {
  const n = batch.orders.length;
  let grid: [number, number] = [1, 1];
  let channels = 0;
  const [max, argmax, mean] = tf.tidy(() => {
    const input = tf.tensor4d(batch.values, [n, spec.height, spec.width, spec.channels], 'float32');
    const out = model.forward(input, [layerId])[0] as tf.Tensor;
    channels = out.shape[out.rank - 1] as number;
    if (out.rank === 4) grid = [out.shape[1] as number, out.shape[2] as number];
    // Reductions over a middle axis transpose internally, each on its own: transpose once, reduce the last axis.
    const perChannel = tf.transpose(tf.reshape(out, [n, -1, channels]), [0, 2, 1]);
    return [tf.max(perChannel, 2), tf.argMax(perChannel, 2), tf.mean(perChannel, 2)];
  });
  try {
    const [a, b, c] = await Promise.all([max.data(), argmax.data(), mean.data()]);
    return { channels, grid, max: toFloat32(a), argmax: b instanceof Int32Array ? b : Int32Array.from(b), mean: toFloat32(c) };
  } finally {
    tf.dispose([max, argmax, mean]);
  }
}

/**
 * The same statistics, the batch's forward passes cut into slices of at most `slice` images with a yield point
 * between them: a short request waiting in the engine runs after one slice instead of the whole batch. The images
 * stay decoded as one batch; only the model sees smaller ones.
 */
export async function channelStatsInSlices(
  model: LoadedModel, layerId: string, batch: PreparedBatch, spec: InputSpec, slice: number,
): Promise<BatchStats> {
  const n = batch.orders.length;
  if (slice >= n) return channelStats(model, layerId, batch, spec);
  const per = spec.height * spec.width * spec.channels;
  let whole: BatchStats | undefined;
  for (let start = 0; start < n; start += slice) {
    if (start > 0) await yieldToEventLoop();
    const end = Math.min(n, start + slice);
    const part = await channelStats(model, layerId, {
      orders: batch.orders.slice(start, end), values: batch.values.subarray(start * per, end * per), skipped: [],
    }, spec);
    const c = part.channels;
    whole ??= { channels: c, grid: part.grid, max: new Float32Array(n * c), argmax: new Int32Array(n * c), mean: new Float32Array(n * c) };
    whole.max.set(part.max, start * c);
    whole.argmax.set(part.argmax, start * c);
    whole.mean.set(part.mean, start * c);
  }
  return whole as BatchStats;
}

function toFloat32(a: tf.TypedArray): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a);
}

function oneSentence(e: unknown, name: string): string {
  if (e instanceof LayerLensError) return e.message;
  return `${name} could not be used (${clause(e)}).`;
}

export function clause(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').replace(/[.\s]+$/, '').trim();
  return text.length > 120 ? `${text.slice(0, 117)}...` : text || 'unknown error';
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
