// The atlas: what batching buys (ms per unit at batches of 1, 8 and 32 units, and the batch the atlas picks on this
// backend: 8 on a CPU, up to 32 on a GPU), the sample model's whole atlas (every conv layer, 256 steps, one seed, no
// diversity batch — the layer galleries), and GoogLeNet → inception4a, all 512 units at 128 steps in the atlas's
// batches, timed from a few steps of one batch unless LAYER_LENS_BENCH_ATLAS_FULL=1 runs them all (hours on two cores).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { renderActmax } from '../src/core/actmax';
import { atlasBatchSize } from '../src/core/atlas/atlasBatch';
import { atlasLayers, atlasWorkList } from '../src/core/atlas/workList';
import type { LoadedModel } from '../src/core/model/loadedModel';
import { modelInputSpec } from '../src/core/node/imageFiles';
import { loadModel } from '../src/core/node/loadModelFile';
import { computeAtlasUnits } from '../src/core/node/atlas/computeAtlasUnits';
import { atlasManifest, writeOrCheckManifest } from '../src/core/node/atlas/atlasManifest';
import { renderAtlasSite } from '../src/core/node/atlas/renderAtlasSite';
import type { InputSpec } from '../src/shared/model';
import { line } from './timing';

export const IMAGENET: InputSpec = {
  height: 224, width: 224, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255,
  mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
};

/** ms per step of one actmax batch of `units` (after a 1-step warm-up of the same batch size). */
export async function msPerStep(model: LoadedModel, layerId: string, units: number[], steps: number, inputSpec?: InputSpec): Promise<number> {
  await renderActmax(model, { layerId, units, preset: 'lucid', inputSpec, overrides: { steps: 1 } });
  return (await renderActmax(model, { layerId, units, preset: 'lucid', inputSpec, overrides: { steps } })).msPerStep;
}

/** Batch sizes the batching row times. */
export const BATCHES_TIMED = [1, 8, 32] as const;

export interface AtlasBatching {
  /** ms per step of a batch of n units, for each n of BATCHES_TIMED. */
  msPerStep: Record<number, number>;
  /** The batch an atlas of this layer picks on this backend (atlasBatchSize), and its ms per step. */
  chosen: number;
  chosenMsPerStep: number;
}

/**
 * Times one actmax step at batches of 1, 8 and 32 units (and the atlas's own batch if it is another) and prints ms per
 * unit for each, 32 units against one (the ≤ 8× target) and the batch the atlas picks.
 */
export async function atlasBatching(label: string, model: LoadedModel, layerId: string, steps: number, inputSpec?: InputSpec): Promise<AtlasBatching> {
  const spec = inputSpec ?? (await modelInputSpec(model));
  const chosen = atlasBatchSize(model, [layerId], spec);
  const msPerStepOf: Record<number, number> = {};
  for (const n of new Set<number>([...BATCHES_TIMED, chosen])) msPerStepOf[n] = await msPerStep(model, layerId, Array.from({ length: n }, (_, i) => i), steps, inputSpec);
  const perUnit = BATCHES_TIMED.map((n) => (msPerStepOf[n]! / n).toFixed(1)).join(' / ');
  const ratio = msPerStepOf[32]! / msPerStepOf[1]!;
  line(`${label}, 32 units vs 1`, `${perUnit} ms/unit at ${BATCHES_TIMED.join(' / ')} units; 32 units ${ratio.toFixed(2)}× one unit's step (target ≤ 8×); the atlas picks ${chosen} on ${tf.getBackend()}`);
  return { msPerStep: msPerStepOf, chosen, chosenMsPerStep: msPerStepOf[chosen]! };
}

export async function benchAtlas(backend: string, fixtures: string, sampleModel: string | undefined): Promise<void> {
  if (sampleModel) {
    const mnist = await loadModel(sampleModel);
    const out = mkdtempSync(join(tmpdir(), 'layer-lens-bench-atlas-'));
    try {
      await atlasBatching(`[${backend}] atlas batching ${mnist.info.name} → conv2`, mnist, 'conv2', backend === 'cpu' ? 8 : 32);
      const steps = backend === 'cpu' ? 32 : 256;
      const spec = await modelInputSpec(mnist);
      const work = atlasWorkList(atlasLayers(mnist.info), 'all');
      const batch = atlasBatchSize(mnist, [...new Set(work.map((i) => i.layerId))], spec);
      const settings = { preset: 'lucid' as const, steps, seeds: 1, diversity: 0, batch, k: 0, images: 0, size: [spec.height, spec.width] as [number, number] };
      writeOrCheckManifest(out, atlasManifest(mnist.info, work, settings));
      const t0 = Date.now();
      await computeAtlasUnits({ model: mnist, spec, work }, work, out, { settings });
      const t1 = Date.now();
      await renderAtlasSite(out);
      line(`[${backend}] atlas ${mnist.info.name}, every layer (${work.length} units), ${steps} steps, batches of ${batch}`, `${((t1 - t0) / 1000).toFixed(1)} s units + ${Date.now() - t1} ms site`);
    } finally {
      mnist.dispose();
      rmSync(out, { recursive: true, force: true });
    }
  }
  const googlenet = await loadModel(join(fixtures, 'googlenet.onnx'));
  try {
    const full = process.env.LAYER_LENS_BENCH_ATLAS_FULL === '1';
    const probe = backend === 'cpu' ? 1 : 2;
    const timed = await atlasBatching(`[${backend}] atlas batching googlenet.onnx → inception4a`, googlenet, 'inception4a', probe, IMAGENET);
    const batch = timed.chosen;
    const groups = Math.ceil(512 / batch);
    const label = `[${backend}] atlas googlenet.onnx → inception4a, 512 units, 128 steps, batches of ${batch}`;
    if (!full) {
      line(label, `about ${((groups * 128 * timed.chosenMsPerStep) / 60000).toFixed(0)} min (from ${probe} steps of one batch; LAYER_LENS_BENCH_ATLAS_FULL=1 runs it)`);
      return;
    }
    const t0 = Date.now();
    for (let g = 0; g < groups; g++) {
      const units = Array.from({ length: Math.min(batch, 512 - g * batch) }, (_, i) => g * batch + i);
      await renderActmax(googlenet, { layerId: 'inception4a', units, preset: 'lucid', inputSpec: IMAGENET, overrides: { steps: 128 } });
    }
    line(label, `${((Date.now() - t0) / 60000).toFixed(1)} min`);
  } finally {
    googlenet.dispose();
  }
}
