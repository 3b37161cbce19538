// The engine answers while it works: a feature-maps request sent while a long "Find Top Images" run ranks a folder
// of real digits is answered, with the same values as when the engine is idle, before the top-k run ends.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FeatureMapsOpenResult } from '../../src/shared/featureMapsProtocol';
import { api, sampleModelPath, workspaceDir, writeDigitPngs } from './helpers';

/** Enough digits, ranked one per batch, that the top-k runs for seconds here. */
const IMAGES = 1200;

/** The per-layer numbers a feature-maps answer carries (the input picture aside). */
function layerStats(r: FeatureMapsOpenResult): unknown {
  return r.layers.map((l) => ({ id: l.id, shape: l.shape, stats: l.stats }));
}

suite('engine concurrency', () => {
  test('a feature-maps request during a long top-k run is answered before the top-k ends', async function () {
    this.timeout(60_000);
    const lens = await api();
    const modelPath = sampleModelPath();
    const folder = mkdtempSync(path.join(workspaceDir(), 'concurrency-'));
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'll-topk-cache-'));
    try {
      const images = writeDigitPngs(folder, IMAGES);
      const imagePath = images[7]!;
      const idle = await lens.engineRequest('featureMaps.open', { modelPath, imagePath });
      assert.ok(idle.layers.length > 0, 'the idle feature-maps answer has no layer');

      let scored = 0;
      let firstProgress!: () => void;
      const scoring = new Promise<void>((r) => (firstProgress = r));
      const started = Date.now();
      let topkEnded = 0;
      // batchSize 1: one image per forward pass, so the run has many yield points and lasts seconds.
      const topk = lens
        .engineRequest('topk.find', { modelPath, layerId: 'conv2', folder, k: 4, cacheDir, batchSize: 1 }, (p) => {
          if (p.phase === 'score') scored = p.done;
          if (scored > 0) firstProgress();
        })
        .finally(() => (topkEnded = Date.now()));
      await scoring;
      // Well into the run, not at its first image.
      while (scored < 50 && topkEnded === 0) await new Promise((r) => setTimeout(r, 20));
      assert.equal(topkEnded, 0, `the top-k ended before the feature-maps request could be sent (${Date.now() - started} ms)`);

      const sent = Date.now();
      const scoredAtSend = scored;
      const during = await lens.engineRequest('featureMaps.open', { modelPath, imagePath });
      const answered = Date.now();
      const result = await topk;

      assert.deepEqual(layerStats(during), layerStats(idle), 'the feature maps during the top-k differ from the idle ones');
      assert.equal(result.result.imageCount, IMAGES);
      // Not a speed threshold: the answer's latency must be below the time the top-k still had to run.
      assert.ok(
        answered - sent < topkEnded - sent,
        `the feature maps were answered only after the top-k ended (sent ${sent - started} ms in at image ${scoredAtSend}, answered ${answered - sent} ms later; the top-k ended ${topkEnded - sent} ms after the send)`,
      );
      console.log(
        `[layer-lens-test] feature maps answered in ${answered - sent} ms during a ${topkEnded - started} ms top-k of ${IMAGES} images (${topkEnded - answered} ms of it left)`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
