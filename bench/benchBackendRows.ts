// The rows compared across backends (CPU, WebGPU on a real GPU): GoogLeNet → inception4a Lucid actmax step at
// 224 px for 1 unit and for 32 units at once; feature maps of every module in one pass; top-k images/s over a
// folder of 224 px images with decoding on a worker thread, so a fast backend is not starved by PNG decoding.
// Sizes come from the command line so a 2-core box can measure small and a GPU machine the full 2,000 images.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { computeActivations } from '../src/core/activations';
import { renderActmax } from '../src/core/actmax';
import { loadModel } from '../src/core/node/loadModelFile';
import { workerBatches } from '../src/core/node/nodeBatchWorker';
import { listImageFiles } from '../src/core/node/nodeTopk';
import { readSidecar } from '../src/core/node/readSidecar';
import { resolveInputSpec } from '../src/core/preprocess/inputSpec';
import { findTopImages } from '../src/core/topk/findTopImages';
import type { InputSpec } from '../src/shared/model';
import { syntheticFolder } from './benchTopk';
import { line, medianMs } from './timing';

export interface BackendRowSizes {
  /** Actmax steps timed per render (after a 1-step warm-up render). */
  steps: number;
  /** Images in the top-k folder. */
  images: number;
  /** Units of the batched actmax row. */
  units: number;
}

const IMAGENET: InputSpec = {
  height: 224, width: 224, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255,
  mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
};

export async function benchBackendRows(label: string, fixtures: string, sizes: BackendRowSizes, repoRoot: string): Promise<void> {
  const path = join(fixtures, 'googlenet.onnx');
  const googlenet = await loadModel(path);
  try {
    // Cheapest first: on a slow (software) adapter the feature-map and top-k rows still come out.
    const modules = googlenet.info.layers.filter((l) => l.kind !== 'input').map((l) => l.id);
    const input = tf.randomUniform([1, 224, 224, 3]) as tf.Tensor4D;
    const ms = await medianMs(3, async () => {
      const maps = await computeActivations(googlenet, input, modules);
      if (maps.length !== modules.length) throw new Error(`${maps.length} of ${modules.length} feature maps came back`);
    });
    input.dispose();
    line(`[${label}] feature maps googlenet, all ${modules.length} modules, one pass`, `${ms.toFixed(1)} ms`);

    const files = listImageFiles(syntheticFolder(sizes.images, 224));
    const spec = resolveInputSpec(googlenet.info, await readSidecar(path));
    // The bundled worker (npm run bench builds first), else the source one through tsx.
    const dist = join(repoRoot, 'dist');
    const batches = (existsSync(join(dist, 'topkWorker.js')) ? workerBatches(dist) : undefined) ?? workerBatches();
    if (!batches) throw new Error('no top-k decode worker script was found (run npm run build)');
    const run = async (): Promise<{ ms: number; batch: number }> => {
      const t0 = performance.now();
      const result = await findTopImages(googlenet, 'inception4a', files, spec, { k: 9, batches });
      if (result.imageCount !== files.length) throw new Error(`${result.imageCount} of ${files.length} images were scored`);
      return { ms: performance.now() - t0, batch: result.batchSize };
    };
    await run();
    const warm = await run();
    const perSecond = files.length / (warm.ms / 1000);
    line(`[${label}] top-9 googlenet → inception4a, ${files.length} images, decode on a worker`, `${perSecond.toFixed(perSecond >= 100 ? 0 : 1)} img/s (batch ${warm.batch}, ${(warm.ms / 1000).toFixed(1)} s)`);
    for (const n of [1, sizes.units]) {
      const units = Array.from({ length: n }, (_, i) => i);
      const render = (steps: number) => renderActmax(googlenet, { layerId: 'inception4a', units, preset: 'lucid', inputSpec: IMAGENET, overrides: { steps } });
      await render(1);
      const r = await render(sizes.steps);
      line(`[${label}] actmax googlenet → inception4a, lucid, 224 px, ${n} unit${n === 1 ? '' : 's'} at once`, `${r.msPerStep.toFixed(1)} ms/step (${sizes.steps} steps)`);
    }
  } finally {
    googlenet.dispose();
  }
}
