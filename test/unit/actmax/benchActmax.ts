// ms per actmax step on the MNIST sample model (models/mnist-cnn), per backend and preset: not a test, a measurement.
// Run: npx tsx test/unit/actmax/benchActmax.ts wasm|cpu
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { sampleModelDir } from '../../helpers/paths';
import { renderActmax } from '../../../src/core/actmax';
import { loadModel } from '../../../src/core/node/loadModelFile';
import type { ActmaxPresetName } from '../../../src/shared/actmax';

async function main(): Promise<void> {
  const backend = process.argv[2] === 'cpu' ? 'cpu' : 'wasm';
  await useBackend(backend);
  const model = await loadModel(join(sampleModelDir, 'model.json'));
  const cases: [string, number[]][] = [['conv2', [0]], ['fc', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]];
  for (const [layerId, units] of cases) {
    for (const preset of ['trial1-naive', 'lucid', 'maco'] as ActmaxPresetName[]) {
      await renderActmax(model, { layerId, units, preset, overrides: { steps: 4 } });
      const times: number[] = [];
      for (let i = 0; i < 3; i++) times.push((await renderActmax(model, { layerId, units, preset, overrides: { steps: 40 } })).msPerStep);
      times.sort((a, b) => a - b);
      console.log(`${backend} ${layerId} batch ${units.length} ${preset}: ${times[1].toFixed(2)} ms/step (median of 3 × 40 steps)`);
    }
  }
  model.dispose();
}

void main();
