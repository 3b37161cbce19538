// Activation maximization: ms per step and the final objective, on the MNIST sample (→ conv2, batch 1 and 16)
// and on googlenet.onnx (→ inception4a, unit 11 as in the seed's trials, 224 px, ImageNet normalization as
// torchvision's GoogLeNet expects). A step: parameterization, transforms, forward to the layer, input gradient, Adam.
import { join } from 'node:path';
import { renderActmax } from '../src/core/actmax';
import { loadModel } from '../src/core/node/loadModelFile';
import type { ActmaxPresetName, ActmaxResult } from '../src/shared/actmax';
import type { InputSpec } from '../src/shared/model';
import { line } from './timing';

const IMAGENET: InputSpec = {
  height: 224, width: 224, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255,
  mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
};

function finalObjective(r: ActmaxResult): string {
  const last = r.objectiveHistory.map((h) => h[h.length - 1]);
  const mean = last.reduce((a, b) => a + b, 0) / last.length;
  return `objective ${r.objectiveHistory[0][0].toFixed(3)} → ${mean.toFixed(3)}${last.length > 1 ? ' (mean of units)' : ''}`;
}

/** Median ms/step of `runs` renders after one short warm-up render; the objective of the last one. */
async function measure(run: (steps: number) => Promise<ActmaxResult>, steps: number, runs: number): Promise<[number, ActmaxResult]> {
  await run(Math.min(steps, 2));
  const results: ActmaxResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await run(steps));
  const times = results.map((r) => r.msPerStep).sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)], results[results.length - 1]];
}

export async function benchActmax(backend: string, fixtures: string, sampleModel: string | undefined): Promise<void> {
  if (sampleModel) {
    const mnist = await loadModel(sampleModel);
    try {
      for (const preset of ['trial1-naive', 'lucid'] as ActmaxPresetName[]) {
        for (const batch of [1, 16]) {
          const units = Array.from({ length: batch }, (_, i) => i % 32);
          const steps = backend === 'cpu' ? 32 : 128;
          const [ms, r] = await measure((s) => renderActmax(mnist, { layerId: 'conv2', units, preset, overrides: { steps: s } }), steps, 3);
          line(`[${backend}] actmax ${mnist.info.name} → conv2, ${preset}, batch ${batch}, ${steps} steps`, `${ms.toFixed(2)} ms/step  ${finalObjective(r)}`);
        }
      }
    } finally {
      mnist.dispose();
    }
  }
  const googlenet = await loadModel(join(fixtures, 'googlenet.onnx'));
  try {
    const steps = backend === 'cpu' ? 2 : 8;
    const [ms, r] = await measure(
      (s) => renderActmax(googlenet, { layerId: 'inception4a', units: [11], preset: 'lucid', inputSpec: IMAGENET, overrides: { steps: s } }),
      steps,
      1,
    );
    line(`[${backend}] actmax googlenet.onnx → inception4a unit 11, lucid, 224 px, ${steps} steps`, `${ms.toFixed(0)} ms/step  ${finalObjective(r)}`);
  } finally {
    googlenet.dispose();
  }
}
