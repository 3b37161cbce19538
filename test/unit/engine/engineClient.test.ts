// The real engine bundle in a real child process, driven by the host's EngineClient (which needs no VS Code).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EngineClient } from '../../../src/host/engine/engineClient';
import { LayerLensError } from '../../../src/shared/errors';
import { ensureBuilt } from '../../helpers/build';
import { repoRoot, sampleModelDir } from '../../helpers/paths';

// The repository's own sample model: these tests need no generated fixture.
const mnist = join(sampleModelDir, 'model.json');
let client: EngineClient;
let starts = 0;
const logs: string[] = [];

before(() => {
  ensureBuilt();
  client = new EngineClient({
    enginePath: join(repoRoot, 'dist/engine.js'),
    log: (_level, message) => logs.push(message),
    onStart: async (c) => {
      starts++;
      await c.request('init', { backend: 'wasm' });
    },
    answerCancelWithinMs: 500,
  });
});

after(() => client.dispose());

test('the engine starts on the first request with the wasm backend', async () => {
  const status = await client.request('init', { backend: 'wasm' });
  assert.equal(status.active, 'wasm');
  assert.ok(status.attempts.some((a) => a.backend === 'wasm' && a.ok));
});

test('kernels arrive as typed arrays through the IPC channel', async () => {
  const result = await client.request('kernels', { modelPath: mnist, layerId: 'conv1', mode: 'auto', normalize: 'filter' });
  assert.ok(result.tiles instanceof Uint8ClampedArray);
  assert.ok(result.stats.l2 instanceof Float32Array);
  assert.equal(result.count, 16);
  assert.equal(result.tiles.length, 16 * 3 * 3 * 4);
});

test('a bad model path is one sentence and the engine keeps serving', async () => {
  await assert.rejects(client.request('loadModel', { path: '/nonexistent/model.json' }), (e: unknown) => {
    assert.ok(e instanceof LayerLensError);
    assert.equal(e.code, 'notFound');
    assert.match(e.message, /\/nonexistent\/model\.json/);
    return true;
  });
  const info = await client.request('loadModel', { path: mnist });
  assert.equal(info.format, 'layers');
});

test('repeated requests do not leak tensors in the engine', async () => {
  const params = { modelPath: mnist, layerId: 'conv2', mode: 'perChannel', normalize: 'layer' } as const;
  await client.request('kernels', params);
  const before = await client.request('memory', {});
  for (let i = 0; i < 5; i++) await client.request('kernels', params);
  const afterRuns = await client.request('memory', {});
  assert.equal(afterRuns.numTensors, before.numTensors);
});

test('a request the killed engine never read goes to the next engine instead of failing', async () => {
  const startsBefore = starts;
  const pending = client.request('loadModel', { path: mnist });
  // Killed before the request was written to it: the request is sent once more, to a new engine.
  client.restart();
  const info = await pending;
  assert.equal(info.name, 'mnist-cnn');
  assert.equal(starts, startsBefore + 1);
});

test('an already-aborted signal rejects as cancelled without reaching the engine', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    client.request('loadModel', { path: mnist }, { signal: controller.signal }),
    (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled',
  );
});

test('an engine whose init is refused is stopped: each request says why, none reaches an uninitialised engine', async () => {
  let inits = 0;
  let refuse = true;
  const refused = new EngineClient({
    enginePath: join(repoRoot, 'dist/engine.js'),
    log: () => undefined,
    onStart: async (c) => {
      inits++;
      await c.request('init', { backend: (refuse ? 'opengl' : 'wasm') as 'wasm' });
    },
  });
  try {
    for (let i = 0; i < 2; i++) {
      await assert.rejects(refused.request('loadModel', { path: mnist }), /^LayerLensError: init: params\.backend must be one of /);
      assert.equal(refused.pid, undefined, 'the engine whose init was refused is still running');
    }
    assert.equal(inits, 2);
    refuse = false;
    const info = await refused.request('loadModel', { path: mnist });
    assert.equal(info.format, 'layers');
    assert.equal(inits, 3);
  } finally {
    refused.dispose();
  }
});
