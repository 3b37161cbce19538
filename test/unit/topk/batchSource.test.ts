import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inThreadBatches, type BatchSourceFactory } from '../../../src/core/topk/batchSource';
import { workerBatches } from '../../../src/core/node/nodeBatchWorker';
import { listImageFiles } from '../../../src/core/node/nodeTopk';
import type { TopkFile } from '../../../src/core/topk/findTopImages';
import type { PreparedBatch } from '../../../src/core/topk/topkBatch';
import { DIGIT_SPEC, tempFolder, writeDigits } from './topkFixtures';
import { repoRoot } from '../../helpers/paths';

/** 13 digits, a text file posing as PNG, a truncated PNG and a file whose read fails, interleaved with the digits. */
function folder(): TopkFile[] {
  const dir = tempFolder();
  writeDigits(dir, 13);
  writeFileSync(join(dir, '00003x.png'), 'this is text, not a picture');
  writeFileSync(join(dir, '00008x.png'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 28, 0, 0, 0, 28, 8, 0]));
  const files = listImageFiles(dir);
  files.splice(5, 0, { path: join(dir, 'gone.png'), size: 1, mtimeMs: 1, read: () => Promise.reject(new Error('ENOENT: no such file')) });
  return files;
}

async function drain(factory: BatchSourceFactory, files: TopkFile[], batchSize: number): Promise<PreparedBatch[]> {
  const source = factory(files, DIGIT_SPEC, batchSize);
  const out: PreparedBatch[] = [];
  try {
    for (let s = 0; s < files.length; s += batchSize) out.push(await source.next());
  } finally {
    source.close();
  }
  return out;
}

test('the decode worker delivers the in-thread batches: same order, same values, same one-sentence skips naming the file', async () => {
  const files = folder();
  const worker = workerBatches();
  assert.ok(worker, 'the worker starts from source (through tsx)');
  const here = await drain(inThreadBatches, files, 4);
  const there = await drain(worker, files, 4);
  assert.equal(here.length, 4);
  assert.deepEqual(there.map((b) => b.orders), here.map((b) => b.orders));
  const bad = /00003x|00008x|gone/;
  assert.deepEqual(here.flatMap((b) => b.orders), files.flatMap((f, i) => (bad.test(f.path) ? [] : [i])));
  there.forEach((b, i) => assert.deepEqual(b.values, here[i]!.values, `batch ${i}: identical inputs`));
  assert.deepEqual(there.map((b) => b.skipped), here.map((b) => b.skipped));
  const skipped = here.flatMap((b) => b.skipped);
  assert.deepEqual(skipped.map((s) => s.file), files.filter((f) => bad.test(f.path)).map((f) => f.path));
  assert.equal(skipped.length, 3);
  for (const s of skipped) assert.match(s.reason, new RegExp(`^${s.file.split('/').pop()!.replace('.', '\\.')} .*\\.$`));
  // A second run reuses the worker; a closed source drops what it had asked for and the next run is unaffected.
  const early = worker(files, DIGIT_SPEC, 3);
  await early.next();
  early.close();
  assert.deepEqual((await drain(worker, files, 4)).map((b) => b.orders), here.map((b) => b.orders));
});

test('the bundled decode worker (dist/topkWorker.js, what the engine starts) delivers the in-thread batches too', async () => {
  const files = folder();
  const bundled = join(repoRoot, 'dist');
  assert.ok(existsSync(join(bundled, 'topkWorker.js')), 'npm run build did not write dist/topkWorker.js');
  const worker = workerBatches(bundled);
  assert.ok(worker);
  const here = await drain(inThreadBatches, files, 5);
  const there = await drain(worker, files, 5);
  assert.deepEqual(there.map((b) => b.orders), here.map((b) => b.orders));
  there.forEach((b, i) => assert.deepEqual(b.values, here[i]!.values, `batch ${i}: identical inputs`));
  assert.deepEqual(there.map((b) => b.skipped), here.map((b) => b.skipped));
});

test('asking a source for more batches than the files make is an error', async () => {
  const files = folder().slice(0, 3);
  const source = inThreadBatches(files, DIGIT_SPEC, 4);
  await source.next();
  await assert.rejects(source.next(), RangeError);
  source.close();
});
