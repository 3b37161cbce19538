// The `actmax` engine method through the host's EngineClient and the panel's runner: the real engine bundle
// in a child process, frames as progress, cancel, the on-disk cache, the atlas in batches.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActmaxRunner, type ActmaxEngine } from '../../../src/host/actmax/actmaxRunner';
import { buildActmaxRequest, DEFAULT_UI_SETTINGS } from '../../../src/host/actmax/requestBuilder';
import { ActmaxResultCache } from '../../../src/host/actmax/resultCache';
import { UNIT_INDEX_FOLDER } from '../../../src/host/actmax/unitIndex';
import { ENGINE_STILL_BUSY, EngineClient } from '../../../src/host/engine/engineClient';
import type { ActmaxToWebview, ActmaxUiSettings } from '../../../src/shared/actmaxProtocol';
import { LayerLensError } from '../../../src/shared/errors';
import { ensureBuilt } from '../../helpers/build';
import { onnxFixturesDir, repoRoot } from '../../helpers/paths';

const mnistOnnx = join(onnxFixturesDir(), 'mnist_cnn.onnx');
let client: EngineClient;
let starts = 0;
let engineCalls = 0;
let cacheDir: string;
const engine: ActmaxEngine = {
  request: (method, params, options) => {
    engineCalls++;
    return client.request(method, params, options);
  },
};

before(() => {
  ensureBuilt();
  cacheDir = mkdtempSync(join(tmpdir(), 'actmax-cache-'));
  client = new EngineClient({
    enginePath: join(repoRoot, 'dist/engine.js'),
    log: () => undefined,
    onStart: async (c) => {
      starts++;
      await c.request('init', { backend: 'wasm' });
    },
    answerCancelWithinMs: 3000,
  });
});

