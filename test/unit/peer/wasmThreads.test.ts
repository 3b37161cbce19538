// The wasm-threads adapter's pieces that run without starting a thread pool in this process (it would spawn
// 8 workers here): wasmThreadsExit.test.ts and engineThreads.test.ts start one in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { withCoreCount } from '../../../src/core/node/wasmThreadsNode';
import { wasmWorkerContents } from '../../../src/core/node/wasmThreadsWorkerScript';

test('withCoreCount reports enough cores for the requested threads while it runs, then the real count', async () => {
  const real = cpus().length;
  const inside = await withCoreCount(Math.max(real, 3), async () => (require('node:os') as typeof import('node:os')).cpus().length);
  assert.ok(inside >= 2 * Math.max(real, 3), `inside: ${inside}`);
  assert.equal(cpus().length, real);
});

test('withCoreCount restores os.cpus when the wrapped call fails', async () => {
  const real = cpus().length;
  await assert.rejects(withCoreCount(real + 4, async () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal((require('node:os') as typeof import('node:os')).cpus().length, real);
});

test('the packaged worker script still loads its main script the way the adapter rewrites', () => {
  assert.match(wasmWorkerContents, /importScripts\(e\.data\.urlOrBlob\)\}else\{var objectUrl=URL\.createObjectURL/);
});
