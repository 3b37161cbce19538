// topk.find at a chosen input size, through the real engine bundle in a child process: a model that does not fix
// its input size runs every image of the folder at the size asked for (the result, the thumbnails and the size
// info say so), each size is cached under its own key, a size out of range is refused by the engine's validator,
// and a model with a fixed size refuses another one in one sentence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineClient } from '../../../src/host/engine/engineClient';
import { LayerLensError } from '../../../src/shared/errors';
import { writeAnySizeGraph } from '../../helpers/anySizeGraph';
import { ensureBuilt } from '../../helpers/build';
import { onnxFixturesDir } from '../../helpers/paths';
import { tempFolder, writeDigits } from '../topk/topkFixtures';
import { startWasmEngine } from './wasmEngine';

let client: EngineClient;
let modelPath: string;
let digits: string;
let cacheDir: string;

before(() => {
  ensureBuilt();
  const dir = tempFolder('layer-lens-topk-size-');
  modelPath = writeAnySizeGraph(dir);
  digits = join(dir, 'digits');
  writeDigits(digits, 8);
  cacheDir = join(dir, 'cache', 'topk');
  client = startWasmEngine();
});

after(() => client.dispose());

const cacheFiles = (): string[] => readdirSync(cacheDir).filter((f) => f.endsWith('.json'));

test('without a size the model runs at the default and says so; at [40, 56] every image runs at 40 × 56', async () => {
  const atDefault = await client.request('topk.find', { modelPath, layerId: 'conv', folder: digits, k: 3, cacheDir });
  assert.deepEqual(atDefault.result.input, [224, 224]);
  assert.deepEqual(atDefault.inputSize, { height: 224, width: 224, source: 'default' });
  assert.equal(atDefault.result.imageCount, 8);

  const chosen = await client.request('topk.find', { modelPath, layerId: 'conv', folder: digits, k: 3, cacheDir, inputSize: [40, 56] });
  assert.deepEqual(chosen.result.input, [40, 56]);
  assert.deepEqual(chosen.result.grid, [40, 56], 'a SAME stride-1 conv keeps the size it ran at');
  assert.deepEqual(chosen.inputSize, { height: 40, width: 56, source: 'chosen' });
  assert.equal(chosen.result.fromCache, false, 'the run at 40 × 56 came from the default size\'s cache');
  assert.equal(chosen.pictures.thumbHeight, 40);
  assert.equal(chosen.pictures.thumbWidth, 56);
  for (const entries of chosen.result.top) {
    for (const e of entries) assert.ok(e.x < 56 && e.y < 40 && e.box.x + e.box.width <= 56 && e.box.y + e.box.height <= 40, `an entry outside 40 × 56: ${JSON.stringify(e)}`);
  }
  // One cache entry per size: both come back from it.
  assert.equal(cacheFiles().length, 2);
  const again = await client.request('topk.find', { modelPath, layerId: 'conv', folder: digits, k: 3, cacheDir, inputSize: [40, 56] });
  assert.deepEqual([again.result.fromCache, again.result.input], [true, [40, 56]]);
  const defaultAgain = await client.request('topk.find', { modelPath, layerId: 'conv', folder: digits, k: 3, cacheDir });
  assert.deepEqual([defaultAgain.result.fromCache, defaultAgain.result.input], [true, [224, 224]]);
  assert.equal(cacheFiles().length, 2);
});

test('a size out of range is refused by the engine before any work, naming the field', async () => {
  await assert.rejects(
    client.request('topk.find', { modelPath, layerId: 'conv', folder: digits, k: 3, cacheDir, inputSize: [4, 4] }),
    (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument' && /inputSize/.test(e.message) && /\b8\b/.test(e.message),
  );
});

test('a model with a fixed input size refuses another size in one sentence', async () => {
  const fixed = join(onnxFixturesDir(), 'mnist_cnn.onnx');
  await assert.rejects(
    client.request('topk.find', { modelPath: fixed, layerId: 'conv2', folder: digits, k: 3, cacheDir, inputSize: [40, 56] }),
    (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument' && e.message === `${fixed} takes a fixed input size of 28×28, so it cannot run at 40×56.`,
  );
});
