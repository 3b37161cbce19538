// The atlas: what batching buys (ms per step of 32 units at once against one unit), the sample model's whole atlas
// (every conv layer, 256 steps, one seed, no diversity batch — the layer galleries), and GoogLeNet → inception4a,
// all 512 units at 128 steps: 16 batches of 32, timed from a few steps of one batch unless
// LAYER_LENS_BENCH_ATLAS_FULL=1 runs them all (hours on two cores).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderActmax } from '../src/core/actmax';
import { atlasLayers, atlasWorkList } from '../src/core/atlas/workList';
import type { LoadedModel } from '../src/core/model/loadedModel';
import { modelInputSpec } from '../src/core/node/imageFiles';
import { loadModel } from '../src/core/node/loadModelFile';
import { computeAtlasUnits } from '../src/core/node/atlas/computeAtlasUnits';
import { atlasManifest, writeOrCheckManifest } from '../src/core/node/atlas/atlasManifest';
import { renderAtlasSite } from '../src/core/node/atlas/renderAtlasSite';
import type { InputSpec } from '../src/shared/model';
import { line } from './timing';

const IMAGENET: InputSpec = {
  height: 224, width: 224, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255,
  mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
};

/** ms per step of one actmax batch of `units` (after a 1-step warm-up of the same batch size). */
async function msPerStep(model: LoadedModel, layerId: string, units: number[], steps: number, inputSpec?: InputSpec): Promise<number> {
  await renderActmax(model, { layerId, units, preset: 'lucid', inputSpec, overrides: { steps: 1 } });
  return (await renderActmax(model, { layerId, units, preset: 'lucid', inputSpec, overrides: { steps } })).msPerStep;
}

async function batching(label: string, model: LoadedModel, layerId: string, steps: number, inputSpec?: InputSpec): Promise<number> {
  const one = await msPerStep(model, layerId, [0], steps, inputSpec);
  const many = await msPerStep(model, layerId, Array.from({ length: 32 }, (_, i) => i), steps, inputSpec);
  line(`${label}, 32 units vs 1`, `${many.toFixed(1)} vs ${one.toFixed(1)} ms/step = ${(many / one).toFixed(2)}× (target ≤ 8×)`);
  return many;
}

export async function benchAtlas(backend: string, fixtures: string, sampleModel: string | undefined): Promise<void> {
  if (sampleModel) {
    const mnist = await loadModel(sampleModel);
    const out = mkdtempSync(join(tmpdir(), 'layer-lens-bench-atlas-'));
    try {
      await batching(`[${backend}] atlas batching ${mnist.info.name} → conv2`, mnist, 'conv2', backend === 'cpu' ? 8 : 32);
      const steps = backend === 'cpu' ? 32 : 256;
      const spec = await modelInputSpec(mnist);
      const work = atlasWorkList(atlasLayers(mnist.info), 'all');
      const settings = { preset: 'lucid' as const, steps, seeds: 1, diversity: 0, k: 0, images: 0, size: [spec.height, spec.width] as [number, number] };
      writeOrCheckManifest(out, atlasManifest(mnist.info, work, settings));
      const t0 = Date.now();
      await computeAtlasUnits({ model: mnist, spec, work }, work, out, { settings });
      const t1 = Date.now();
      await renderAtlasSite(out);
      line(`[${backend}] atlas ${mnist.info.name}, every layer (${work.length} units), ${steps} steps`, `${((t1 - t0) / 1000).toFixed(1)} s units + ${Date.now() - t1} ms site`);
    } finally {
      mnist.dispose();
      rmSync(out, { recursive: true, force: true });
    }
  }
  const googlenet = await loadModel(join(fixtures, 'googlenet.onnx'));
  try {
    const full = process.env.LAYER_LENS_BENCH_ATLAS_FULL === '1';
    const probe = backend === 'cpu' ? 1 : 2;
    const many = await batching(`[${backend}] atlas batching googlenet.onnx → inception4a`, googlenet, 'inception4a', probe, IMAGENET);
    const groups = 512 / 32;
    if (!full) {
      line(`[${backend}] atlas googlenet.onnx → inception4a, 512 units, 128 steps`, `about ${((groups * 128 * many) / 60000).toFixed(0)} min (from ${probe} steps of one batch; LAYER_LENS_BENCH_ATLAS_FULL=1 runs it)`);
      return;
    }
    const t0 = Date.now();
    for (let g = 0; g < groups; g++) {
      await renderActmax(googlenet, { layerId: 'inception4a', units: Array.from({ length: 32 }, (_, i) => g * 32 + i), preset: 'lucid', inputSpec: IMAGENET, overrides: { steps: 128 } });
    }
    line(`[${backend}] atlas googlenet.onnx → inception4a, 512 units, 128 steps`, `${((Date.now() - t0) / 60000).toFixed(1)} min`);
  } finally {
    googlenet.dispose();
  }
}
