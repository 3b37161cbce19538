// The Explain section's host side with a stand-in engine: a map is kept per model, image, settings, target,
// method and options (key order does not matter; an edited image is another image), a newer request on a slot
// cancels the older one, Cancel answers 'cancelled' without an error shown, and a bad message runs nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExplainController } from '../../../src/host/featureMaps/explainController';
import type { AttributionMap, AttributionOptions, AttributionParams } from '../../../src/shared/attribution';
import { LayerLensError } from '../../../src/shared/errors';
import type { FeatureMapsToWebview } from '../../../src/shared/featureMapsProtocol';

interface Call {
  params: AttributionParams;
  signal?: AbortSignal;
  finish(): void;
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'll-explain-'));
  const modelPath = join(dir, 'model.json');
  const imagePath = join(dir, 'digit.png');
  writeFileSync(modelPath, '{}');
  writeFileSync(imagePath, 'png');
  const calls: Call[] = [];
  const posted: FeatureMapsToWebview[] = [];
  const errors: unknown[] = [];
  const engine = {
    request: ((method: string, params: AttributionParams, options?: { signal?: AbortSignal; onProgress?: (p: unknown) => void }) => {
      assert.equal(method, 'attribution.run');
      return new Promise<AttributionMap>((resolve, reject) => {
        const map: AttributionMap = { method: params.options.method, height: 2, width: 2, data: new Float32Array([0, 1, 2, calls.length]), targetLabel: 'class 3', passes: 1, ms: 1 };
        options?.signal?.addEventListener('abort', () => reject(new LayerLensError('cancelled', 'Cancelled.')));
        options?.onProgress?.({ done: 1, total: 2 });
        calls.push({ params, signal: options?.signal, finish: () => resolve(map) });
      });
    }) as never,
  };
  const controller = new ExplainController(engine, (m) => posted.push(m), (e) => errors.push(e));
  return { controller, calls, posted, errors, source: { modelPath, imagePath }, imagePath };
}

const saliency: AttributionOptions = { method: 'saliency', target: { kind: 'class', classIndex: 3 } };
const tick = () => new Promise((r) => setImmediate(r));

test('a map is kept: the same request (options in another key order) answers without the engine; an edited image runs again', async () => {
  const { controller, calls, posted, source, imagePath } = setup();
  const first = controller.explain(source, 0, 1, saliency);
  await tick();
  calls[0]!.finish();
  await first;
  assert.deepEqual(posted.map((m) => m.type), ['explainProgress', 'explainResult']);
  await controller.explain(source, 1, 2, { target: { classIndex: 3, kind: 'class' }, method: 'saliency' });
  const kept = posted.at(-1)!;
  assert.ok(kept.type === 'explainResult' && kept.cached && kept.slot === 1 && kept.requestId === 2);
  assert.equal(calls.length, 1);
  assert.equal(controller.engineRuns, 1);
  // Another method, another target, other input settings: each is its own map.
  for (const [options, settings] of [
    [{ ...saliency, method: 'gradcam' }, undefined],
    [{ ...saliency, target: { kind: 'class', classIndex: 5 } }, undefined],
    [saliency, { height: 32, width: 32 }],
  ] as const) {
    const run = controller.explain({ ...source, ...(settings ? { inputSettings: settings } : {}) }, 0, 10, options as AttributionOptions);
    await tick();
    calls.at(-1)!.finish();
    await run;
  }
  assert.equal(calls.length, 4);
  utimesSync(imagePath, new Date(), new Date(Date.now() + 5000));
  const edited = controller.explain(source, 0, 20, saliency);
  await tick();
  assert.equal(calls.length, 5, 'an image changed on disk is explained again');
  calls[4]!.finish();
  await edited;
});

test('a newer request on a slot cancels the older; Cancel ends it as cancelled, with no error shown', async () => {
  const { controller, calls, posted, errors, source } = setup();
  const older = controller.explain(source, 0, 1, { ...saliency, method: 'ig', steps: 64 });
  await tick();
  const newer = controller.explain(source, 0, 2, saliency);
  await older;
  assert.equal(calls[0]!.signal?.aborted, true);
  const cancelled = posted.find((m) => m.type === 'explainError' && m.requestId === 1);
  assert.ok(cancelled && cancelled.type === 'explainError' && cancelled.cancelled);
  calls[1]!.finish();
  await newer;
  assert.ok(posted.some((m) => m.type === 'explainResult' && m.requestId === 2));
  const third = controller.explain(source, 1, 3, { ...saliency, method: 'occlusion' });
  await tick();
  controller.cancel(1);
  await third;
  const last = posted.at(-1)!;
  assert.ok(last.type === 'explainError' && last.requestId === 3 && last.cancelled && last.message === 'Cancelled.');
  assert.deepEqual(errors, []);
});

test('a message with no known method or target is answered with a sentence and runs nothing', async () => {
  const { controller, calls, posted, source } = setup();
  await controller.explain(source, 0, 1, { method: 'lime', target: { kind: 'class', classIndex: 0 } });
  await controller.explain(source, 0, 2, { method: 'saliency' });
  await controller.explain(source, 7, 3, saliency);
  assert.equal(calls.length, 0);
  assert.deepEqual(posted.map((m) => m.type === 'explainError' && m.message), [
    'The Explain request names no method or target Layer Lens knows.',
    'The Explain request names no method or target Layer Lens knows.',
  ]);
});
