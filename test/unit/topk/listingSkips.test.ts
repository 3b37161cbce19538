// A folder of images as users really have them: besides the images, a link that loops, a dangling link, a folder
// named like an image, a FIFO named like an image (reading it would block forever) and a file without read
// permission. Top-k lists them, skips each with one sentence naming it, counts them with the other skipped files,
// scores the rest (a link to a real image included), and never hangs: every test has a time limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { listImageFiles } from '../../../src/core/node/nodeTopk';
import { findTopImages } from '../../../src/core/topk/findTopImages';
import { readBatch } from '../../../src/core/topk/topkBatch';
import { DIGIT_SPEC, seededMnistCnn, tempFolder, writeDigits } from './topkFixtures';

const LIMIT = { timeout: 60_000 };

function hostileFolder(): { dir: string; bad: string[]; linked: string; locked: string; lockedReadable: boolean } {
  const dir = tempFolder();
  const digits = writeDigits(join(dir, 'digits'), 8);
  symlinkSync('loop.png', join(dir, 'loop.png'));
  symlinkSync('nowhere.png', join(dir, 'dangling.png'));
  mkdirSync(join(dir, 'x.png'));
  copyFileSync(digits[0]!, join(dir, 'x.png', 'inside.png'));
  try {
    execFileSync('mkfifo', [join(dir, 'y.png')]);
  } catch (e) {
    throw new Error(`This test needs the mkfifo command (coreutils): ${(e as Error).message}`);
  }
  const linked = join(dir, 'linked.png');
  symlinkSync(digits[1]!, linked);
  const locked = join(dir, 'locked.png');
  copyFileSync(digits[2]!, locked);
  chmodSync(locked, 0);
  // root reads it anyway; then it is an ordinary image.
  let lockedReadable = true;
  try {
    accessSync(locked, constants.R_OK);
  } catch {
    lockedReadable = false;
  }
  const bad = ['dangling.png', 'loop.png', 'x.png', 'y.png', ...(lockedReadable ? [] : ['locked.png'])].map((n) => join(dir, n));
  return { dir, bad, linked, locked, lockedReadable };
}

test('listing: every entry named like an image is listed, bad ones with a read that fails at once, naming why', LIMIT, async () => {
  const { dir, bad, linked, lockedReadable } = hostileFolder();
  const files = listImageFiles(dir);
  const paths = files.map((f) => f.path);
  for (const p of [...bad, linked]) assert.ok(paths.includes(p), `${p} is listed`);
  assert.ok(!paths.includes(join(dir, 'x.png', 'inside.png')), 'a folder named like an image is not walked');
  assert.equal(files.length, 8 + 6, 'eight digits, linked, locked, loop, dangling, x.png, y.png');
  const reads = await readBatch(files, 0, files.length);
  const reasons = new Map(reads.flatMap((r) => ('reason' in r ? [[r.path, r.reason] as const] : [])));
  assert.deepEqual([...reasons.keys()].sort(), bad);
  assert.match(reasons.get(join(dir, 'loop.png'))!, /^loop\.png could not be read \(it is a symbolic link that loops.*\)\.$/);
  assert.match(reasons.get(join(dir, 'dangling.png'))!, /^dangling\.png could not be read \(it does not exist\)\.$/);
  assert.match(reasons.get(join(dir, 'x.png'))!, /^x\.png could not be read \(it is a folder, not a file\)\.$/);
  assert.match(reasons.get(join(dir, 'y.png'))!, /^y\.png could not be read \(it is a named pipe \(FIFO\), not a file\)\.$/);
  if (!lockedReadable) assert.match(reasons.get(join(dir, 'locked.png'))!, /^locked\.png could not be read \(it cannot be read \(permission denied\)\)\.$/);
});

test('top-k over the folder skips and counts the bad entries and scores every real image', LIMIT, async () => {
  await useBackend('wasm');
  const model = await loadModel(await seededMnistCnn());
  const { dir, bad, linked, lockedReadable } = hostileFolder();
  const files = listImageFiles(dir);
  const result = await findTopImages(model, 'conv1', files, DIGIT_SPEC, { k: 20, batchSize: 4 });
  assert.deepEqual(result.skipped.map((s) => s.file).sort(), bad);
  assert.equal(result.imageCount, 8 + 1 + (lockedReadable ? 1 : 0));
  const scored = new Set(result.top.flatMap((entries) => entries.map((e) => e.file)));
  assert.ok(scored.has(linked), 'a link to a real image is scored');
  for (const b of bad) assert.ok(!scored.has(b));
  model.dispose();
});
