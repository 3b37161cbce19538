// Actmax runs reach the Top Images lookup: the panel's runner, with the real on-disk cache and the real core
// (the engine's actmax handler, in process) on the MNIST sample model, files every unit it pictures; the lookup
// returns exactly the pictures the run produced, and changed weights hide them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../../../src/core/node/loadModelFile';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { actmaxHandler } from '../../../src/engine/handlers/actmax';
import { ActmaxRunner, type ActmaxEngine, type RunSink } from '../../../src/host/actmax/actmaxRunner';
import { buildActmaxRequest, DEFAULT_UI_SETTINGS } from '../../../src/host/actmax/requestBuilder';
import { ActmaxResultCache } from '../../../src/host/actmax/resultCache';
import { actmaxImageFor, actmaxImagesFor } from '../../../src/host/topk/actmaxLookup';
import type { ActmaxToWebview, ActmaxUiSettings } from '../../../src/shared/actmaxProtocol';
import { useBackend } from '../../helpers/backend';
import { sampleModelDir } from '../../helpers/paths';

let root: string;
let modelPath: string;
let model: LoadedModel;
let runner: ActmaxRunner;
let storageDir: string;
let engineCalls = 0;

before(async () => {
  await useBackend('wasm');
  root = mkdtempSync(join(tmpdir(), 'topk-actmax-'));
  // A copy of the sample model, so that the test can touch its files.
  const modelDir = join(root, 'mnist-cnn');
  mkdirSync(modelDir);
  for (const f of ['model.json', 'weights.bin', 'model.layerlens.json']) copyFileSync(join(sampleModelDir, f), join(modelDir, f));
  modelPath = join(modelDir, 'model.json');
  model = await loadModel(modelPath);
  storageDir = join(root, 'storage');
  const engine: ActmaxEngine = {
    request: (_method, params, options) => {
      engineCalls++;
      return actmaxHandler({ get: async () => model }, params, { signal: options.signal, onFrame: options.onProgress });
    },
  };
  runner = new ActmaxRunner(engine, new ActmaxResultCache(join(storageDir, 'actmax')));
});

after(() => {
  model?.dispose();
  rmSync(root, { recursive: true, force: true });
});

const settings: ActmaxUiSettings = { ...DEFAULT_UI_SETTINGS, preset: 'trial1-naive', steps: 8, frameEvery: 8 };
const sink = (into: ActmaxToWebview[] = []): RunSink => ({ post: (m) => void into.push(m) });

test('a single run files its units; the lookup returns the run\'s own pictures', async () => {
  const { result } = await runner.runSingle(1, modelPath, buildActmaxRequest('conv2', [2, 5], settings), new AbortController().signal, sink());
  const context = { storageDir };
  for (const [i, unit] of [2, 5].entries()) {
    const found = await actmaxImageFor(context, modelPath, 'conv2', unit);
    assert.ok(found, `unit ${unit} is in the index`);
    assert.equal(found.width, result.width);
    assert.equal(found.height, result.height);
    assert.deepEqual(found.rgba, result.images[i]);
  }
  assert.equal(await actmaxImageFor(context, modelPath, 'conv2', 3), undefined);
  assert.equal(await actmaxImageFor(context, modelPath, 'conv1', 2), undefined);
});

test('an atlas files every channel of the layer, batch by batch; the pictures differ per channel', async () => {
  const posts: ActmaxToWebview[] = [];
  const done = await runner.runAtlas(2, modelPath, 'conv1', 16, settings, new AbortController().signal, sink(posts));
  assert.equal(done, 16);
  const cells = new Map<number, Uint8ClampedArray>();
  for (const m of posts) if (m.type === 'atlasCells') m.units.forEach((u, i) => cells.set(u, m.images[i]!));
  const images = await actmaxImagesFor({ storageDir }, modelPath, 'conv1', 16);
  assert.deepEqual(images.map((i) => i.channel), Array.from({ length: 16 }, (_, c) => c));
  for (const img of images) assert.deepEqual(img.rgba, cells.get(img.channel), `channel ${img.channel}`);
  assert.notDeepEqual(images[0]!.rgba, images[1]!.rgba);
});

test('a cache hit does not call the engine, and the pictures stay; changed weights hide them', async () => {
  const before = engineCalls;
  await runner.runSingle(3, modelPath, buildActmaxRequest('conv2', [2, 5], settings), new AbortController().signal, sink());
  assert.equal(engineCalls, before, 'answered from the cache');
  assert.ok(await actmaxImageFor({ storageDir }, modelPath, 'conv2', 5));
  // The model's identity is its files' contents: touching them changes nothing, new weights do.
  const later = new Date(Date.now() + 5000);
  utimesSync(modelPath, later, later);
  assert.ok(await actmaxImageFor({ storageDir }, modelPath, 'conv2', 5));
  const weights = join(root, 'mnist-cnn', 'weights.bin');
  const bytes = readFileSync(weights);
  bytes[0] ^= 1;
  writeFileSync(weights, bytes);
  assert.equal(await actmaxImageFor({ storageDir }, modelPath, 'conv2', 5), undefined);
  assert.deepEqual(await actmaxImagesFor({ storageDir }, modelPath, 'conv1', 16), []);
});
