// `attribution.run` through the real engine bundle in a child process, driven by the host's EngineClient, on the
// sample digit model: Grad-CAM and saliency maps at the input's resolution for the top class, the engine's
// refusals of bad params in one sentence, and a costly Integrated Gradients run that reports progress, lets a
// feature-maps request answer meanwhile, and stops on cancel with the engine still serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EngineClient } from '../../../src/host/engine/engineClient';
import type { AttributionMap, AttributionProgress } from '../../../src/shared/attribution';
import { LayerLensError } from '../../../src/shared/errors';
import { ensureBuilt } from '../../helpers/build';
import { repoRoot, sampleModelDir } from '../../helpers/paths';

const modelPath = join(sampleModelDir, 'model.json');
const imagePath = join(sampleModelDir, 'samples', 'digit-3-a.png');
let client: EngineClient;
let topClass: number;

function stats(map: AttributionMap): { min: number; max: number; finite: boolean } {
  let min = Infinity;
  let max = -Infinity;
  let finite = true;
  for (const v of map.data) {
    if (!Number.isFinite(v)) finite = false;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max, finite };
}

before(async () => {
  ensureBuilt();
  client = new EngineClient({
    enginePath: join(repoRoot, 'dist/engine.js'),
    log: () => undefined,
    onStart: async (c) => void (await c.request('init', { backend: 'wasm' })),
    answerCancelWithinMs: 2000,
  });
  const open = await client.request('featureMaps.open', { modelPath, imagePath });
  topClass = open.predictions[0]!.classIndex;
  assert.equal(open.predictions[0]!.label, '3', `the sample model reads digit-3-a.png as ${open.predictions[0]!.label}`);
});

after(() => client.dispose());

test('Grad-CAM and saliency for the top class: 28×28 maps, finite, not constant, labelled with the class', async () => {
  const target = { kind: 'class' as const, classIndex: topClass };
  const t0 = Date.now();
  const cam = await client.request('attribution.run', { modelPath, imagePath, options: { method: 'gradcam', target } });
  const t1 = Date.now();
  const sal = await client.request('attribution.run', { modelPath, imagePath, options: { method: 'saliency', target } });
  console.log(`engine Grad-CAM ${t1 - t0} ms (core ${cam.ms.toFixed(0)} ms), saliency ${Date.now() - t1} ms (core ${sal.ms.toFixed(0)} ms)`);
  for (const map of [cam, sal]) {
    assert.equal(map.height, 28);
    assert.equal(map.width, 28);
    assert.ok(map.data instanceof Float32Array, 'the map crosses the process boundary as a Float32Array');
    assert.equal(map.data.length, 28 * 28);
    const s = stats(map);
    assert.ok(s.finite, `${map.method} has a non-finite value`);
    assert.ok(s.max > s.min, `${map.method} is constant (${s.min})`);
    assert.match(map.targetLabel, /3/, `${map.method} target label: ${map.targetLabel}`);
    assert.ok(map.passes >= 1);
  }
  assert.equal(cam.method, 'gradcam');
  assert.ok(cam.camLayerId, 'Grad-CAM names the layer its map came from');
  assert.equal(sal.method, 'saliency');
  // The same request gives the same map (no hidden randomness in the gradient methods).
  const again = await client.request('attribution.run', { modelPath, imagePath, options: { method: 'saliency', target } });
  assert.deepEqual(Array.from(again.data), Array.from(sal.data));
});

test('bad params are refused in one sentence naming the field, before any work', async () => {
  const cases: [unknown, RegExp][] = [
    [{ method: 'lime', target: { kind: 'class', classIndex: 0 } }, /attribution\.run: params\.options\.method must be one of/],
    [{ method: 'ig', target: { kind: 'class', classIndex: 0 }, steps: 5000 }, /params\.options\.steps must be from 1 to 4096/],
    [{ method: 'smoothgrad', target: { kind: 'class', classIndex: 0 }, batchSize: 300 }, /params\.options\.batchSize must be from 1 to 256/],
    [{ method: 'saliency', target: { kind: 'unit', layerId: 'conv1', channel: 0, y: 3 } }, /needs both y and x/],
    [{ method: 'saliency', target: { kind: 'pixel' } }, /params\.options\.target\.kind must be one of class, unit/],
    [{ method: 'occlusion', target: { kind: 'class', classIndex: 0 }, window: 0 }, /params\.options\.window must be from 1 to \d+/],
    [{ method: 'occlusion', target: { kind: 'class', classIndex: 0 }, stride: 2.5 }, /params\.options\.stride must be/],
    // Within the engine's bounds but beyond this 28 × 28 input, and a neuron outside conv1's map: the core's sentences.
    [{ method: 'occlusion', target: { kind: 'class', classIndex: 0 }, window: 29 }, /^The occlusion window \(in input pixels\) must be a whole number from 1 to 28, not 29\.$/],
    [{ method: 'saliency', target: { kind: 'unit', layerId: 'conv1', channel: 0, y: 26, x: 0 } }, /^Row 26 is not one of conv1's rows/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(
      client.request('attribution.run', { modelPath, imagePath, options } as never),
      (err: unknown) => err instanceof LayerLensError && err.code === 'badArgument' && message.test(err.message),
    );
  }
  // A class the model does not have: the core's sentence, not a TF.js message.
  await assert.rejects(
    client.request('attribution.run', { modelPath, imagePath, options: { method: 'saliency', target: { kind: 'class', classIndex: 10 } } }),
    (err: unknown) => err instanceof LayerLensError && err.code === 'badArgument' && !/tensor|tfjs/i.test(err.message),
  );
});

test('a costly Integrated Gradients run reports progress, lets feature maps answer, and stops on cancel', async () => {
  const progress: AttributionProgress[] = [];
  const abort = new AbortController();
  const run = client.request(
    'attribution.run',
    { modelPath, imagePath, options: { method: 'ig', target: { kind: 'class', classIndex: topClass }, steps: 1024, batchSize: 1 } },
    { signal: abort.signal, onProgress: (p) => progress.push(p) },
  );
  const settled = run.then(() => 'finished', (err: unknown) => err);
  const start = Date.now();
  // A hang guard, generous for a loaded machine: the first pass reports within a second when the machine is quiet.
  while (progress.length === 0 && Date.now() - start < 120_000) await new Promise((r) => setTimeout(r, 20));
  assert.ok(progress.length > 0, 'no progress within 120 s');
  assert.equal(progress[0]!.total, 1024);
  // Feature maps are interactive: they run at the IG's next yield point, not after its 1,024 passes.
  const t = Date.now();
  const open = await client.request('featureMaps.layer', { modelPath, imagePath, layerId: 'conv1' });
  const fmMs = Date.now() - t;
  assert.equal(open.channels, 16);
  abort.abort();
  const outcome = await settled;
  assert.ok(outcome instanceof LayerLensError && outcome.code === 'cancelled', `IG ended with ${String(outcome)}`);
  const last = progress[progress.length - 1]!;
  assert.ok(last.done < 1024, `IG ran all its passes (${last.done}) before the cancel took`);
  console.log(`feature maps during IG: ${fmMs} ms; IG passes before cancel: ${last.done}`);
  // The engine still serves after the cancel.
  const sal = await client.request('attribution.run', { modelPath, imagePath, options: { method: 'saliency', target: { kind: 'class', classIndex: topClass } } });
  assert.equal(sal.data.length, 28 * 28);
});
