// Occlusion (Zeiler & Fergus 2014; Captum's Occlusion): a window × window patch of every channel is replaced by
// the baseline (black), and each pixel's attribution is the mean, over the windows that cover it, of
// S(x) − S(x with that window occluded). Windows start every `stride` pixels, plus one flush with the far edge
// so every pixel is covered; the occluded copies run batchSize at a time, forward passes only.
import * as tf from '@tensorflow/tfjs-core';
import type { LongCallOptions, LoadedModel } from '../model/loadedModel';
import { inBatches } from './batches';
import { readAll, readScalar } from './readBack';
import type { ResolvedTarget } from './target';

/** Window starts along one axis: 0, stride, 2·stride, … and the last flush with the edge. */
export function windowStarts(size: number, window: number, stride: number): number[] {
  const last = Math.max(0, size - window);
  const starts: number[] = [];
  for (let s = 0; s <= last; s += stride) starts.push(s);
  if (starts[starts.length - 1] !== last) starts.push(last);
  return starts;
}

export interface OcclusionSettings {
  window: number;
  stride: number;
  batchSize: number;
}

export async function occlusion(
  model: LoadedModel,
  target: ResolvedTarget,
  x: tf.Tensor4D,
  baseline: tf.Tensor4D,
  s: OcclusionSettings,
  call?: LongCallOptions,
): Promise<{ map: Float32Array; passes: number }> {
  const [, h, w] = x.shape;
  const win = Math.min(s.window, h, w);
  const ys = windowStarts(h, win, s.stride);
  const xs = windowStarts(w, win, s.stride);
  const windows = ys.flatMap((y) => xs.map((xx) => [y, xx] as const));
  const full = await readScalar(tf.tidy(() => target.score(model.forward(x, [target.layerId])[0])));
  const sum = new Float64Array(h * w);
  const count = new Float64Array(h * w);
  await inBatches(windows.length, s.batchSize, call, 'Occlusion', async (start, n) => {
    const mask = new Float32Array(n * h * w);
    for (let i = 0; i < n; i++) {
      const [y0, x0] = windows[start + i];
      for (let y = y0; y < y0 + win; y++) mask.fill(1, i * h * w + y * w + x0, i * h * w + y * w + x0 + win);
    }
    const scored = tf.tidy(() => {
      const m = tf.tensor4d(mask, [n, h, w, 1]);
      // x where the mask is 0, the baseline where it is 1.
      const occluded = tf.add(x, tf.mul(m, tf.sub(baseline, x))) as tf.Tensor4D;
      return target.score(model.forward(occluded, [target.layerId])[0]);
    });
    const scores = await readAll(scored);
    for (let i = 0; i < n; i++) {
      const [y0, x0] = windows[start + i];
      const drop = full - scores[i];
      for (let y = y0; y < y0 + win; y++) {
        for (let xx = x0; xx < x0 + win; xx++) {
          sum[y * w + xx] += drop;
          count[y * w + xx] += 1;
        }
      }
    }
  });
  const map = new Float32Array(h * w);
  for (let i = 0; i < map.length; i++) map[i] = count[i] > 0 ? sum[i] / count[i] : 0;
  return { map, passes: windows.length + 1 };
}
