// What the client does with a cancel the engine cannot read at once. The real engine's event loop is blocked for as
// long as a TF.js op runs, which no request makes last a chosen time; so the engine here is a small process that
// speaks the same IPC protocol and blocks its loop for as long as a request says, then answers the cancel as the
// real one does. The real engine's own answers to cancels are tested in engineHardening and actmaxEngine.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_STILL_BUSY, EngineClient } from '../../../src/host/engine/engineClient';
import { LayerLensError } from '../../../src/shared/errors';

const BUSY_ENGINE = `
const cancelled = new Set();
process.on('message', (msg) => {
  if (msg.type === 'cancel') { cancelled.add(msg.id); return; }
  process.send({ type: 'accepted', id: msg.id });
  const until = Date.now() + msg.params.blockMs;
  while (Date.now() < until) {} // one long synchronous op: nothing is read meanwhile
  setImmediate(() => {
    if (cancelled.has(msg.id)) process.send({ type: 'error', id: msg.id, error: { code: 'cancelled', message: 'The request was cancelled.' } });
    else process.send({ type: 'response', id: msg.id, result: { blocked: msg.params.blockMs } });
  });
});
`;
const folder = mkdtempSync(join(tmpdir(), 'layer-lens-busy-engine-'));
const enginePath = join(folder, 'busyEngine.cjs');
writeFileSync(enginePath, BUSY_ENGINE);

const exits: (NodeJS.Signals | null)[] = [];
const logs: string[] = [];
const client = new EngineClient({
  enginePath,
  onStart: async () => undefined,
  log: (_level, message) => logs.push(message),
  onExit: (_code, signal) => exits.push(signal),
  answerCancelWithinMs: 200,
  hungAfterCancelMs: 4000,
});
after(() => {
  client.dispose();
  rmSync(folder, { recursive: true, force: true });
});

type Busy = { blockMs: number };
const block = (blockMs: number, signal?: AbortSignal) => client.request('memory', { blockMs } as Busy as never, signal ? { signal } : {});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a cancel during a step longer than the answer window: the caller hears it at once, the engine is kept and answers next', async () => {
  await block(0);
  const pid = client.pid;
  const controller = new AbortController();
  const run = block(1500, controller.signal);
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(run, (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled' && e.message === ENGINE_STILL_BUSY);
  // The engine ends its step, reads the cancel and answers it; nothing kills it, even after the hung window.
  await sleep(4500);
  assert.equal(client.pid, pid, 'the busy engine was killed');
  assert.deepEqual(exits, []);
  assert.deepEqual(await block(0), { blocked: 0 });
  assert.equal(client.pid, pid);
});

test('an engine that stays silent long after a cancel is killed, and the next request gets a new one', async () => {
  await block(0);
  const pid = client.pid;
  const controller = new AbortController();
  const run = block(60_000, controller.signal);
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(run, (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled');
  while (exits.length === 0) await sleep(100);
  assert.deepEqual(exits, ['SIGKILL']);
  assert.ok(logs.some((l) => /nothing heard for 4 s after a cancel/.test(l)), logs.join('\n'));
  assert.deepEqual(await block(0), { blocked: 0 });
  assert.notEqual(client.pid, pid);
});
