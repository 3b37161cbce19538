import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { decodeImage } from '../../../src/core/image/decodeImage';
import { preprocess } from '../../../src/core/preprocess/preprocess';
import { findTopImages, type TopkFile } from '../../../src/core/topk/findTopImages';
import { listImageFiles, nodeCacheStore } from '../../../src/core/node/nodeTopk';
import { modelIdentityOfFile } from '../../../src/core/node/modelIdentityFile';
import { unitBox } from '../../../src/core/topk/receptiveField';
import { TopkCache } from '../../../src/core/topk/topkCache';
import { LayerLensError } from '../../../src/shared/errors';
import { setYieldGate } from '../../../src/core/abort';
import { DIGIT_SPEC, seededMnistCnn, tempFolder, writeDigits } from './topkFixtures';

let modelPath: string;
let model: LoadedModel;
let digitsDir: string;

async function setup(): Promise<void> {
  if (model) return;
  await useBackend('wasm');
  modelPath = await seededMnistCnn();
  model = await loadModel(modelPath);
  digitsDir = tempFolder();
  writeDigits(digitsDir, 60);
}

/** Every image alone through model.forward: per channel the max over the grid, its first position, the mean. */
async function bruteForce(files: TopkFile[], layerId: string): Promise<{ value: number; x: number; y: number; mean: number }[][]> {
  const perImage: { value: number; x: number; y: number; mean: number }[][] = [];
  for (const f of files) {
    const x = preprocess(await decodeImage(await f.read(), f.path), DIGIT_SPEC);
    const [out] = model.forward(x, [layerId]);
    const [, h, w, c] = out!.shape as number[];
    const data = out!.dataSync();
    tf.dispose([x, out!]);
    const row: { value: number; x: number; y: number; mean: number }[] = [];
    for (let ch = 0; ch < c!; ch++) {
      let best = -Infinity;
      let at = 0;
      let sum = 0;
      for (let p = 0; p < h! * w!; p++) {
        const v = data[p * c! + ch]!;
        sum += v;
        if (v > best) [best, at] = [v, p];
      }
      row.push({ value: best, x: at % w!, y: Math.floor(at / w!), mean: sum / (h! * w!) });
    }
    perImage.push(row);
  }
  return perImage;
}

test('batched top-k equals a brute-force pass over 60 digits, for every channel of conv1 and conv2', async () => {
  await setup();
  const files = listImageFiles(digitsDir);
  assert.equal(files.length, 60);
  for (const layerId of ['conv1', 'conv2']) {
    const before = tf.memory().numTensors;
    const result = await findTopImages(model, layerId, files, DIGIT_SPEC, { k: 7, batchSize: 16 });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    const brute = await bruteForce(files, layerId);
    assert.equal(result.channels, layerId === 'conv1' ? 16 : 32);
    assert.equal(result.imageCount, 60);
    assert.deepEqual(result.grid, layerId === 'conv1' ? [26, 26] : [11, 11]);
    for (let c = 0; c < result.channels; c++) {
      const expected = brute
        .map((row, order) => ({ order, ...row[c]! }))
        .sort((a, b) => b.value - a.value || a.order - b.order)
        .slice(0, 7);
      const got = result.top[c]!;
      assert.deepEqual(got.map((e) => e.file), expected.map((e) => files[e.order]!.path), `channel ${c} of ${layerId}: same files`);
      got.forEach((e, i) => {
        const want = expected[i]!;
        assert.ok(Math.abs(e.value - want.value) <= 1e-5 * (1 + Math.abs(want.value)), `value ${e.value} vs ${want.value}`);
        assert.ok(Math.abs(e.mean - want.mean) <= 1e-5 * (1 + Math.abs(want.mean)));
        assert.deepEqual([e.x, e.y], [want.x, want.y]);
        assert.deepEqual(e.box, unitBox(result.receptiveField, e.x, e.y));
        if (i > 0) assert.ok(e.value <= got[i - 1]!.value, 'sorted by value, descending');
      });
    }
  }
});

test('in the engine (a yield gate set) a batch is scored in slices with yield points between them, with the same result', async () => {
  await setup();
  const files = listImageFiles(digitsDir);
  const whole = await findTopImages(model, 'conv2', files, DIGIT_SPEC, { k: 5, batchSize: 16 });
  let gateCalls = 0;
  setYieldGate(async () => {
    gateCalls++;
  });
  let sliced: Awaited<ReturnType<typeof findTopImages>>;
  try {
    sliced = await findTopImages(model, 'conv2', files, DIGIT_SPEC, { k: 5, batchSize: 16 });
  } finally {
    setYieldGate(undefined);
  }
  // 4 batches yield after each; the first batch, with no time per image measured yet, runs in slices of 4 (3 more).
  assert.ok(gateCalls >= 4 + 3, `${gateCalls} yield points`);
  assert.equal(sliced.imageCount, 60);
  for (let c = 0; c < whole.channels; c++) {
    assert.deepEqual(sliced.top[c]!.map((e) => [e.file, e.x, e.y]), whole.top[c]!.map((e) => [e.file, e.x, e.y]), `channel ${c}`);
    sliced.top[c]!.forEach((e, i) => assert.ok(Math.abs(e.value - whole.top[c]![i]!.value) <= 1e-5 * (1 + Math.abs(e.value))));
  }
});

