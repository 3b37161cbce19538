// The Layer Lens side of `npm run bench:peer`: the same three pieces of work as torchPeer.py, through the core's
// public API only (loadModel, renderActmax, computeActivations, findTopImages).
import * as tf from '@tensorflow/tfjs-core';
import { computeActivations } from '../../src/core/activations';
import { renderActmax } from '../../src/core/actmax';
import { modelInputSpec } from '../../src/core/node/imageFiles';
import type { LoadedModel } from '../../src/core/model/loadedModel';
import { findTopImages, chooseBatchSize } from '../../src/core/topk';
import { listImageFiles } from '../../src/core/node/nodeTopk';
import { medianMs } from '../timing';

/** ms per step: a short warm-up run (kernels, flipped-kernel constants), then the median of `runs` runs of `steps`. */
export async function actmaxMsPerStep(model: LoadedModel, layerId: string, unit: number, size: number, steps: number, runs: number): Promise<number> {
  const request = (n: number) => ({ layerId, units: [unit], preset: 'trial1-naive' as const, overrides: { steps: n, size, frameEvery: 1_000_000 } });
  await renderActmax(model, request(2));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await renderActmax(model, request(steps))).msPerStep);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * ms per step of the 'lucid' preset (Fourier image, decorrelated colors, Lucid's transforms, Adam) for one unit:
 * a 2-step warm-up render, then `runs` renders of `steps`; every run's ms per step, sorted.
 */
export async function lucidMsPerStep(model: LoadedModel, layerId: string, unit: number, size: number, steps: number, runs: number): Promise<number[]> {
  const request = (n: number) => ({ layerId, units: [unit], preset: 'lucid' as const, overrides: { steps: n, size, frameEvery: 1_000_000 } });
  await renderActmax(model, request(2));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await renderActmax(model, request(steps))).msPerStep);
  return times.sort((a, b) => a - b);
}

/**
 * ms per step of the 'lucid' preset for units 0..n-1 at once (one image per unit, the objective summed over the
 * batch): a 1-step warm-up render of the same batch (it grows the heap to this batch's size), then the median of
 * `runs` renders of `steps`.
 */
export async function lucidBatchMsPerStep(model: LoadedModel, layerId: string, units: number, size: number, steps: number, runs: number): Promise<number> {
  const request = (n: number) => ({ layerId, units: Array.from({ length: units }, (_, i) => i), preset: 'lucid' as const, overrides: { steps: n, size, frameEvery: 1_000_000 } });
  await renderActmax(model, request(1));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await renderActmax(model, request(steps))).msPerStep);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Feature maps of every layer (the seed's hooks): one forward, every output read back with its stats. */
export async function featureMapsMs(model: LoadedModel, size: number, runs: number): Promise<{ ms: number; layers: number }> {
  const input = tf.randomUniform([1, size, size, 3]) as tf.Tensor4D;
  const ids = model.info.layers.filter((l) => l.kind !== 'input').map((l) => l.id);
  try {
    const ms = await medianMs(runs, async () => void (await computeActivations(model, input, ids)), 2);
    return { ms, layers: ids.length };
  } finally {
    input.dispose();
  }
}

export async function forwardMs(model: LoadedModel, size: number, runs: number): Promise<number> {
  const input = tf.randomUniform([1, size, size, 3]) as tf.Tensor4D;
  try {
    return await medianMs(runs, async () => {
      const [y] = model.forward(input, model.info.outputIds);
      await y.data();
      y.dispose();
    }, 2);
  } finally {
    input.dispose();
  }
}

/** Top-k over a folder: decode, preprocess, batched forward to the layer, per-channel reductions, heaps. */
export async function topkMs(model: LoadedModel, layerId: string, folder: string, batchSize: number | undefined, runs: number): Promise<{ ms: number; images: number; batch: number }> {
  const files = listImageFiles(folder);
  const spec = await modelInputSpec(model);
  const batch = batchSize ?? chooseBatchSize(model, layerId, spec);
  const ms = await medianMs(runs, async () => void (await findTopImages(model, layerId, files, spec, { k: 4, batchSize: batch })), 1);
  return { ms, images: files.length, batch };
}
