// Not a test (too slow for the unit budget: ~0.7 s per step on wasm): every preset on the seed's experiment,
// googlenet.onnx → inception4a unit 11 (and 0), 224 px, ImageNet normalization as torchvision's GoogLeNet expects.
// Prints the objective at steps 1, 8, 16, 24, 32. Run: npx tsx test/unit/actmax/googlenetPresets.ts [unit] [steps]
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { onnxFixturesDir } from '../../helpers/paths';
import { renderActmax } from '../../../src/core/actmax';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { ACTMAX_PRESETS } from '../../../src/shared/actmax';

async function main(): Promise<void> {
  await useBackend('wasm');
  const unit = Number(process.argv[2] ?? 11);
  const steps = Number(process.argv[3] ?? 32);
  const model = await loadModel(join(onnxFixturesDir(), 'googlenet.onnx'));
  const inputSpec = { height: 224, width: 224, channels: 3 as const, channelOrder: 'rgb' as const, resize: 'stretch' as const, scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
  for (const preset of ACTMAX_PRESETS.filter((p) => !process.env.PRESETS || process.env.PRESETS.split(",").includes(p))) {
    const r = await renderActmax(model, { layerId: 'inception4a', units: [unit], preset, inputSpec, overrides: { steps } });
    const h = r.objectiveHistory[0];
    const marks = [0, ...Array.from({ length: Math.floor(steps / 8) }, (_, i) => (i + 1) * 8 - 1)];
    console.log(`${preset.padEnd(18)} unit ${unit}: ${marks.map((i) => h[i].toFixed(3)).join(' ')}  ${h[h.length - 1] > h[0] ? 'up' : 'NOT up'}  ${r.msPerStep.toFixed(0)} ms/step`);
  }
  model.dispose();
}

void main();
