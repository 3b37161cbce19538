// The real engine bundle with wasm threads on (the engine's default where there are 2 cores) against the same
// bundle on one thread: feature maps and an actmax run on GoogLeNet must agree within 1e-5.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../../../src/host/engine/engineClient';
import { encodePng } from '../../../src/core/image/encodePng';
import type { ActmaxResult } from '../../../src/shared/actmax';
import type { FeatureMapsLayerResult, FeatureMapsOpenResult } from '../../../src/shared/featureMapsProtocol';
import type { BackendStatus } from '../../../src/shared/backend';
import { ensureBuilt } from '../../helpers/build';
import { onnxFixturesDir, repoRoot } from '../../helpers/paths';

const googlenet = join(onnxFixturesDir(), 'googlenet.onnx');
const LAYER = 'inception4a';
let dir: string;
let imagePath: string;

interface Run {
  status: BackendStatus;
  open: FeatureMapsOpenResult;
  layer: FeatureMapsLayerResult;
  actmax: ActmaxResult;
}
const runs = new Map<number, Run>();

/** One engine process with `wasmThreads`, the three requests, then the process is gone. */
async function runEngine(wasmThreads: number): Promise<Run> {
  let status: BackendStatus | undefined;
  // The backend is chosen once per process: init with the thread count before any other request.
  const client = new EngineClient({
    enginePath: join(repoRoot, 'dist/engine.js'),
    log: () => undefined,
    onStart: async (c) => {
      status = await c.request('init', { backend: 'wasm', wasmThreads });
    },
    answerCancelWithinMs: 3000,
  });
  try {
    const open = await client.request('featureMaps.open', { modelPath: googlenet, imagePath });
    const layer = await client.request('featureMaps.layer', { modelPath: googlenet, imagePath, layerId: LAYER });
    const actmax = await client.request('actmax', {
      modelPath: googlenet,
      request: { layerId: LAYER, units: [11], preset: 'trial1-naive', overrides: { steps: 3, seed: 7, frameEvery: 1000 } },
    });
    assert.ok(status, 'the engine ran init on start');
    return { status, open, layer, actmax };
  } finally {
    client.dispose();
  }
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(scale, 1e-12));
  return worst;
}

before(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'engine-threads-'));
  // A smooth colour gradient: a real image file through the engine's decoder, with varied activations.
  const side = 160;
  const rgba = new Uint8ClampedArray(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) rgba.set([(x * 255) / side, (y * 255) / side, ((x + y) * 127) / side, 255], (y * side + x) * 4);
  }
  imagePath = join(dir, 'gradient.png');
  writeFileSync(imagePath, encodePng(rgba, side, side));
  runs.set(2, await runEngine(2));
  runs.set(1, await runEngine(1));
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the engine starts wasm with 2 threads when asked, and with 1 when the setting says 1 (native kernels too)', () => {
  // The native conv kernels (built by npm run build where a compiler exists) follow the same setting.
  assert.match(runs.get(2)!.status.detail, /^wasm \(SIMD, 2 threads\)( \+ native conv \([\w-]+, 2 threads\))?$/, JSON.stringify(runs.get(2)!.status.attempts));
  assert.match(runs.get(1)!.status.detail, /^wasm \(SIMD, 1 thread\)( \+ native conv \([\w-]+, 1 thread\))?$/);
});

test('feature maps on 2 threads equal the single-threaded ones within 1e-5', (t0) => {
  const [t, s] = [runs.get(2)!, runs.get(1)!];
  assert.deepEqual(t.open.layers.map((l) => l.id), s.open.layers.map((l) => l.id));
  for (let i = 0; i < s.open.layers.length; i++) {
    const [a, b] = [t.open.layers[i].stats, s.open.layers[i].stats];
    for (const key of Object.keys(b) as (keyof typeof b)[]) {
      const [x, y] = [a[key], b[key]];
      if (ArrayBuffer.isView(y)) assert.ok(maxRelDiff(x as ArrayLike<number>, y as ArrayLike<number>) <= 1e-5, `${s.open.layers[i].id} ${String(key)}`);
    }
  }
  assert.deepEqual(t.open.predictions.map((p) => p.classIndex), s.open.predictions.map((p) => p.classIndex));
  assert.equal(s.layer.data.length, 14 * 14 * 512);
  const diff = maxRelDiff(t.layer.data, s.layer.data);
  assert.ok(diff <= 1e-5, `${LAYER}: ${diff}`);
  t0.diagnostic(`${LAYER} max relative difference ${diff}; forward ${t.open.forwardMs.toFixed(0)} ms on 2 threads, ${s.open.forwardMs.toFixed(0)} ms on 1`);
});

test('an actmax run on 2 threads equals the single-threaded one within 1e-5', (t0) => {
  const [t, s] = [runs.get(2)!.actmax, runs.get(1)!.actmax];
  assert.equal(s.objectiveHistory[0].length, 3);
  const diff = maxRelDiff(t.objectiveHistory[0], s.objectiveHistory[0]);
  assert.ok(diff <= 1e-5, `objective: ${diff} (${Array.from(t.objectiveHistory[0]).join(', ')} vs ${Array.from(s.objectiveHistory[0]).join(', ')})`);
  let pixels = 0;
  for (let i = 0; i < s.images[0].length; i++) pixels = Math.max(pixels, Math.abs(t.images[0][i] - s.images[0][i]));
  assert.ok(pixels <= 1, `image differs by ${pixels} levels`);
  t0.diagnostic(`objective max relative difference ${diff}, pixels ${pixels}; ${t.msPerStep.toFixed(0)} ms/step on 2 threads, ${s.msPerStep.toFixed(0)} on 1`);
});
