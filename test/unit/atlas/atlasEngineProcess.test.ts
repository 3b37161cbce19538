// `atlas.run` through the real engine bundle in a child process, driven by the host's EngineClient (as Build Atlas
// runs it): progress with a per-step share, a feature-maps request answered while the atlas runs (the compute lane
// yields to it), and a cancel answered with what was kept (stopped, the site rendered), the engine still serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient } from '../../../src/host/engine/engineClient';
import type { AtlasRunProgress, AtlasRunResult } from '../../../src/shared/atlasProtocol';
import { ensureBuilt } from '../../helpers/build';
import { repoRoot, sampleModelDir } from '../../helpers/paths';
import { tempFolder } from '../topk/topkFixtures';

const modelPath = join(sampleModelDir, 'model.json');
const imagePath = join(sampleModelDir, 'samples', 'digit-3-a.png');
let client: EngineClient;

before(() => {
  ensureBuilt();
  client = new EngineClient({
    enginePath: join(repoRoot, 'dist/engine.js'),
    log: () => undefined,
    onStart: async (c) => void (await c.request('init', { backend: 'wasm' })),
    answerCancelWithinMs: 5000,
  });
});

after(() => client.dispose());

test('an atlas in the engine reports progress, lets feature maps answer, and a cancel keeps and renders what finished', async () => {
  const outDir = join(tempFolder('layer-lens-atlas-process-'), 'site');
  const progress: AtlasRunProgress[] = [];
  const abort = new AbortController();
  // Every unit of conv1 and conv2 (48) at 64 steps: far longer than this test lets it run.
  const run = client.request('atlas.run', { modelPath, outDir, steps: 64 }, { signal: abort.signal, onProgress: (p) => progress.push(p) });
  let settled = false;
  const outcome = run.then(
    (r) => ((settled = true), r),
    (e: unknown) => ((settled = true), e),
  );
  const start = Date.now();
  while (!progress.some((p) => p.share !== undefined) && Date.now() - start < 60_000) await new Promise((r) => setTimeout(r, 20));
  assert.ok(progress.some((p) => p.share !== undefined), `no step progress within 60 s: ${JSON.stringify(progress)}`);
  assert.deepEqual(progress[0], { done: 0, total: 48, phase: 'starting', batch: 32 });

  const t = Date.now();
  const layer = await client.request('featureMaps.layer', { modelPath, imagePath, layerId: 'conv1' });
  const fmMs = Date.now() - t;
  assert.equal(layer.channels, 16);
  assert.equal(settled, false, 'the atlas finished before the feature maps answered: the test did not measure a wait');

  abort.abort();
  const result = (await outcome) as AtlasRunResult;
  assert.equal(typeof result, 'object', `atlas.run ended with ${String(result)}`);
  assert.equal(result.stopped, true);
  assert.equal(result.total, 48);
  assert.ok(result.written < 48, `every unit was written before the cancel took (${result.written})`);
  assert.equal(result.computed, result.written);
  assert.equal(result.indexPath, join(outDir, 'index.html'));
  assert.ok(existsSync(result.indexPath), 'the stopped run rendered no site');
  const atlas = JSON.parse(readFileSync(join(outDir, 'atlas.json'), 'utf8')) as { layers: { units: unknown[]; missing: number[] }[] };
  assert.equal(atlas.layers.reduce((n, l) => n + l.units.length, 0), result.written);
  assert.equal(atlas.layers.reduce((n, l) => n + l.missing.length, 0), 48 - result.written);
  console.log(`feature maps during the atlas: ${fmMs} ms; units kept at the cancel: ${result.written} of 48`);

  // The engine still serves, and refuses a folder that holds another atlas's settings in one sentence.
  await assert.rejects(client.request('atlas.run', { modelPath, outDir, steps: 65 }), /holds an atlas made with another model or other settings \(steps 64 there\)/);
});
