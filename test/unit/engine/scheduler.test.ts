// The engine's scheduler: short requests run one at a time in order; a long job parks at its yield points while a
// short request waits or runs, and goes on afterwards; a request cancelled while it waits is dropped at once; a
// long job cancelled while parked ends there; a job that never yields (Python) holds up nothing. Last, through the
// RPC server and core's real yield points, a feature-maps request sent during a long top-k is answered first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setYieldGate, yieldToEventLoop } from '../../../src/core/abort';
import { RpcServer, type HandlerTable } from '../../../src/engine/rpcServer';
import { laneOf, Scheduler } from '../../../src/engine/scheduler';
import { LayerLensError } from '../../../src/shared/errors';
import type { EngineToHost } from '../../../src/shared/protocol/engineProtocol';

/** Holds the thread for `ms`, as a TF.js step does. */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

/** A long job of `steps` steps of `ms` each, logging each step and yielding at the scheduler's gate in between. */
async function longJob(s: Scheduler, log: string[], steps: number, ms = 5): Promise<string> {
  for (let i = 0; i < steps; i++) {
    busy(ms);
    log.push(`long${i}`);
    await new Promise((r) => setTimeout(r, 0));
    await s.yieldPoint();
  }
  return 'long done';
}

const never = () => new AbortController().signal;

test('lanes: the long TF.js jobs compute, conversions python, the rest interactive', () => {
  assert.equal(laneOf('topk.find'), 'compute');
  assert.equal(laneOf('actmax'), 'compute');
  assert.equal(laneOf('pytorch.convert'), 'python');
  for (const m of ['featureMaps.open', 'featureMaps.layer', 'kernels', 'loadModel', 'memory', 'init', 'toString']) assert.equal(laneOf(m), 'interactive', m);
});

test('interactive requests run one at a time, in the order they came', async () => {
  const s = new Scheduler();
  const log: string[] = [];
  const job = (name: string, ms: number) => async () => {
    log.push(`${name} start`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`${name} end`);
    return name;
  };
  const results = await Promise.all([s.run('kernels', never(), job('a', 20)), s.run('featureMaps.open', never(), job('b', 1)), s.run('memory', never(), job('c', 1))]);
  assert.deepEqual(results, ['a', 'b', 'c']);
  assert.deepEqual(log, ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
});

test('a long job parks at its yield point while an interactive request runs, then goes on', async () => {
  const s = new Scheduler();
  const log: string[] = [];
  const long = s.run('topk.find', never(), () => longJob(s, log, 40));
  // The short request comes once the long job is under way (a few of its steps, however fast the machine).
  while (log.length < 3) await new Promise((r) => setTimeout(r, 1));
  const stepsBefore = log.length;
  assert.ok(stepsBefore < 40, `the long job ended before the short request came (${stepsBefore} steps)`);
  const short = s.run('featureMaps.open', never(), async () => {
    log.push('short start');
    // A short request with awaits of its own: the long job must not step in between.
    for (let i = 0; i < 3; i++) {
      busy(2);
      await new Promise((r) => setTimeout(r, 5));
    }
    log.push('short end');
    return 'maps';
  });
  assert.equal(await short, 'maps');
  const start = log.indexOf('short start');
  const end = log.indexOf('short end');
  assert.ok(start >= 0 && end === start + 1, `the long job stepped while the short request ran: ${log.slice(start, end + 1).join(', ')}`);
  // The short request waited for at most the long job's step that was running when it came.
  assert.ok(start <= stepsBefore + 1, `the short request started after step ${start} (it came after ${stepsBefore})`);
  assert.equal(await long, 'long done');
  assert.equal(log.filter((l) => l.startsWith('long')).length, 40);
  assert.ok(log.indexOf('long39') > end, 'the long job finished before the short request');
  assert.deepEqual(s.state, { running: [], waiting: {}, parked: 0 });
});

test('a request cancelled while it waits for its lane is dropped at once, without running', async () => {
  const s = new Scheduler();
  const log: string[] = [];
  const first = s.run('topk.find', never(), () => longJob(s, log, 20));
  const cancel = new AbortController();
  let ran = false;
  const second = s.run('actmax', cancel.signal, async () => {
    ran = true;
    return 'ran';
  });
  let firstDone = false;
  void first.then(() => (firstDone = true));
  while (log.length < 2) await new Promise((r) => setTimeout(r, 1));
  const stepsAtCancel = log.length;
  cancel.abort();
  await assert.rejects(second, (err: unknown) => err instanceof LayerLensError && err.code === 'cancelled');
  // At once: the long job ahead of it in its lane took no further step before the refusal, let alone ended.
  assert.equal(log.length, stepsAtCancel, `the cancelled request waited for ${log.length - stepsAtCancel} steps of the long job`);
  assert.equal(firstDone, false, 'the cancelled request waited for the long job to end');
  assert.equal(await first, 'long done');
  assert.equal(ran, false);
});

test('a long job cancelled while parked ends at that yield point', async () => {
  const s = new Scheduler();
  const log: string[] = [];
  const cancel = new AbortController();
  const long = s.run('topk.find', cancel.signal, () => longJob(s, log, 1000, 1));
  await new Promise((r) => setTimeout(r, 10));
  let release!: () => void;
  const short = s.run('kernels', never(), () => new Promise<string>((r) => (release = () => r('kernels'))));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.state.parked, 1, `state: ${JSON.stringify(s.state)}`);
  const steps = log.length;
  cancel.abort();
  await assert.rejects(long, (err: unknown) => err instanceof LayerLensError && err.code === 'cancelled');
  assert.equal(log.length, steps, 'the cancelled job took another step');
  release();
  assert.equal(await short, 'kernels');
});

