// A panel that comes back (window reload, or shown again after being hidden) shows what the cache holds for its
// settings and never asks the engine: the atlas's finished batches, the single run's picture, nothing when absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ActmaxRunner, type ActmaxEngine } from '../../../src/host/actmax/actmaxRunner';
import { atlasBatches, buildActmaxRequest, DEFAULT_UI_SETTINGS } from '../../../src/host/actmax/requestBuilder';
import { actmaxCacheKey, modelStamp } from '../../../src/host/actmax/resultCache';
import type { ActmaxResult, ActmaxSettings } from '../../../src/shared/actmax';
import type { ActmaxToWebview } from '../../../src/shared/actmaxProtocol';

const modelPath = join(__dirname, '..', '..', '..', 'models', 'mnist-cnn', 'model.json');
const settings = { ...DEFAULT_UI_SETTINGS, preset: 'trial1-naive' as const, steps: 8 };

const noEngine: ActmaxEngine = {
  request: () => Promise.reject(new Error('a restore must not ask the engine')),
};

function resultFor(units: number[]): ActmaxResult {
  return {
    images: units.map((u) => new Uint8ClampedArray(4 * 4 * 4).fill(u)),
    width: 4,
    height: 4,
    objectiveHistory: units.map((u) => Float32Array.of(u, u + 1)),
    msPerStep: 1,
    settings: { layerId: 'conv1', units, steps: 2 } as unknown as ActmaxSettings,
  };
}

function memoryCache() {
  const files = new Map<string, ActmaxResult>();
  return { files, get: async (key: string) => files.get(key), put: async (key: string, r: ActmaxResult) => void files.set(key, r) };
}

test('an atlas restored from the cache shows the cached batches only, without the engine', async () => {
  const cache = memoryCache();
  const stamp = await modelStamp(modelPath);
  // Two of conv1's two batches of 8: the first one cached.
  const [first] = atlasBatches(16);
  cache.files.set(actmaxCacheKey(modelPath, stamp, buildActmaxRequest('conv1', first!, { ...settings, frameEvery: 32 })), resultFor(first!));
  const posts: ActmaxToWebview[] = [];
  const done = await new ActmaxRunner(noEngine, cache).runAtlas(1, modelPath, 'conv1', 16, settings, new AbortController().signal, { post: (m) => posts.push(m) }, { cacheOnly: true });
  assert.equal(done, 8);
  assert.deepEqual(posts.map((p) => p.type), ['atlasStarted', 'atlasCells']);
  const cells = posts[1] as Extract<ActmaxToWebview, { type: 'atlasCells' }>;
  assert.deepEqual(cells.units, first);
  assert.equal(cells.cached, true);
  assert.equal(cells.images[3]![0], 3);
});

test('a single run restored from the cache is posted as finished; an uncached one posts nothing', async () => {
  const cache = memoryCache();
  const stamp = await modelStamp(modelPath);
  const request = buildActmaxRequest('conv1', [2, 5], settings);
  cache.files.set(actmaxCacheKey(modelPath, stamp, request), resultFor([2, 5]));
  const runner = new ActmaxRunner(noEngine, cache);
  const posts: ActmaxToWebview[] = [];
  const hit = await runner.cachedSingle(4, modelPath, request, { post: (m) => posts.push(m) });
  assert.ok(hit);
  assert.deepEqual(posts.map((p) => p.type), ['runStarted', 'result']);
  assert.equal((posts[1] as Extract<ActmaxToWebview, { type: 'result' }>).cached, true);
  const none: ActmaxToWebview[] = [];
  assert.equal(await runner.cachedSingle(5, modelPath, buildActmaxRequest('conv1', [6], settings), { post: (m) => none.push(m) }), undefined);
  assert.deepEqual(none, []);
});
