// `layer-lens layers` prints a table: its columns are as wide as their longest entry, so a long class name
// (GlobalAveragePooling2D) or layer id no longer pushes the rest of its row out of line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../helpers/backend';
import { runCli } from '../../helpers/runCli';
import { saveLayersModel } from '../model/tinyModels';

test('layers: every row starts its class, shape and parameter columns where the others do', async () => {
  await useBackend('cpu');
  const input = tfl.input({ shape: [8, 8, 1], name: 'image' });
  const conv = tfl.layers.conv2d({ filters: 2, kernelSize: 3, name: 'a_rather_long_convolution_layer_name' }).apply(input) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(conv) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, name: 'fc' }).apply(pooled) as tfl.SymbolicTensor;
  const model = await saveLayersModel(tfl.model({ inputs: input, outputs: out }));
  const r = runCli(['layers', '--model', model, '--backend', 'cpu']);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').slice(1);
  assert.equal(rows.length, 4, r.stdout);
  const classAt = rows.map((row) => row.search(/ (InputLayer|Conv2D|GlobalAveragePooling2D|Dense) /) + 1);
  const shapeAt = rows.map((row) => row.indexOf('?×'));
  const paramsEnd = rows.map((row) => / \d+(?= {2}kernel|$)/.exec(row)!.index + / \d+(?= {2}kernel|$)/.exec(row)![0].length);
  for (const [name, at] of [['class', classAt], ['shape', shapeAt], ['parameter', paramsEnd]] as const) {
    assert.ok(at.every((x) => x > 0 && x === at[0]), `the ${name} column is out of line: ${at.join(', ')}\n${r.stdout}`);
  }
});
