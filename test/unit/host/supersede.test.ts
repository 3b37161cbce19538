// LatestRequest with a stand-in engine whose requests settle when the test says: a newer run aborts the older one
// and drops its answer or error, cancel() ends the latest run as 'cancelled', and requests that belong to a run
// see its signal abort when a newer run starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestRequest } from '../../../src/host/engine/supersede';
import { LayerLensError, toErrorPayload } from '../../../src/shared/errors';

/** A request that settles when told, and rejects with 'cancelled' when its signal aborts (as EngineClient does). */
function deferredRequest<T>(signal?: AbortSignal) {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  signal?.addEventListener('abort', () => reject(new LayerLensError('cancelled', 'The request was cancelled.')), { once: true });
  return { promise, resolve, reject };
}

test('a newer run aborts the older one, whose answer is stale; the newer answer is current', async () => {
  const latest = new LatestRequest();
  const signals: AbortSignal[] = [];
  const first = deferredRequest<string>();
  const second = deferredRequest<string>();
  const a = latest.run((signal) => {
    signals.push(signal);
    return first.promise;
  });
  const b = latest.run((signal) => {
    signals.push(signal);
    return second.promise;
  });
  assert.equal(signals[0].aborted, true, 'the first run was not aborted by the second');
  assert.equal(signals[1].aborted, false);
  // The older request answers anyway (it ignored the abort): its value must not be used.
  first.resolve('old');
  second.resolve('new');
  assert.deepEqual(await a, { stale: true });
  assert.deepEqual(await b, { stale: false, value: 'new' });
});

test('a superseded run that fails is stale, not an error; the current run\'s error rejects as it is', async () => {
  const latest = new LatestRequest();
  const a = latest.run((signal) => deferredRequest<number>(signal).promise);
  const failing = deferredRequest<number>();
  const b = latest.run(() => failing.promise);
  assert.deepEqual(await a, { stale: true });
  failing.reject(new LayerLensError('notFound', 'a.png does not exist.'));
  await assert.rejects(b, (e: unknown) => toErrorPayload(e).code === 'notFound');
});

test('cancel() rejects the latest run with cancelled, even when its work finishes regardless', async () => {
  const latest = new LatestRequest();
  const ignoring = deferredRequest<number>();
  const run = latest.run(() => ignoring.promise);
  assert.equal(latest.running, true);
  latest.cancel();
  assert.equal(latest.running, true, 'a cancelled run still winds down until it settles');
  ignoring.resolve(7);
  await assert.rejects(run, (e: unknown) => toErrorPayload(e).code === 'cancelled');
  assert.equal(latest.running, false);

  const honouring = latest.run((signal) => deferredRequest<number>(signal).promise);
  latest.cancel();
  await assert.rejects(honouring, (e: unknown) => toErrorPayload(e).code === 'cancelled');
});

test('signal is the latest run\'s: a follow-up request of a finished run is aborted by the next run', async () => {
  const latest = new LatestRequest();
  assert.equal(latest.signal, undefined);
  assert.deepEqual(await latest.run(async () => 'pass'), { stale: false, value: 'pass' });
  assert.equal(latest.running, false);
  const followUp = latest.signal!;
  assert.equal(followUp.aborted, false, 'a finished run\'s signal must stay usable for its follow-up requests');
  const next = latest.run(async () => 'next pass');
  assert.equal(followUp.aborted, true, 'the next run did not abort the follow-up of the previous one');
  assert.deepEqual(await next, { stale: false, value: 'next pass' });
});

test('running follows the latest run only: an older run settling late does not change it', async () => {
  const latest = new LatestRequest();
  const slow = deferredRequest<number>();
  const old = latest.run(() => slow.promise);
  const fresh = latest.run(async () => 1);
  assert.deepEqual(await fresh, { stale: false, value: 1 });
  assert.equal(latest.running, false);
  slow.resolve(0);
  assert.deepEqual(await old, { stale: true });
  assert.equal(latest.running, false);
});
