// An atlas --batch past the wasm heap is refused in one sentence before anything is written: the --out folder is
// left as it was (a folder that was not there is not made, an empty one stays empty), so the same command with the
// batch the sentence names starts clean. A batch that fits writes the site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../helpers/backend';
import { cliRefusal, runCli } from '../../helpers/runCli';
import { saveLayersModel } from '../model/tinyModels';
import { tempFolder } from '../topk/topkFixtures';

/** Any input size: image [?, ?, 3] → conv (32 filters 3×3 same, relu) → gap. */
async function anySizeConv32(): Promise<string> {
  const input = tfl.input({ shape: [null, null, 3], name: 'image' });
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'glorotUniform' }).apply(input);
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(conv) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: gap, name: 'anysize32' });
  const path = await saveLayersModel(model);
  model.dispose();
  return path;
}

test('atlas --batch past the wasm heap is refused before the manifest; the --out folder is left as it was', async () => {
  await useBackend('cpu');
  const model = await anySizeConv32();
  const root = tempFolder('layer-lens-atlas-fit-');
  // 8 units at 1024×1024: the conv's output and gradients are about 400 MB a unit, 8 need over 3.5 GB.
  const args = (out: string, batch: string): string[] => ['atlas', '--model', model, '--input-size', '1024,1024', '--backend', 'wasm', '--batch', batch, '--steps', '1', '--seeds', '1', '--diversity', '0', '--out', out];
  const missing = join(root, 'site');
  const sentence = cliRefusal(args(missing, '8'));
  assert.match(sentence, /^8 units of \S+ → conv at 1024 px would need about [0-9.]+ GB at once, more than the [0-9.]+ GB the wasm backend has left: ask for at most \d units at a time\.$/);
  assert.equal(existsSync(missing), false, 'the refused run made the --out folder');
  const empty = join(root, 'empty');
  mkdirSync(empty);
  assert.equal(cliRefusal(args(empty, '8')), sentence);
  assert.deepEqual(readdirSync(empty), []);
  // A batch that fits runs: the site is written.
  const small = ['atlas', '--model', model, '--input-size', '16,16', '--backend', 'wasm', '--layers', 'conv', '--units', '2', '--batch', '2', '--steps', '1', '--seeds', '1', '--diversity', '0', '--out', missing];
  const r = runCli(small);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(missing, 'index.html')));
});
