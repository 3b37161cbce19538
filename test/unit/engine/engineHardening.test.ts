// The real engine bundle under abuse: a model whose load never ends, a thousand mixed good and bad requests,
// and a SIGKILL in the middle of an actmax. The engine must keep answering, leak nothing, and say one sentence.
// unit-runner: parallel — the unit runner may run this file beside another: it asserts on no elapsed time (its
// bounds are hang guards, and a neighbour only makes the loads they race slower), and its CPU time is ~1.1 × its
// wall time (requests on the sample model; one model-check worker at a time).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ENGINE_STILL_BUSY, EngineClient } from '../../../src/host/engine/engineClient';
import { LayerLensError } from '../../../src/shared/errors';
import type { EngineMethod } from '../../../src/shared/protocol/engineProtocol';
import { ensureBuilt } from '../../helpers/build';
import { repoRoot, sampleModelDir } from '../../helpers/paths';
import { tempFolder, writeDigits } from '../topk/topkFixtures';

/** The bound of a model-load check in this engine (the default is minutes); set before the engine is forked. */
const LOAD_BOUND_MS = 15_000;
process.env.LAYER_LENS_MODEL_LOAD_TIMEOUT_MS = String(LOAD_BOUND_MS);

const mnist = join(sampleModelDir, 'model.json');
let client: EngineClient;
let cyclic: string;
let digit: string;
const logs: string[] = [];

/** The sample model with conv1 fed by conv2: conv1 → pool1 → conv2 → conv1. tfjs-layers loops forever on it. */
function writeCyclicModel(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const json = JSON.parse(readFileSync(mnist, 'utf8')) as { modelTopology: { config: { layers: { name: string; inbound_nodes: unknown }[] } }; weightsManifest: { paths: string[] }[] };
  const conv1 = json.modelTopology.config.layers.find((l) => l.name === 'conv1');
  assert.ok(conv1);
  conv1.inbound_nodes = [[['conv2', 0, 0, {}]]];
  for (const group of json.weightsManifest) for (const p of group.paths) copyFileSync(join(sampleModelDir, p), join(dir, p));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

/** Resident memory of a process in MB (Linux /proc, else ps). */
function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // No /proc: ask ps.
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

before(() => {
  ensureBuilt();
  const dir = tempFolder('layer-lens-engine-hardening-');
  cyclic = writeCyclicModel(join(dir, 'cyclic'));
  digit = writeDigits(join(dir, 'digits'), 1)[0] as string;
  client = new EngineClient({
    enginePath: join(repoRoot, 'dist/engine.js'),
    log: (_level, message) => logs.push(message),
    onStart: async (c) => {
      await c.request('init', { backend: 'wasm' });
    },
    answerCancelWithinMs: 2000,
  });
});

after(() => client.dispose());

/** The value or the error a request ends with. */
function settled<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return p.then((value) => ({ value }), (error: unknown) => ({ error }));
}

// The timeout only guards against a load that never ends.
test('a model whose layer graph has a cycle does not block a feature-maps request, and fails with one sentence', { timeout: 300_000 }, async () => {
  await client.request('featureMaps.open', { modelPath: mnist, imagePath: digit });
  const baseline = await client.request('memory', {});
  let loadSettled = false;
  const stuck = settled(client.request('loadModel', { path: cyclic })).then((s) => ((loadSettled = true), s));
  const maps = await settled(client.request('featureMaps.open', { modelPath: mnist, imagePath: digit }));
  assert.ok(maps.value, `feature maps failed: ${String(maps.error)}`);
  assert.equal(maps.value.layers.length, 6);
  // Sent after the cyclic model's load, answered before that load ended: it did not wait behind it.
  assert.equal(loadSettled, false, 'the feature maps were answered only after the cyclic model\'s load ended');
  const kernels = await client.request('kernels', { modelPath: mnist, layerId: 'conv1', mode: 'auto', normalize: 'filter' });
  assert.equal(kernels.count, 16);

  const failed = await stuck;
  assert.ok(failed.error instanceof LayerLensError, String(failed.error));
  assert.equal(failed.error.code, 'malformedModel');
  // The core's graph check names the cycle; where it does not, the engine's time bound gives up on the load.
  assert.ok(failed.error.message.startsWith(`${cyclic} `), failed.error.message);
  assert.equal(failed.error.message.match(/\.(\s|$)/g)?.length, 1, failed.error.message);
  assert.equal((await client.request('memory', {})).numTensors, baseline.numTensors);
});