test('the receptive field matches the architecture: conv1 3 px / stride 1, conv2 8 px / stride 2, fc the whole image', async () => {
  await setup();
  const files = listImageFiles(digitsDir).slice(0, 4);
  const conv1 = await findTopImages(model, 'conv1', files, DIGIT_SPEC, { k: 1 });
  assert.deepEqual(conv1.receptiveField.size, [3, 3]);
  assert.deepEqual([conv1.receptiveField.rows.stride, conv1.receptiveField.cols.stride, conv1.receptiveField.cols.start], [1, 1, 0]);
  const conv2 = await findTopImages(model, 'conv2', files, DIGIT_SPEC, { k: 1 });
  assert.deepEqual(conv2.receptiveField.size, [8, 8]);
  // conv2 unit (x, y) sees input pixels [2x, 2x + 7]: conv1 3×3, pool 2, conv2 3×3, all valid.
  assert.deepEqual(unitBox(conv2.receptiveField, 10, 3), { x: 20, y: 6, width: 8, height: 8 });
  const fc = await findTopImages(model, 'fc', files, DIGIT_SPEC, { k: 2 });
  assert.equal(fc.channels, 10);
  assert.deepEqual(fc.top[0]![0]!.box, { x: 0, y: 0, width: 28, height: 28 });
});

test('corrupt and unreadable images are skipped and reported with one sentence each; progress counts every file', async () => {
  await setup();
  const dir = tempFolder();
  writeDigits(dir, 12);
  writeFileSync(join(dir, 'notes.png'), 'this is text, not a picture');
  writeFileSync(join(dir, 'cut.png'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 28, 0, 0, 0, 28, 8, 0]));
  const files = listImageFiles(dir);
  const gone: TopkFile = { path: join(dir, 'vanished.png'), size: 1, mtimeMs: 1, read: () => Promise.reject(new Error('ENOENT: no such file')) };
  const messages: string[] = [];
  const result = await findTopImages(model, 'conv2', [...files, gone], DIGIT_SPEC, { k: 3, batchSize: 5, onProgress: (p) => messages.push(p.message ?? '') });
  assert.equal(result.imageCount, 12);
  assert.deepEqual(result.skipped.map((s) => s.file).sort(), [join(dir, 'cut.png'), join(dir, 'notes.png'), join(dir, 'vanished.png')]);
  for (const s of result.skipped) {
    const name = s.file.split('/').pop() as string;
    assert.match(s.reason, new RegExp(`^${name.replace('.', '\\.')} .*\\.$`));
  }
  assert.equal(messages.length, 3);
  assert.match(messages[0]!, /^5 of 15 images, about .* s left$/);
  assert.match(messages[2]!, /^15 of 15 images, done$/);
  for (const entries of result.top) for (const e of entries) assert.ok(!/notes|cut|vanished/.test(e.file));
});

test('the cache: a cancelled run writes nothing, a finished one is reused, a changed file invalidates it', async () => {
  await setup();
  const dir = tempFolder();
  writeDigits(dir, 30);
  const cacheDir = tempFolder('layer-lens-topk-cache-');
  const cache = { cache: new TopkCache(nodeCacheStore(cacheDir)), modelHash: await modelIdentityOfFile(modelPath) };

  const controller = new AbortController();
  const cancelled = findTopImages(model, 'conv2', listImageFiles(dir), DIGIT_SPEC, {
    k: 4, batchSize: 8, cache, signal: controller.signal, onProgress: () => controller.abort(),
  });
  await assert.rejects(cancelled, (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled');
  assert.deepEqual(readdirSync(cacheDir), [], 'no cache file (nor temp file) after cancel');

  const first = await findTopImages(model, 'conv2', listImageFiles(dir), DIGIT_SPEC, { k: 4, batchSize: 8, cache });
  assert.equal(first.fromCache, false);
  assert.equal(readdirSync(cacheDir).length, 1);
  let passes = 0;
  const counted: LoadedModel = { ...model, info: model.info, forward: (x, ids) => (passes++, model.forward(x, ids)) };
  const second = await findTopImages(counted, 'conv2', listImageFiles(dir), DIGIT_SPEC, { k: 4, batchSize: 8, cache });
  assert.equal(second.fromCache, true);
  assert.equal(passes, 0, 'a hit costs no forward pass');
  assert.deepEqual(second.top, first.top);

  // Another k or layer is another entry; a touched file makes the same key miss and replaces the entry.
  const file = listImageFiles(dir)[3]!.path;
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  const third = await findTopImages(model, 'conv2', listImageFiles(dir), DIGIT_SPEC, { k: 4, batchSize: 8, cache });
  assert.equal(third.fromCache, false);
  assert.equal(readdirSync(cacheDir).length, 1);
  const fourth = await findTopImages(model, 'conv2', listImageFiles(dir), DIGIT_SPEC, { k: 4, batchSize: 8, cache });
  assert.equal(fourth.fromCache, true);
});

test('an unknown layer and k = 0 fail with one sentence', async () => {
  await setup();
  const files = listImageFiles(digitsDir).slice(0, 2);
  await assert.rejects(findTopImages(model, 'conv9', files, DIGIT_SPEC, { k: 3 }), (e: unknown) => e instanceof LayerLensError && e.code === 'unknownLayer' && /conv9/.test(e.message));
  await assert.rejects(findTopImages(model, 'conv1', files, DIGIT_SPEC, { k: 0 }), (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument');
  assert.throws(() => listImageFiles(join(digitsDir, 'nope')), (e: unknown) => e instanceof LayerLensError && e.code === 'notFound');
});
