// After an engine that ran the native kernels dies by a crash signal, the host's next engines run without them,
// the user is told once, and a restart the user asks for tries them again. Ordinary exits change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NativeCrashGuard } from '../../../src/host/engine/nativeCrashGuard';
import type { BackendStatus } from '../../../src/shared/backend';

const native: BackendStatus = { active: 'wasm', detail: 'wasm (SIMD, 2 threads) + native conv (AVX-512, 2 threads)', kernels: 'native conv (AVX-512, 2 threads)', preference: 'auto', attempts: [] };
const tfjs: BackendStatus = { ...native, detail: 'wasm (SIMD, 2 threads)', kernels: 'TF.js kernels (native: turned off by layerLens.nativeKernels)' };

test('a SIGSEGV of an engine running native kernels turns them off once, with one sentence; Restart Engine resets', () => {
  const guard = new NativeCrashGuard();
  const sentence = guard.noteExit('SIGSEGV', native);
  assert.match(sentence ?? '', /^The Layer Lens engine crashed \(SIGSEGV\) while running its native kernels; .*Restart Engine"\.$/);
  assert.match(guard.reason ?? '', /crashed \(SIGSEGV\)/);
  assert.equal(guard.noteExit('SIGSEGV', native), undefined, 'told twice');
  guard.reset();
  assert.equal(guard.reason, undefined);
});

test('exits that are not native crashes leave the native kernels on', () => {
  const guard = new NativeCrashGuard();
  assert.equal(guard.noteExit('SIGKILL', native), undefined, 'killed by the user or the OS');
  assert.equal(guard.noteExit('SIGTERM', native), undefined);
  assert.equal(guard.noteExit(null, native), undefined, 'an exit code');
  assert.equal(guard.noteExit('SIGSEGV', tfjs), undefined, 'the native kernels were not running');
  assert.equal(guard.noteExit('SIGSEGV', undefined), undefined, 'no status yet');
  assert.equal(guard.reason, undefined);
});