test('a python job that never yields holds up neither interactive requests nor the compute lane', async () => {
  const s = new Scheduler();
  let finishPython!: () => void;
  const python = s.run('pytorch.convert', never(), () => new Promise<string>((r) => (finishPython = () => r('onnx'))));
  assert.equal(await s.run('featureMaps.layer', never(), async () => 'layer'), 'layer');
  assert.equal(await s.run('topk.find', never(), async () => 'topk'), 'topk');
  finishPython();
  assert.equal(await python, 'onnx');
});

test('through the RPC server, a feature-maps request sent during a long top-k is answered before it ends', async (t) => {
  t.after(() => setYieldGate(undefined));
  const sent: EngineToHost[] = [];
  const steps: number[] = [];
  const handlers = {
    'topk.find': async () => {
      // Core's real yield point, as findTopImages calls it between batches.
      for (let i = 0; i < 60; i++) {
        busy(10);
        steps.push(i);
        await yieldToEventLoop();
      }
      return { done: true };
    },
    'featureMaps.open': async () => {
      busy(5);
      return { maps: [1, 2, 3] };
    },
  } as unknown as HandlerTable;
  const rpc = new RpcServer(handlers, (m) => sent.push(m));
  const answered = (id: number) => sent.findIndex((m) => (m.type === 'response' || m.type === 'error') && m.id === id);
  rpc.receive({ type: 'request', id: 1, method: 'topk.find', params: { modelPath: '/m.json', layerId: 'conv1', folder: '/imgs', k: 9, cacheDir: '/c' } });
  while (steps.length < 3) await new Promise((r) => setTimeout(r, 1));
  const stepAtSend = steps.length;
  rpc.receive({ type: 'request', id: 2, method: 'featureMaps.open', params: { modelPath: '/m.json', imagePath: '/a.png' } });
  while (answered(2) < 0 && answered(1) < 0) await new Promise((r) => setTimeout(r, 2));
  const maps = sent[answered(2)];
  assert.ok(maps?.type === 'response', `feature maps answered ${JSON.stringify(maps)} (top-k at step ${steps.length} of 60)`);
  assert.deepEqual(maps.result, { maps: [1, 2, 3] });
  assert.ok(steps.length <= stepAtSend + 2, `top-k took ${steps.length - stepAtSend} steps before the short request`);
  while (answered(1) < 0) await new Promise((r) => setTimeout(r, 5));
  const topk = sent[answered(1)];
  assert.ok(topk?.type === 'response', JSON.stringify(topk));
  assert.equal(steps.length, 60);
});
