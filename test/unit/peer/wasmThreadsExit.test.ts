// The hang of a threaded run: emscripten ref()s the Node Worker of every running pthread and XNNPACK's pool
// threads never end, so a script that returned from main stayed alive forever (0-1 % CPU, main thread idle
// in epoll_wait). initWasmWithThreads now unrefs them; this runs such a script and waits for it to end.
// unit-runner: exclusive — the script it starts runs the wasm backend on 2 threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { wasmThreadsFor } from '../../../src/core/node/wasmThreadsNode';
import { repoRoot } from '../../helpers/paths';

test('a script on the threaded wasm backend ends by itself when its work is done', () => {
  const script = join(__dirname, 'threadedExitScript.ts');
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.error, undefined, `still running after ${Date.now() - started} ms (the pthread workers keep it alive)`);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { detail: string; sum: number };
  assert.equal(out.detail, 'wasm (SIMD, 2 threads)');
  assert.ok(Number.isFinite(out.sum) && out.sum !== 0);
});

test('wasmThreadsFor: 0 or absent is auto (at most 2, at least 1), 1 is off, larger values are capped at 8', () => {
  assert.equal(wasmThreadsFor(undefined, 16), 2);
  assert.equal(wasmThreadsFor(0, 2), 2);
  assert.equal(wasmThreadsFor(0, 1), 1);
  assert.equal(wasmThreadsFor(0, 0), 1);
  assert.equal(wasmThreadsFor(1, 16), 1);
  assert.equal(wasmThreadsFor(3, 2), 3);
  assert.equal(wasmThreadsFor(64, 2), 8);
  assert.equal(wasmThreadsFor(undefined), Math.max(1, Math.min(2, cpus().length)));
});
