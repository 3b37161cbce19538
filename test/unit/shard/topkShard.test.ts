// Sharded top-k in one process (the Slurm test runs the same through the CLI): four shards merged give the
// one-machine result exactly, including a shard whose images all fail to read, and a re-run skips finished shards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { listImageFiles } from '../../../src/core/node/nodeTopk';
import { topkOfFolder } from '../../../src/core/node/topkOfFolder';
import { readShards } from '../../../src/cli/shard/shardFolders';
import { mergeTopkShards, runTopkShard } from '../../../src/cli/shard/topkShard';
import { useBackend } from '../../helpers/backend';
import { seededMnistCnn, writeDigits } from '../topk/topkFixtures';

test('four topk shards merge into the one-machine result, a shard of unreadable images included; re-runs skip', async () => {
  await useBackend('cpu');
  const modelPath = await seededMnistCnn();
  const model = await loadModel(modelPath);
  const work = mkdtempSync(join(tmpdir(), 'layer-lens-topk-shards-'));
  try {
    const images = join(work, 'images');
    writeDigits(images, 12);
    // Sorted after the digits' folders: the last batch of 4 is all broken, so shard 4 of 4 reads no image.
    for (let i = 0; i < 4; i++) writeFileSync(join(images, `z${i}.png`), 'not a png');
    const listed = listImageFiles(images);
    const request = { model, modelPath, layerId: 'conv2', imagesDir: images, listed, k: 3, batchSize: 4, outDir: join(work, 'shards') };
    const runs = [];
    for (let index = 0; index < 4; index++) runs.push(await runTopkShard({ ...request, shard: { index, count: 4, source: 'flag' } }));
    assert.deepEqual(runs.map((r) => [r.images, r.skipped]), [[4, false], [4, false], [4, false], [4, false]]);
    const again = await runTopkShard({ ...request, shard: { index: 2, count: 4, source: 'flag' } });
    assert.equal(again.skipped, true);
    const merged = mergeTopkShards(readShards([request.outDir]));
    const { result: one } = await topkOfFolder(model, { layerId: 'conv2', images: { folder: images }, k: 3, batchSize: 4 });
    assert.equal(merged.result.channels, 32);
    assert.deepEqual(merged.result.top, one.top);
    assert.deepEqual([merged.result.imageCount, merged.result.grid, merged.result.input, merged.result.receptiveField], [one.imageCount, one.grid, one.input, one.receptiveField]);
    assert.deepEqual(merged.result.skipped.map((s) => s.file), one.skipped.map((s) => s.file));
    assert.equal(merged.result.skipped.length, 4);
  } finally {
    model.dispose();
    rmSync(work, { recursive: true, force: true });
  }
});