test('a load that outlasts the bound fails with one sentence while the engine keeps answering; a cancelled one answers at once', async () => {
  // A second engine whose bound (0.1 s) is shorter than a worker thread takes to start: the bound ends the load.
  process.env.LAYER_LENS_MODEL_LOAD_TIMEOUT_MS = '100';
  const hurried = new EngineClient({
    enginePath: join(repoRoot, 'dist/engine.js'),
    log: () => undefined,
    onStart: async (c) => {
      await c.request('init', { backend: 'wasm' });
    },
  });
  // The first request forks the engine, with the environment of that moment.
  const slow = settled(hurried.request('loadModel', { path: mnist }));
  process.env.LAYER_LENS_MODEL_LOAD_TIMEOUT_MS = String(LOAD_BOUND_MS);
  try {
    assert.equal(typeof (await hurried.request('memory', {})).numTensors, 'number');
    const failed = await slow;
    assert.ok(failed.error instanceof LayerLensError, String(failed.error ?? 'it loaded'));
    assert.equal(failed.error.message, `${mnist} did not finish loading in 0.1 s, so Layer Lens gave up on it (too large a model, or a broken layer graph).`);
  } finally {
    hurried.dispose();
  }

  // A model this engine has not seen: its check (a worker thread) takes longer than the 50 ms before the cancel.
  const fresh = join(tempFolder('layer-lens-engine-cancel-'), 'model.json');
  for (const f of ['model.json', 'weights.bin']) copyFileSync(join(sampleModelDir, f), join(fresh, '..', f));
  const pid = client.pid;
  const controller = new AbortController();
  const load = client.request('kernels', { modelPath: fresh, layerId: 'conv1', mode: 'auto', normalize: 'filter' }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  // The engine answered the cancel itself, not the client on its behalf while it was still busy; the engine is
  // the one it was, and the model still loads.
  await assert.rejects(load, (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled' && e.message !== ENGINE_STILL_BUSY);
  const kernels = await client.request('kernels', { modelPath: fresh, layerId: 'conv1', mode: 'auto', normalize: 'filter' });
  assert.equal(kernels.count, 16);
  assert.equal(client.pid, pid);
});

test('1,000 mixed valid and invalid requests: every one answered as expected, no tensor drift, memory bounded', async () => {
  const kernels = { modelPath: mnist, layerId: 'conv1', mode: 'auto', normalize: 'filter' } as const;
  type Case = { method: string; params: unknown; expect: 'ok' | LayerLensError['code'] };
  const cases: Case[] = [
    { method: 'memory', params: {}, expect: 'ok' },
    { method: 'loadModel', params: { path: mnist }, expect: 'ok' },
    { method: 'kernels', params: kernels, expect: 'ok' },
    { method: 'featureMaps.open', params: { modelPath: mnist, imagePath: digit }, expect: 'ok' },
    { method: 'featureMaps.layer', params: { modelPath: mnist, imagePath: digit, layerId: 'conv1' }, expect: 'ok' },
    { method: 'constructor', params: {}, expect: 'badArgument' },
    { method: 'toString', params: {}, expect: 'badArgument' },
    { method: '__proto__', params: {}, expect: 'badArgument' },
    { method: 'hasOwnProperty', params: {}, expect: 'badArgument' },
    { method: 'kernels', params: { ...kernels, mode: 'evil' }, expect: 'badArgument' },
    { method: 'kernels', params: null, expect: 'badArgument' },
    { method: 'kernels', params: { ...kernels, layerId: 'nope' }, expect: 'badArgument' },
    { method: 'actmax', params: { modelPath: mnist, request: { layerId: 'conv2', units: Array.from({ length: 5000 }, (_, i) => i) } }, expect: 'badArgument' },
    { method: 'actmax', params: { modelPath: mnist, request: { layerId: 'conv2', units: [0], overrides: { size: 1e6 } } }, expect: 'badArgument' },
    { method: 'topk.find', params: { modelPath: mnist, layerId: 'conv2', folder: '/', k: 1000, cacheDir: '/tmp' }, expect: 'badArgument' },
    { method: 'loadModel', params: { path: '/nonexistent/model.json' }, expect: 'notFound' },
    { method: 'featureMaps.open', params: { modelPath: mnist, imagePath: '/nonexistent.png' }, expect: 'notFound' },
    { method: 'featureMaps.layer', params: { modelPath: mnist, imagePath: digit, layerId: 'nope' }, expect: 'unknownLayer' },
    { method: 'loadModel', params: { path: digit }, expect: 'notAModel' },
  ];
  const send = (c: Case) => client.request(c.method as EngineMethod, c.params as never).then(
    () => 'ok',
    (e: unknown) => (e instanceof LayerLensError ? e.code : `not a LayerLensError: ${String(e)}`),
  );
  // Warm-up: every case once, so caches and pools are filled before the baseline.
  for (const c of cases) assert.equal(await send(c), c.expect, `${c.method} ${JSON.stringify(c.params)?.slice(0, 80)}`);
  const before = await client.request('memory', {});
  const pid = client.pid as number;
  const rssBefore = rssMb(pid);
  let rssPeak = rssBefore;
  // A model check that fails is not kept (the file may be fixed), so each request for the PNG starts a worker
  // thread afresh: ~1.5 s of CPU where every other case costs about 1 ms (53 of them were 70 s of this suite's 90).
  // It goes in every fifth wave, ten worker checks each started and terminated, and the other cases fill the rest.
  const workerCase = cases.find((c) => c.expect === 'notAModel') as Case;
  const cheap = cases.filter((c) => c !== workerCase);
  const total = 1000;
  const batch = 20;
  let next = 0;
  for (let start = 0; start < total; start += batch) {
    const withWorker = start % (5 * batch) === 0;
    const wave = Array.from({ length: batch }, (_, i) => (withWorker && i === 0 ? workerCase : cheap[next++ * 7 % cheap.length] as Case));
    const answers = await Promise.all(wave.map(send));
    answers.forEach((a, i) => assert.equal(a, wave[i]?.expect, `${wave[i]?.method} ${JSON.stringify(wave[i]?.params)?.slice(0, 80)}`));
    rssPeak = Math.max(rssPeak, rssMb(pid));
  }
  const afterRuns = await client.request('memory', {});
  const rssAfter = rssMb(pid);
  console.log(`1,000 requests: tensors ${before.numTensors} → ${afterRuns.numTensors}, RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB (peak ${rssPeak.toFixed(0)} MB)`);
  assert.equal(client.pid, pid, 'the engine restarted during the run');
  assert.equal(afterRuns.numTensors, before.numTensors);
  assert.equal(afterRuns.numBytes, before.numBytes);
  assert.ok(rssPeak - rssBefore < 150, `RSS grew from ${rssBefore.toFixed(0)} to ${rssPeak.toFixed(0)} MB`);
});

test('SIGKILL in the middle of an actmax: the actmax fails with one sentence, and a request sent right after is answered by a new engine', async () => {
  const pid = client.pid as number;
  let frames = 0;
  let killed: Promise<{ numTensors: number }> | undefined;
  const run = client.request('actmax', { modelPath: mnist, request: { layerId: 'conv2', units: [0], preset: 'trial1-naive', overrides: { steps: 100000, frameEvery: 2 } } }, {
    onProgress: () => {
      if (frames++ > 0) return;
      process.kill(pid, 'SIGKILL');
      // Sent in the moment between the engine's death and the host's exit event.
      killed = client.request('memory', {});
    },
  });
  await assert.rejects(run, (e: unknown) => e instanceof LayerLensError && e.code === 'engineCrashed' && /was stopped \(SIGKILL\)/.test(e.message));
  assert.ok(killed, 'no actmax frame arrived');
  const memory = await killed;
  assert.equal(typeof memory.numTensors, 'number');
  assert.notEqual(client.pid, pid);
  const maps = await client.request('featureMaps.open', { modelPath: mnist, imagePath: digit });
  assert.equal(maps.layers.length, 6);
});
