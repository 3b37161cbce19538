import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { useBackend } from '../../helpers/backend';
import { runCli } from '../../helpers/runCli';
import { saveLayersModel, tempDir, tinySequential } from '../model/tinyModels';

async function tinyModelPath(): Promise<string> {
  await useBackend('cpu');
  return saveLayersModel(tinySequential());
}

test('layers --json lists the layers with shapes and kernel shapes', async () => {
  const model = await tinyModelPath();
  const r = runCli(['layers', '--model', model, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout) as { layers: { id: string; outputShape: (number | null)[]; kernelShape?: number[] }[] };
  const conv = info.layers.find((l) => l.id === 'conv1');
  assert.deepEqual(conv?.outputShape, [null, 4, 4, 2]);
  assert.deepEqual(conv?.kernelShape, [3, 3, 1, 2]);
});

test('kernels writes a PNG grid whose tiles show the known weights', async () => {
  const model = await tinyModelPath();
  const out = join(tempDir(), 'k.png');
  const r = runCli(['kernels', '--model', model, '--layer', 'conv1', '--out', out, '--scale', '4', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { width: number; height: number; tiles: number };
  const png = decode(readFileSync(out));
  // Two 3×3 filters at 4 px a weight, side by side with a 1 px gap.
  assert.equal(summary.tiles, 2);
  assert.equal(png.width, 2 * 12 + 1);
  assert.equal(png.height, 12);
  const gray = (x: number, y: number) => png.data[(y * png.width + x) * png.channels];
  // Filter 0 is a +1 centre tap: its centre is the brightest weight, its corners all alike and darker.
  const centre0 = gray(4 + 1, 4 + 1);
  assert.equal(centre0, 255);
  assert.ok(gray(1, 1) < centre0);
  assert.equal(gray(1, 1), gray(10, 10));
  // Filter 1 is a −1 centre tap: its centre is the darkest.
  const x1 = 13;
  assert.equal(gray(x1 + 5, 5), 0);
  assert.ok(gray(x1 + 1, 1) > 0);
});

test('kernels on a layer without kernels, and a missing flag, fail with one sentence', async () => {
  const model = await tinyModelPath();
  const out = join(tempDir(), 'k.png');
  const noKernel = runCli(['kernels', '--model', model, '--layer', 'fc', '--out', out]);
  assert.notEqual(noKernel.status, 0);
  assert.match(noKernel.stderr.trim(), /^layer-lens kernels: .*fc.*\.$/);
  const missing = runCli(['kernels', '--model', model, '--out', out]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--layer is required/);
});

test('a corrupt model gives one sentence naming the file, and an existing output is left untouched', async () => {
  const dir = tempDir();
  const model = join(dir, 'model.json');
  writeFileSync(model, '{ not json');
  const out = join(dir, 'keep.png');
  writeFileSync(out, 'precious');
  const r = runCli(['kernels', '--model', model, '--layer', 'conv1', '--out', out]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /model\.json/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal(readFileSync(out, 'utf8'), 'precious');
});