after(() => {
  client.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

const settings: ActmaxUiSettings = { ...DEFAULT_UI_SETTINGS, preset: 'trial1-naive', steps: 24, frameEvery: 8 };

test('actmax through the engine: frames as progress, typed arrays, a rising objective', async () => {
  const frames: number[] = [];
  const request = buildActmaxRequest('conv2', [3], settings);
  const result = await client.request('actmax', { modelPath: mnistOnnx, request }, {
    onProgress: (f) => {
      assert.ok(f.images[0] instanceof Uint8ClampedArray);
      frames.push(f.step);
    },
  });
  assert.deepEqual(frames, [8, 16, 24]);
  assert.equal(result.width, 28);
  assert.equal(result.height, 28);
  assert.ok(result.images[0] instanceof Uint8ClampedArray);
  assert.equal(result.images[0].length, 28 * 28 * 4);
  assert.ok(result.objectiveHistory[0] instanceof Float32Array);
  assert.equal(result.objectiveHistory[0].length, 24);
  assert.ok(result.objectiveHistory[0][23] > result.objectiveHistory[0][0], 'the objective rises');
  assert.equal(result.settings.preset, 'trial1-naive');
  assert.equal(result.settings.channels, 1);
});

test('the runner caches a run on disk: the second identical run answers without the engine', async () => {
  const runner = new ActmaxRunner(engine, new ActmaxResultCache(cacheDir));
  const request = buildActmaxRequest('conv2', [1, 2], settings);
  const posted: ActmaxToWebview[] = [];
  const sink = { post: (m: ActmaxToWebview) => posted.push(m) };
  const first = await runner.runSingle(1, mnistOnnx, request, new AbortController().signal, sink);
  assert.equal(first.cached, false);
  assert.deepEqual(posted.map((m) => m.type), ['runStarted', 'frame', 'frame', 'frame', 'result']);
  const calls = engineCalls;
  posted.length = 0;
  // frameEvery does not change the picture, so it is not part of the key.
  const again = await runner.runSingle(2, mnistOnnx, buildActmaxRequest('conv2', [1, 2], { ...settings, frameEvery: 4 }), new AbortController().signal, sink);
  assert.equal(engineCalls, calls);
  assert.equal(again.cached, true);
  assert.deepEqual(posted.map((m) => m.type), ['runStarted', 'result']);
  assert.deepEqual(again.result.images[1], first.result.images[1]);
  assert.deepEqual(again.result.objectiveHistory[0], first.result.objectiveHistory[0]);
  // Another seed is another run.
  await runner.runSingle(3, mnistOnnx, buildActmaxRequest('conv2', [1, 2], { ...settings, seed: 7 }), new AbortController().signal, sink);
  assert.equal(engineCalls, calls + 1);
});

test('a cancelled run stops within the grace period and the engine keeps serving without a restart', async () => {
  const startsBefore = starts;
  const controller = new AbortController();
  const request = buildActmaxRequest('conv2', [0], { ...settings, steps: 100000, frameEvery: 4 });
  let lastStep = 0;
  const run = client.request('actmax', { modelPath: mnistOnnx, request }, {
    signal: controller.signal,
    onProgress: (f) => {
      lastStep = f.step;
      if (f.step >= 8) controller.abort();
    },
  });
  // Within the grace period: the engine's own 'cancelled', not the client's answer for an engine still busy.
  await assert.rejects(run, (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled' && e.message !== ENGINE_STILL_BUSY);
  assert.ok(lastStep < 100000, 'the run ended on its own');
  // The same engine answers next.
  const info = await client.request('loadModel', { path: mnistOnnx });
  assert.equal(info.name, 'mnist_cnn');
  assert.equal(starts, startsBefore, 'the engine did not honour the cancel: it was killed');
});

test('the atlas runs a layer in batches of 8, and a second atlas comes from the cache', async () => {
  const runner = new ActmaxRunner(engine, new ActmaxResultCache(cacheDir));
  const posted: ActmaxToWebview[] = [];
  const progress: number[] = [];
  const sink = { post: (m: ActmaxToWebview) => posted.push(m), progress: (f: number) => progress.push(f) };
  const atlasSettings = { ...settings, steps: 8 };
  const done = await runner.runAtlas(5, mnistOnnx, 'conv1', 16, atlasSettings, new AbortController().signal, sink);
  assert.equal(done, 16);
  const cells = posted.filter((m) => m.type === 'atlasCells');
  assert.deepEqual(cells.map((c) => c.units), [[0, 1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14, 15]]);
  assert.deepEqual(cells.map((c) => [c.done, c.total, c.cached]), [[8, 16, false], [16, 16, false]]);
  assert.equal(cells[0].images.length, 8);
  assert.equal(progress[progress.length - 1], 1);
  const calls = engineCalls;
  posted.length = 0;
  await runner.runAtlas(6, mnistOnnx, 'conv1', 16, atlasSettings, new AbortController().signal, sink);
  assert.equal(engineCalls, calls);
  assert.deepEqual(posted.filter((m) => m.type === 'atlasCells').map((c) => c.cached), [true, true]);
  // Besides the runs, only the per-unit index folder (the Top Images panel's actmax pictures).
  assert.ok(readdirSync(cacheDir).every((n) => n.endsWith('.actmax') || n === UNIT_INDEX_FOLDER), 'no temporary files left behind');
  assert.ok(readdirSync(join(cacheDir, UNIT_INDEX_FOLDER)).every((n) => n.endsWith('.llunit')), 'no temporary index files left behind');
});

test('an aborted atlas stops after the running batch is cancelled', async () => {
  const runner = new ActmaxRunner(engine, undefined);
  const controller = new AbortController();
  const posted: ActmaxToWebview[] = [];
  const run = runner.runAtlas(7, mnistOnnx, 'conv2', 32, { ...settings, steps: 100000 }, controller.signal, {
    post: (m) => {
      posted.push(m);
      if (m.type === 'atlasProgress') controller.abort();
    },
  });
  await assert.rejects(run, (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled');
  assert.equal(posted.filter((m) => m.type === 'atlasCells').length, 0);
});

test('repeated actmax runs do not leak tensors in the engine', async () => {
  const request = buildActmaxRequest('conv2', [0], { ...settings, preset: 'lucid', steps: 20 });
  await client.request('actmax', { modelPath: mnistOnnx, request });
  const before = await client.request('memory', {});
  for (let i = 0; i < 3; i++) await client.request('actmax', { modelPath: mnistOnnx, request });
  assert.equal((await client.request('memory', {})).numTensors, before.numTensors);
});
