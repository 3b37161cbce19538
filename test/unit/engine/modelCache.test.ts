// The engine's model cache with a stand-in for the worker-thread check: one check per file version, shared by
// every request on it; it stops only when every request waiting for it is cancelled; a failure is not kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelCache } from '../../../src/engine/modelCache';
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
