// `layer-lens topk` run as two shards and merged writes the folder one machine writes, byte for byte: topk.json and
// every channel PNG (the merge draws and encodes the rows through the same writer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { runCli } from '../../helpers/runCli';
import { seededMnistCnn, tempFolder, writeDigits } from './topkFixtures';

test('topk in two shards, merged, is byte for byte the one-machine output', async () => {
  await useBackend('cpu');
  const model = await seededMnistCnn();
  const images = tempFolder();
  writeDigits(images, 14);
  const work = tempFolder();
  const args = ['topk', '--model', model, '--layer', 'conv1', '--images', images, '--k', '5'];
  const one = runCli([...args, '--out', join(work, 'one')]);
  assert.equal(one.status, 0, one.stderr);
  for (const shard of ['1/2', '2/2']) {
    const r = runCli([...args, '--out', join(work, 'shards'), '--shard', shard]);
    assert.equal(r.status, 0, r.stderr);
  }
  const merged = runCli(['merge', '--out', join(work, 'merged'), join(work, 'shards')]);
  assert.equal(merged.status, 0, merged.stderr);
  const files = readdirSync(join(work, 'one')).sort();
  assert.deepEqual(readdirSync(join(work, 'merged')).sort(), files);
  assert.equal(files.filter((f) => /^channel-\d+\.png$/.test(f)).length, 16);
  for (const f of files) assert.ok(readFileSync(join(work, 'one', f)).equals(readFileSync(join(work, 'merged', f))), `${f} differs`);
});
