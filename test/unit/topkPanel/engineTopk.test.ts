// "Find Top Images…" through the real engine bundle in a child process, driven by the host's EngineClient:
// ranking, pictures as typed arrays, progress, the on-disk cache (written on completion, reused, invalidated),
// and cancellation (no partial cache, the engine keeps serving).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineClient } from '../../../src/host/engine/engineClient';
import { LayerLensError } from '../../../src/shared/errors';
import type { TopkProgress } from '../../../src/shared/topkProtocol';
import { ensureBuilt } from '../../helpers/build';
import { onnxFixturesDir } from '../../helpers/paths';
import { tempFolder, writeDigits } from '../topk/topkFixtures';
import { startWasmEngine } from './wasmEngine';

const modelPath = join(onnxFixturesDir(), 'mnist_cnn.onnx');
let client: EngineClient;
let digits: string;
let files: string[];

before(() => {
  ensureBuilt();
  digits = tempFolder('layer-lens-topkpanel-digits-');
  files = writeDigits(digits, 120);
  client = startWasmEngine();
});

after(() => client.dispose());

const cacheFiles = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

test('topk.find ranks every channel descending, sends thumbnails as typed arrays and writes one cache file on completion', async () => {
  const cacheDir = join(tempFolder('layer-lens-topkpanel-cache-'), 'topk');
  const progress: TopkProgress[] = [];
  const run = await client.request('topk.find', { modelPath, layerId: 'conv2', folder: digits, k: 5, cacheDir, batchSize: 32 }, { onProgress: (p) => progress.push(p) });
  const { result, pictures } = run;
  assert.equal(run.modelName, 'mnist_cnn');
  assert.equal(result.channels, 32);
  assert.equal(result.imageCount, 120);
  assert.equal(result.fromCache, false);
  assert.deepEqual(result.input, [28, 28]);
  for (const entries of result.top) {
    assert.equal(entries.length, 5);
    for (let i = 1; i < entries.length; i++) assert.ok(entries[i - 1]!.value >= entries[i]!.value, 'values descending');
    for (const e of entries) assert.ok(files.includes(e.file));
  }
  // Progress: the count of files listed comes first (before the model loads and the first batch is ranked), then
  // the ranking counts up to 120 with an ETA, then the pictures.
  assert.deepEqual(progress[0], { done: 120, total: 120, message: 'listing… 120 files', phase: 'list' });
  const score = progress.filter((p) => p.phase === 'score');
  assert.equal(score.at(-1)?.done, 120);
  assert.equal(score.at(-1)?.total, 120);
  assert.match(score[0]!.message, /^ranking 32 \/ 120 · ETA \d+ s$/);
  assert.equal(score.at(-1)?.message, 'ranking 120 / 120');
  assert.ok(progress.some((p) => p.phase === 'pictures'));
  // Pictures: MNIST fits the budget, so thumbnails are at the model's input size and the webview crops them.
  assert.ok(pictures.thumbs instanceof Uint8ClampedArray);
  assert.ok(pictures.thumbIndex instanceof Int32Array);
  assert.equal(pictures.thumbWidth, 28);
  assert.equal(pictures.thumbHeight, 28);
  assert.equal(pictures.crops, undefined);
  assert.equal(pictures.thumbs.length, pictures.files.length * 28 * 28 * 4);
  assert.equal(pictures.thumbIndex.length, 32 * 5);
  for (let c = 0; c < 32; c++) {
    for (let i = 0; i < 5; i++) assert.equal(pictures.files[pictures.thumbIndex[c * 5 + i]!], result.top[c]![i]!.file);
  }
  // A digit: white strokes on black, so a thumbnail has both dark and bright pixels.
  const first = pictures.thumbs.subarray(0, 28 * 28 * 4);
  assert.ok(first.some((v, i) => i % 4 === 0 && v > 200) && first.some((v, i) => i % 4 === 0 && v < 20));
  const written = cacheFiles(cacheDir);
  assert.equal(written.filter((f) => f.endsWith('.json')).length, 1, `cache: ${written.join(', ')}`);
  assert.equal(written.filter((f) => f.endsWith('.tmp')).length, 0);

  // Same request: from the cache, same ranking.
  const again = await client.request('topk.find', { modelPath, layerId: 'conv2', folder: digits, k: 5, cacheDir });
  assert.equal(again.result.fromCache, true);
  assert.deepEqual(again.result.top, result.top);
  assert.deepEqual(again.pictures.files, pictures.files);

  // A file changed (its mtime): the cache entry no longer matches and the folder is scored again.
  const later = new Date(Date.now() + 5000);
  utimesSync(files[7]!, later, later);
  const changed = await client.request('topk.find', { modelPath, layerId: 'conv2', folder: digits, k: 5, cacheDir });
  assert.equal(changed.result.fromCache, false);
  assert.deepEqual(changed.result.top.map((t) => t.map((e) => e.value)), result.top.map((t) => t.map((e) => e.value)));
});

