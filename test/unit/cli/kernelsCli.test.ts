import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { useBackend } from '../../helpers/backend';
import { onnxFixturesDir } from '../../helpers/paths';
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
  assert.match(noKernel.stderr.trim(), /^layer-lens kernels: \S*model\.json: fc is a Dense layer with no convolution kernel to draw \(layers with kernels: [^)]+\)\.$/);
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

test('the AlexNet fixture\'s 64 conv1 kernels come out as 11×11 RGB tiles (Figure 3 of the AlexNet paper)', async () => {
  const modelPath = join(onnxFixturesDir(), 'alexnet_narrow.onnx');
  const out = join(tempDir(), 'alexnet.png');
  const r = runCli(['kernels', '--model', modelPath, '--layer', 'features.0', '--out', out, '--scale', '1', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { tiles: number; mode: string; kernelShape: number[]; kernel: string };
  assert.equal(summary.tiles, 64);
  assert.equal(summary.mode, 'rgb');
  assert.deepEqual(summary.kernelShape, [11, 11, 3, 64]);
  assert.equal(summary.kernel, '64×3×11×11 (OIHW)', 'the weight as PyTorch stores features.0.weight');
  const png = decode(readFileSync(out));
  // 8 × 8 tiles of 11 px with 1 px gaps.
  assert.equal(png.width, 8 * 11 + 7);
  assert.equal(png.height, 8 * 11 + 7);
  // Tile 0 is filter 0: each pixel's RGB is its three input-channel weights, min-max scaled over the filter.
  await useBackend('cpu');
  const model = await loadModel(modelPath);
  const kernel = model.kernel('features.0')!;
  const w = kernel.dataSync();
  kernel.dispose();
  model.dispose();
  const f0 = Array.from({ length: 11 * 11 * 3 }, (_, i) => w[i * 64]);
  const lo = Math.min(...f0);
  const hi = Math.max(...f0);
  for (const [y, x] of [[0, 0], [5, 5], [10, 3], [2, 9]]) {
    for (let c = 0; c < 3; c++) {
      const expected = Math.round(((w[((y * 11 + x) * 3 + c) * 64] - lo) / (hi - lo)) * 255);
      const got = png.data[(y * png.width + x) * png.channels + c];
      assert.ok(Math.abs(got - expected) <= 1, `pixel (${x},${y}) channel ${c}: ${got} vs ${expected}`);
    }
  }
});
