// The count of a folder's images arrives while the folder is listed, not only once listing ends: the walk pauses
// between folders and every few hundred entries, reports the count found so far (at most once per `everyMs`) and
// lets the event loop run, so the engine's progress message leaves while a large folder is still being walked.
// A folder of a few thousand empty files named like images (listing reads names only; nothing is decoded).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LayerLensError } from '../../../src/shared/errors';
import { listImageFiles, listImageFilesAsync } from '../../../src/core/node/nodeTopk';
import { tempFolder } from './topkFixtures';

const FOLDERS = 6;
const PER_FOLDER = 600;
/** One folder with many more entries than the walk's step, so counts come from within a single folder too. */
const BIG_FOLDER = 1500;
const TOTAL = FOLDERS * PER_FOLDER + BIG_FOLDER;
let dir: string;

before(() => {
  dir = tempFolder('layer-lens-listing-');
  for (let f = 0; f < FOLDERS; f++) {
    const sub = join(dir, `class${f}`);
    mkdirSync(sub);
    for (let i = 0; i < PER_FOLDER; i++) writeFileSync(join(sub, `${String(i).padStart(4, '0')}.png`), '');
    // Not images: not counted.
    writeFileSync(join(sub, 'notes.txt'), '');
  }
  const big = join(dir, 'big');
  mkdirSync(big);
  for (let i = 0; i < BIG_FOLDER; i++) writeFileSync(join(big, `${i}.jpg`), '');
});

test('counts arrive during the walk, rising to the total, with the event loop running between them', async () => {
  const counts: number[] = [];
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  let ticksAtCounts = -1;
  const files = await listImageFilesAsync(dir, {
    everyMs: 0,
    onCount: (n) => {
      counts.push(n);
      ticksAtCounts = ticks;
    },
  });
  clearInterval(timer);
  assert.equal(files.length, TOTAL);
  assert.ok(counts.length >= FOLDERS, `${counts.length} counts for ${FOLDERS + 1} folders`);
  assert.ok(counts[0]! < TOTAL, `the first count (${counts[0]}) came when listing was over`);
  assert.ok(counts.filter((n) => n < TOTAL).length >= FOLDERS, `only ${counts.filter((n) => n < TOTAL).length} counts before the end: ${counts.join(', ')}`);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! >= counts[i - 1]!, `the count went down: ${counts.join(', ')}`);
  assert.ok(counts.some((n) => n > 0 && n % PER_FOLDER !== 0 && n < TOTAL), `no count from inside a folder: ${counts.join(', ')}`);
  // Timers ran during the walk: the engine's messages (progress out, cancel in) are not held until its end.
  assert.ok(ticksAtCounts > 0, 'no timer ran while the folder was listed');
});

test('the same files in the same order as the blocking listing', async () => {
  const blocking = listImageFiles(dir).map((f) => f.path);
  const walked = (await listImageFilesAsync(dir)).map((f) => f.path);
  assert.deepEqual(walked, blocking);
  assert.equal(walked.length, TOTAL);
});

test('throttled: no count more often than everyMs', async () => {
  const at: number[] = [];
  const started = Date.now();
  await listImageFilesAsync(dir, { everyMs: 60_000, onCount: () => at.push(Date.now()) });
  // A walk of a few thousand names takes well under a minute: the throttle holds every count back.
  assert.deepEqual(at, [], `counts at ${at.map((t) => t - started).join(', ')} ms`);
});

test('a cancelled listing stops with a cancelled error', async () => {
  const abort = new AbortController();
  const listing = listImageFilesAsync(dir, {
    everyMs: 0,
    signal: abort.signal,
    onCount: () => abort.abort(),
  });
  await assert.rejects(listing, (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled');
});

test('a missing folder is named, before any count', async () => {
  const counts: number[] = [];
  await assert.rejects(listImageFilesAsync(join(dir, 'nope'), { everyMs: 0, onCount: (n) => counts.push(n) }), (e: unknown) => e instanceof LayerLensError && e.code === 'notFound' && e.message.includes('nope'));
  assert.deepEqual(counts, []);
});
