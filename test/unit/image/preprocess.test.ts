import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import type { DecodedImage } from '../../../src/core/image';
import { preprocess, resolveInputSpec, toDisplayRgba } from '../../../src/core/preprocess';
import { readSidecar } from '../../../src/core/node/readSidecar';
import type { InputSpec, ModelInfo } from '../../../src/shared/model';
import { LayerLensError } from '../../../src/shared/errors';

before(async () => {
  await useBackend('wasm');
});

/** An 8-bit RGBA image from RGB triples (alpha opaque). */
function rgbImage(width: number, height: number, rgb: number[]): DecodedImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255], i * 4);
  return { width, height, channels: 3, format: 'png', data, maxValue: 255 };
}

function spec(over: Partial<InputSpec>): InputSpec {
  return { height: 2, width: 2, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1, mean: [0], std: [1], ...over };
}

function run(image: DecodedImage, s: InputSpec): { shape: number[]; values: number[] } {
  const t = preprocess(image, s);
  const out = { shape: t.shape, values: Array.from(t.dataSync()) };
  t.dispose();
  return out;
}

function close(actual: number[], expected: number[], tol = 1e-4): void {
  assert.equal(actual.length, expected.length, `length ${actual.length} vs ${expected.length}`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol, `[${i}] ${v} vs ${expected[i]}`));
}

const model = (inputShape: (number | null)[]): ModelInfo => ({
  path: '/models/net/model.json', name: 'net', format: 'layers', inputShape, nativeLayout: 'NHWC', layers: [], outputIds: [], paramCount: 0, warnings: [],
});

