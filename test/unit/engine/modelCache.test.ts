// The engine's model cache with a stand-in for the worker-thread check: one check per file version, shared by
// every request on it; it stops only when every request waiting for it is cancelled; a failure is not kept as a
// check, and a refusal of the file's own content is kept for that version of the file only, the last 64 of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_KEPT_REFUSALS, ModelCache } from '../../../src/engine/modelCache';
import { LayerLensError } from '../../../src/shared/errors';
import type { ModelInfo } from '../../../src/shared/model';
import { tempFolder } from '../topk/topkFixtures';

interface Started {
  path: string;
  signal: AbortSignal;
  resolve(info: ModelInfo): void;
  reject(err: Error): void;
}

function harness() {
  const started: Started[] = [];
  const cache = new ModelCache((path, signal) => new Promise<ModelInfo>((resolve, reject) => started.push({ path, signal, resolve, reject })));
  const file = join(tempFolder('layer-lens-model-cache-'), 'model.json');
  writeFileSync(file, '{}');
  return { started, cache, file };
}

const info = (name: string) => ({ name }) as ModelInfo;
const isCancelled = (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled';

test('requests on one file share one check; it stops only when the last waiter cancels', async () => {
  const { started, cache, file } = harness();
  const a = new AbortController();
  const b = new AbortController();
  const first = cache.checked(file, a.signal);
  const second = cache.checked(file, b.signal);
  assert.equal(started.length, 1);
  a.abort();
  await assert.rejects(first, isCancelled);
  assert.equal(started[0]?.signal.aborted, false, 'one cancel stopped a check another request waits for');
  b.abort();
  await assert.rejects(second, isCancelled);
  assert.equal(started[0]?.signal.aborted, true);
  // A new request starts a new check.
  void cache.checked(file, new AbortController().signal).catch(() => undefined);
  assert.equal(started.length, 2);
});

test('a passed check answers at once until the file changes; a failed one is not kept', async () => {
  const { started, cache, file } = harness();
  const one = cache.checked(file, new AbortController().signal);
  started[0]?.resolve(info('one'));
  assert.equal((await one).name, 'one');
  assert.equal((await cache.checked(file, new AbortController().signal)).name, 'one');
  assert.equal(started.length, 1);
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  const changed = cache.checked(file, new AbortController().signal);
  assert.equal(started.length, 2);
  started[1]?.reject(new LayerLensError('malformedModel', `${file} is broken.`));
  await assert.rejects(changed, /is broken/);
  void cache.checked(file).catch(() => undefined);
  assert.equal(started.length, 3);
});

test('a missing file is one sentence before any check', () => {
  const { started, cache } = harness();
  assert.throws(() => cache.checked('/nonexistent/model.json'), (e: unknown) => e instanceof LayerLensError && e.code === 'notFound' && e.message === '/nonexistent/model.json does not exist.');
  assert.equal(started.length, 0);
});

test('a caller without a signal (a handler loading the model) keeps the check alive when the others cancel', async () => {
  const { started, cache, file } = harness();
  const handler = cache.checked(file);
  const a = new AbortController();
  const waiting = cache.checked(file, a.signal);
  a.abort();
  await assert.rejects(waiting, isCancelled);
  assert.equal(started[0]?.signal.aborted, false);
  started[0]?.resolve(info('kept'));
  assert.equal((await handler).name, 'kept');
});

const notAModel = (file: string) => new LayerLensError('notAModel', `${file} is a PNG image, not a model.`);

test('a refusal of the file itself is answered again without a check until the file changes', async () => {
  const { started, cache, file } = harness();
  const first = cache.checked(file, new AbortController().signal);
  started[0]?.reject(notAModel(file));
  await assert.rejects(first, { code: 'notAModel', message: `${file} is a PNG image, not a model.` });
  await assert.rejects(cache.checked(file, new AbortController().signal), { code: 'notAModel', message: `${file} is a PNG image, not a model.` });
  await assert.rejects(cache.get(file), { code: 'notAModel' });
  assert.equal(started.length, 1);
  // A chmod changes only ctime: the file may now be readable.
  chmodSync(file, 0o600);
  void cache.checked(file).catch(() => undefined);
  assert.equal(started.length, 2);
  started[1]?.resolve(info('now a model'));
  assert.equal((await cache.checked(file)).name, 'now a model');
});

test('a timeout, a cancel and a missing weight file are not kept', async () => {
  const { started, cache, file } = harness();
  const refusals = [
    new LayerLensError('malformedModel', `${file} did not finish loading in 120 s, so Layer Lens gave up on it.`),
    new LayerLensError('missingWeights', `The weight file weights.bin named in ${file} does not exist.`),
    new LayerLensError('internal', 'The worker ended.'),
  ];
  for (const [i, err] of refusals.entries()) {
    const request = cache.checked(file);
    assert.equal(started.length, i + 1);
    started[i]?.reject(err);
    await assert.rejects(request, { code: err.code });
  }
  const a = new AbortController();
  const cancelled = cache.checked(file, a.signal);
  a.abort();
  await assert.rejects(cancelled, isCancelled);
  void cache.checked(file).catch(() => undefined);
  assert.equal(started.length, refusals.length + 2);
});

test(`only the last ${MAX_KEPT_REFUSALS} refusals are kept`, async () => {
  const { started, cache, file } = harness();
  const files = Array.from({ length: MAX_KEPT_REFUSALS + 1 }, (_, i) => `${file}.${i}.png`);
  for (const [i, f] of files.entries()) {
    writeFileSync(f, 'not a model');
    const request = cache.checked(f);
    started[i]?.reject(notAModel(f));
    await assert.rejects(request, { code: 'notAModel' });
  }
  const checks = started.length;
  await assert.rejects(cache.checked(files[files.length - 1] ?? ''), { code: 'notAModel' });
  assert.equal(started.length, checks, 'the newest refusal was forgotten');
  void cache.checked(files[0] ?? '').catch(() => undefined);
  assert.equal(started.length, checks + 1, 'more than the bound was kept');
});
