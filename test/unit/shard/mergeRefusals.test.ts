import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DONE_FILE, MANIFEST_FILE, MANIFEST_FORMAT, manifestMismatch, manifestText, parseManifest, type ShardManifest } from '../../../src/core/shard/manifest';
import { mergeAtlasShards } from '../../../src/cli/shard/atlasShard';
import { openShard, readShards } from '../../../src/cli/shard/shardFolders';
import { LayerLensError } from '../../../src/shared/errors';
import { runCli } from '../../helpers/runCli';

function manifest(shard: number, over: Partial<ShardManifest> = {}): ShardManifest {
  return {
    format: MANIFEST_FORMAT, kind: 'topk', modelHash: 'a'.repeat(64), images: ['0/0000.png', '1/0000.png'], settings: { layer: 'conv1', k: 4 },
    workListHash: 'b'.repeat(64), workItems: 2, groupSize: 1, shardCount: 2, shard, ...over,
  };
}

/** A run's --out with the given shards written as the shard command leaves them. */
function shardsFolder(shards: { m: ShardManifest; done?: boolean }[]): string {
  const out = mkdtempSync(join(tmpdir(), 'layer-lens-shards-'));
  for (const { m, done = true } of shards) {
    const dir = join(out, `shard-${m.shard + 1}-of-${m.shardCount}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, MANIFEST_FILE), manifestText(m));
    if (done) writeFileSync(join(dir, DONE_FILE), 'done\n');
  }
  return out;
}

function refusedWith(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LayerLensError, String(e));
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

test('a manifest reads back as written, with keys sorted; differences are named', () => {
  const m = manifest(0, { settings: { k: 4, layer: 'conv1', input: { width: 28, height: 28 } } });
  const text = manifestText(m);
  assert.deepEqual(parseManifest(text), JSON.parse(text));
  assert.ok(text.indexOf('"height"') < text.indexOf('"width"'));
  assert.equal(parseManifest('{"format":"other"}'), undefined);
  assert.equal(parseManifest('{ truncated'), undefined);
  assert.equal(manifestMismatch(m, { ...m, shard: 1 }), undefined);
  assert.equal(manifestMismatch(m, { ...m, settings: { ...m.settings, k: 9 } }), 'the settings differ (k: 4 vs 9)');
  assert.equal(manifestMismatch(m, { ...m, modelHash: 'c' }), "the model differs (its files' contents)");
  assert.match(manifestMismatch(m, { ...m, images: ['0/0000.png'] }) ?? '', /the images differ \(2 vs 1 files\)/);
});

test('merge reads a complete run in shard order, from the --out folder or the shard folders', () => {
  const out = shardsFolder([{ m: manifest(1) }, { m: manifest(0) }]);
  assert.deepEqual(readShards([out]).map((s) => s.manifest.shard), [0, 1]);
  assert.deepEqual(readShards([join(out, 'shard-2-of-2'), join(out, 'shard-1-of-2')]).map((s) => s.dir), [join(out, 'shard-1-of-2'), join(out, 'shard-2-of-2')]);
});

test('merge refuses an unfinished, missing, repeated or mismatched shard in one sentence naming its folder', () => {
  const unfinished = shardsFolder([{ m: manifest(0) }, { m: manifest(1), done: false }]);
  refusedWith(() => readShards([unfinished]), new RegExp(`^${join(unfinished, 'shard-2-of-2')} is unfinished \\(no DONE marker\\)`));
  const missing = shardsFolder([{ m: manifest(0) }]);
  refusedWith(() => readShards([missing]), /^1 of 2 shards are missing \(shard-2-of-2, expected beside .*shard-1-of-2\)\.$/);
  const mismatched = shardsFolder([{ m: manifest(0) }, { m: manifest(1, { settings: { layer: 'conv2', k: 4 } }) }]);
  refusedWith(() => readShards([mismatched]), new RegExp(`^${join(mismatched, 'shard-2-of-2')} is from another run than .*: the settings differ \\(layer: "conv1" vs "conv2"\\)\\.$`));
  const twice = shardsFolder([{ m: manifest(0) }, { m: manifest(1) }]);
  refusedWith(() => readShards([twice, join(twice, 'shard-2-of-2')]), /^Shard 2 of 2 is given twice/);
  const empty = mkdtempSync(join(tmpdir(), 'layer-lens-shards-'));
  refusedWith(() => readShards([empty]), /is not a shard folder \(it has no shard-manifest\.json and no shard-i-of-n folders\)/);
  refusedWith(() => readShards([join(empty, 'nope')]), /^The shard folder .*nope does not exist\.$/);
  for (const dir of [unfinished, missing, mismatched, twice, empty]) rmSync(dir, { recursive: true });
});

test('a re-run skips a finished shard of the same run and refuses a folder of another run', () => {
  const out = shardsFolder([{ m: manifest(0) }, { m: manifest(1), done: false }]);
  assert.deepEqual(openShard(out, { index: 0, count: 2, source: 'flag' }, manifest(0)), { dir: join(out, 'shard-1-of-2'), done: true });
  assert.deepEqual(openShard(out, { index: 1, count: 2, source: 'flag' }, manifest(1)), { dir: join(out, 'shard-2-of-2'), done: false });
  refusedWith(() => openShard(out, { index: 0, count: 2, source: 'flag' }, manifest(0, { modelHash: 'c'.repeat(64) })), /shard-1-of-2 holds a shard of another run \(the model differs/);
  rmSync(out, { recursive: true });
});

test('layer-lens merge says the refusal in one line on stderr and exits non-zero', () => {
  const missing = shardsFolder([{ m: manifest(1) }]);
  const r = runCli(['merge', '--out', join(missing, 'site'), missing]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^layer-lens merge: 1 of 2 shards are missing \(shard-1-of-2, expected beside .*shard-2-of-2\)\.\n$/);
  rmSync(missing, { recursive: true });
});

test('atlas shards whose atlas-manifest.json differ, or a site holding another atlas, are refused before anything is copied', () => {
  const out = shardsFolder([{ m: manifest(0, { kind: 'atlas' }) }, { m: manifest(1, { kind: 'atlas' }) }]);
  writeFileSync(join(out, 'shard-1-of-2', 'atlas-manifest.json'), '{"generator":"a"}\n');
  writeFileSync(join(out, 'shard-2-of-2', 'atlas-manifest.json'), '{"generator":"b"}\n');
  const site = join(out, 'site');
  refusedWith(() => mergeAtlasShards(readShards([out]), site), /shard-2-of-2 has another atlas-manifest\.json than .*shard-1-of-2: they are not shards of one atlas\.$/);
  writeFileSync(join(out, 'shard-2-of-2', 'atlas-manifest.json'), '{"generator":"a"}\n');
  mkdirSync(site);
  writeFileSync(join(site, 'atlas-manifest.json'), '{"generator":"c"}\n');
  refusedWith(() => mergeAtlasShards(readShards([out]), site), /site holds another atlas: choose another --out or delete that folder\.$/);
  assert.equal(existsSync(join(site, 'units')), false);
  rmSync(out, { recursive: true });
});