test('a cancelled topk.find rejects as cancelled, leaves no cache file, and the engine keeps serving', async () => {
  const cacheDir = join(tempFolder('layer-lens-topkpanel-cancel-'), 'topk');
  const controller = new AbortController();
  let seen = 0;
  const run = client.request('topk.find', { modelPath, layerId: 'relu1', folder: digits, k: 3, cacheDir, batchSize: 4 }, {
    signal: controller.signal,
    onProgress: (p) => {
      // The listing's count (all 120 files) is not a scored image.
      if (p.phase === 'score') seen = Math.max(seen, p.done);
      controller.abort();
    },
  });
  await assert.rejects(run, (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled');
  assert.ok(seen < 120, `cancelled after ${seen} of 120 images`);
  assert.deepEqual(cacheFiles(cacheDir).filter((f) => !f.startsWith('.')), []);
  assert.deepEqual(cacheFiles(cacheDir), []);
  const info = await client.request('loadModel', { path: modelPath });
  assert.equal(info.name, 'mnist_cnn');
});

test('topk.find names the problem: k out of range, a folder without images, an unknown layer', async () => {
  const cacheDir = join(tempFolder('layer-lens-topkpanel-err-'), 'topk');
  await assert.rejects(
    client.request('topk.find', { modelPath, layerId: 'conv1', folder: digits, k: 17, cacheDir }),
    (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument' && /1 to 16/.test(e.message),
  );
  const empty = tempFolder('layer-lens-topkpanel-empty-');
  await assert.rejects(
    client.request('topk.find', { modelPath, layerId: 'conv1', folder: empty, k: 3, cacheDir }),
    (e: unknown) => e instanceof LayerLensError && e.code === 'notFound' && e.message.includes(empty),
  );
  await assert.rejects(
    client.request('topk.find', { modelPath, layerId: 'nope', folder: digits, k: 3, cacheDir }),
    (e: unknown) => e instanceof LayerLensError && e.code === 'unknownLayer',
  );
});

test('with a small picture budget, thumbnails shrink and every slot carries its crop', async () => {
  const cacheDir = join(tempFolder('layer-lens-topkpanel-budget-'), 'topk');
  const run = await client.request('topk.find', { modelPath, layerId: 'conv1', folder: digits, k: 4, cacheDir, pictureBudgetBytes: 64 * 1024 });
  const { pictures, result } = run;
  assert.ok(pictures.thumbWidth < 28 && pictures.thumbWidth >= 16);
  assert.ok(pictures.crops);
  const { side, cropSize, rgba } = pictures.crops;
  assert.ok(cropSize instanceof Int32Array && rgba instanceof Uint8ClampedArray);
  assert.equal(rgba.length, 16 * 4 * side * side * 4);
  // conv1 is 3 × 3: its crops are the 3 × 3 fields (clipped at no edge: conv1 is "valid").
  assert.equal(side, 3);
  for (let slot = 0; slot < 16 * 4; slot++) {
    const e = result.top[Math.floor(slot / 4)]![slot % 4]!;
    assert.deepEqual([cropSize[slot * 2], cropSize[slot * 2 + 1]], [e.box.width, e.box.height]);
  }
});