test('same-size image passes through exactly; mean/std per channel; bgr; gray luma', () => {
  const img = rgbImage(2, 1, [100, 150, 200, 0, 10, 255]);
  assert.deepEqual(run(img, spec({ height: 1 })), { shape: [1, 1, 2, 3], values: [100, 150, 200, 0, 10, 255] });

  const imagenet = spec({ height: 1, scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  const n = run(img, imagenet).values;
  close(n.slice(0, 3), [(100 / 255 - 0.485) / 0.229, (150 / 255 - 0.456) / 0.224, (200 / 255 - 0.406) / 0.225]);

  close(run(img, spec({ height: 1, channelOrder: 'bgr' })).values, [200, 150, 100, 255, 10, 0]);
  close(run(img, spec({ height: 1, channels: 1 })).values, [0.299 * 100 + 0.587 * 150 + 0.114 * 200, 0.587 * 10 + 0.114 * 255]);
});

test('16-bit pixels map to 0..255 and RGBA keeps alpha only when 4 channels are asked for', () => {
  const img: DecodedImage = { width: 1, height: 1, channels: 4, format: 'png', data: new Uint16Array([65535, 257 * 100, 0, 257 * 50]), maxValue: 65535 };
  close(run(img, spec({ height: 1, width: 1 })).values, [255, 100, 0]);
  close(run(img, spec({ height: 1, width: 1, channels: 4 })).values, [255, 100, 0, 50]);
});

test('stretch resizes bilinearly with half-pixel centres', () => {
  const img = rgbImage(2, 1, [0, 0, 0, 255, 255, 255]);
  const { shape, values } = run(img, spec({ height: 2, width: 4, channels: 1 }));
  assert.deepEqual(shape, [1, 2, 4, 1]);
  close(values, [0, 63.75, 191.25, 255, 0, 63.75, 191.25, 255], 1e-3);
});

test('centerCrop keeps the middle; pad centres the image on black', () => {
  // 4 wide × 2 tall, columns valued 10, 20, 30, 40.
  const img = rgbImage(4, 2, [10, 20, 30, 40, 10, 20, 30, 40].flatMap((v) => [v, v, v]));
  const crop = run(img, spec({ channels: 1, resize: 'centerCrop' }));
  close(crop.values, [20, 30, 20, 30]);

  const padded = run(img, spec({ height: 4, width: 4, channels: 1, resize: 'pad', mean: [5] }));
  // Image rows land at 1..2; padding is pixel 0, i.e. 0 - mean after normalization.
  close(padded.values, [-5, -5, -5, -5, 5, 15, 25, 35, 5, 15, 25, 35, -5, -5, -5, -5]);
});

test('shrinking a large image averages blocks instead of aliasing', () => {
  const size = 64;
  const rgb: number[] = [];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) rgb.push(...(((x + y) & 1) === 1 ? [255, 255, 255] : [0, 0, 0]));
  const { values } = run(rgbImage(size, size, rgb), spec({ height: 4, width: 4, channels: 1 }));
  for (const v of values) assert.ok(Math.abs(v - 127.5) < 0.01, `checkerboard averages to gray, got ${v}`);
});

test('toDisplayRgba undoes normalization and channel order', async () => {
  const pixels = [12, 34, 56, 78, 90, 123, 200, 210, 220, 1, 2, 3];
  const img = rgbImage(2, 2, pixels);
  const s = spec({ scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channelOrder: 'bgr' });
  const shown = await toDisplayRgba(img, s);
  assert.deepEqual([shown.width, shown.height], [2, 2]);
  const rgb = Array.from(shown.data).filter((_, i) => i % 4 !== 3);
  rgb.forEach((v, i) => assert.ok(Math.abs(v - pixels[i]) <= 1, `${v} vs ${pixels[i]}`));
  const gray = await toDisplayRgba(img, spec({ channels: 1 }));
  assert.deepEqual(Array.from(gray.data.slice(0, 4)), [30, 30, 30, 255]); // 0.299·12 + 0.587·34 + 0.114·56 = 29.93
});

test('preprocess and toDisplayRgba leave no tensors behind', async () => {
  const img = rgbImage(37, 23, Array.from({ length: 37 * 23 * 3 }, (_, i) => i % 256));
  const s = spec({ height: 8, width: 8, resize: 'centerCrop', channelOrder: 'bgr' });
  run(img, s);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) {
    run(img, { ...s, resize: (['stretch', 'centerCrop', 'pad'] as const)[i % 3] });
    await toDisplayRgba(img, s);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('resolveInputSpec infers defaults from the input shape', () => {
  assert.deepEqual(resolveInputSpec(model([null, 28, 28, 1])), {
    height: 28, width: 28, channels: 1, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255, mean: [0], std: [1],
    origin: { resize: 'default', normalize: 'default' },
  });
});

test('sidecar and settings override defaults; bad values name the sidecar and field', () => {
  const sidecar = {
    fileName: 'model.layerlens.json',
    json: { input: { channelOrder: 'BGR', resize: 'centerCrop', mean: [0.5, 0.5, 0.5], std: 0.25 }, labels: ['cat', 'dog'] },
  };
  const s = resolveInputSpec(model([null, 224, 224, 3]), sidecar, { resize: 'pad' });
  assert.equal(s.channelOrder, 'bgr');
  assert.equal(s.resize, 'pad');
  assert.deepEqual(s.std, [0.25]);
  assert.deepEqual(s.labels, ['cat', 'dog']);

  const dynamic = resolveInputSpec(model([null, null, null, 3]), { fileName: 'x.layerlens.json', json: { input: { height: 64, width: 48 } } });
  assert.deepEqual([dynamic.height, dynamic.width, dynamic.channels], [64, 48, 3]);

  const fails = (json: unknown, pattern: RegExp, code = 'badArgument', shape: (number | null)[] = [null, 32, 32, 3]): void => {
    assert.throws(() => resolveInputSpec(model(shape), { fileName: 'model.layerlens.json', json }), (e: unknown) => {
      assert.ok(e instanceof LayerLensError);
      assert.equal(e.code, code);
      assert.match(e.message, /model\.layerlens\.json/);
      assert.match(e.message, pattern);
      return true;
    });
  };
  fails({ input: { hieght: 32 } }, /input\.hieght/);
  fails({ input: { std: [1, 0, 1] } }, /input\.std/);
  fails({ input: { mean: [1, 2] } }, /input\.mean 2 values/);
  fails({ input: { height: 64 } }, /takes 32/);
  fails({ input: { resize: 'crop' } }, /input\.resize/);
  fails({ labels: [1, 2] }, /labels/);
  fails({ input: {} }, /set input\.height/, 'unresolvedShape', [null, null, null, 3]);
  fails([1], /JSON object/);
});

test('readSidecar finds model.layerlens.json and its labels file next to model.json', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-sidecar-'));
  writeFileSync(join(dir, 'model.json'), '{}');
  assert.equal(await readSidecar(join(dir, 'model.json')), undefined);
  writeFileSync(join(dir, 'model.layerlens.json'), JSON.stringify({ input: { channels: 1 }, labelsFile: 'labels.txt' }));
  await assert.rejects(readSidecar(join(dir, 'model.json')), (e: unknown) => e instanceof LayerLensError && e.code === 'notFound' && /labels\.txt/.test(e.message));
  writeFileSync(join(dir, 'labels.txt'), 'zero\none\n\n');
  const sidecar = await readSidecar(join(dir, 'model.json'));
  assert.ok(sidecar);
  assert.deepEqual(sidecar.fileLabels, ['zero', 'one']);
  assert.deepEqual(resolveInputSpec(model([null, 28, 28, 1]), sidecar).labels, ['zero', 'one']);

  writeFileSync(join(dir, 'net.onnx'), '');
  writeFileSync(join(dir, 'net.layerlens.json'), '{ not json');
  await assert.rejects(readSidecar(join(dir, 'net.onnx')), (e: unknown) => e instanceof LayerLensError && e.code === 'notJson' && /net\.layerlens\.json/.test(e.message));
});
