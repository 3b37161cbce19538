// `layer-lens topk` run as shards and merged writes the folder one machine writes, byte for byte: topk.json and
// every channel PNG (the merge draws and encodes the rows through the same writer). Shards split the images as
// evenly as whole images allow, whatever the batch: a shard with no image still finishes and merges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { runCli } from '../../helpers/runCli';
import { seededMnistCnn, tempFolder, writeDigits } from './topkFixtures';

/** Runs topk on one machine and as `count` shards, merges, and returns the images each shard reported. */
function shardedMatchesOneMachine(model: string, imageCount: number, count: number): number[] {
  const images = tempFolder();
  writeDigits(images, imageCount);
  const work = tempFolder();
  const args = ['topk', '--model', model, '--layer', 'conv1', '--images', images, '--k', '5'];
  const one = runCli([...args, '--out', join(work, 'one')]);
  assert.equal(one.status, 0, one.stderr);
  const perShard: number[] = [];
  for (let i = 1; i <= count; i++) {
    const r = runCli([...args, '--out', join(work, 'shards'), '--shard', `${i}/${count}`]);
    assert.equal(r.status, 0, r.stderr);
    const m = new RegExp(`shard ${i} of ${count}, (\\d+) images\\n$`).exec(r.stdout);
    assert.ok(m, r.stdout);
    perShard.push(Number(m[1]));
    assert.ok(readdirSync(join(work, 'shards', `shard-${i}-of-${count}`)).includes('DONE'), `shard ${i} of ${count} is finished`);
  }
  const merged = runCli(['merge', '--out', join(work, 'merged'), join(work, 'shards')]);
  assert.equal(merged.status, 0, merged.stderr);
  assert.match(merged.stdout, new RegExp(`${count} shards merged, 16 channels, ${imageCount} images, 0 skipped`));
  const files = readdirSync(join(work, 'one')).sort();
  assert.deepEqual(readdirSync(join(work, 'merged')).sort(), files);
  assert.equal(files.filter((f) => /^channel-\d+\.png$/.test(f)).length, 16);
  for (const f of files) assert.ok(readFileSync(join(work, 'one', f)).equals(readFileSync(join(work, 'merged', f))), `${f} differs (${imageCount} images in ${count} shards)`);
  return perShard;
}

test('topk in two shards, merged, is byte for byte the one-machine output; each shard scores half the images', async () => {
  await useBackend('cpu');
  // 14 images are one batch of the sample model's: split by batches, shard 1 of 2 had none.
  assert.deepEqual(shardedMatchesOneMachine(await seededMnistCnn(), 14, 2), [7, 7]);
});

test('topk in uneven shards (20 images in 3, 2 images in 4) merges byte for byte; the empty shards finish and merge', async () => {
  await useBackend('cpu');
  const model = await seededMnistCnn();
  assert.deepEqual(shardedMatchesOneMachine(model, 20, 3), [6, 7, 7]);
  assert.deepEqual(shardedMatchesOneMachine(model, 2, 4), [0, 1, 0, 1]);
});
