// Which backend each `layerLens.backend` value ends on, and the reasons the status gives for everything skipped.
// WebGPU is injected through the WebgpuHooks seam: a fake adapter registers TF.js's cpu backend under the name
// 'webgpu', so the choice is real TF.js backend switching while no GPU is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { WebgpuAdapter, WebgpuHooks } from '../../../src/core/backend';
import { backendOrder, initBackend } from '../../../src/core/backend';
import { locateWasmDir } from '../../../src/core/node/wasmDir';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { startNodeBackend } from '../../../src/core/node/startNodeBackend';

const H100: WebgpuAdapter = { vendor: 'nvidia', architecture: 'hopper', software: false };
const SWIFTSHADER: WebgpuAdapter = { vendor: 'google', architecture: 'swiftshader', software: true };

/** WebGPU hooks that find `adapter` (or fail with `reason`) and record what they were asked. */
function fakeWebgpu(found: WebgpuAdapter | { reason: string }): WebgpuHooks & { activations: { allowSoftware: boolean }[] } {
  const activations: { allowSoftware: boolean }[] = [];
  return {
    activations,
    probe: async () => ('reason' in found ? { ok: false, reason: found.reason } : { ok: true, adapter: found }),
    activate: async (options) => {
      activations.push(options);
      if ('reason' in found) throw new Error(found.reason);
      if (found.software && !options.allowSoftware) throw new Error('software adapter refused');
      if (!tf.findBackend('webgpu')) tf.registerBackend('webgpu', tf.findBackendFactory('cpu')!);
      if (!(await tf.setBackend('webgpu'))) throw new Error('could not set the stand-in webgpu backend');
      return found;
    },
  };
}

const start = (preference: Parameters<typeof startNodeBackend>[0], webgpu?: WebgpuHooks, webgpuUnavailable?: string) =>
  startNodeBackend(preference, { threads: 1, nativeKernels: false, webgpu, webgpuUnavailable });

test('the order each preference tries', () => {
  assert.deepEqual(backendOrder('auto'), ['webgpu', 'native', 'wasm', 'cpu']);
  assert.deepEqual(backendOrder('webgpu'), ['webgpu', 'wasm', 'cpu']);
  assert.deepEqual(backendOrder('tensorflow'), ['native', 'wasm', 'cpu']);
  assert.deepEqual(backendOrder('wasm'), ['wasm', 'cpu']);
});

test('auto picks a hardware adapter and names it; the native kernels (CPU code) stay out', { timeout: 30_000 }, async () => {
  const gpu = fakeWebgpu(H100);
  const status = await startNodeBackend('auto', { threads: 1, webgpu: gpu });
  assert.equal(status.active, 'webgpu');
  assert.equal(status.detail, 'webgpu (nvidia hopper)');
  assert.deepEqual(status.adapter, H100);
  assert.deepEqual(gpu.activations, [{ allowSoftware: false }]);
  assert.deepEqual(status.attempts, [{ backend: 'webgpu', ok: true }]);
  assert.equal(status.kernels, undefined);
  assert.equal(status.notHonoured, undefined);
});

test('auto never runs on a software adapter: it says why and goes on to wasm without activating it', { timeout: 30_000 }, async () => {
  const gpu = fakeWebgpu(SWIFTSHADER);
  const status = await start('auto', gpu);
  assert.equal(status.active, 'wasm');
  assert.equal(gpu.activations.length, 0);
  const webgpu = status.attempts.find((a) => a.backend === 'webgpu');
  assert.equal(webgpu?.ok, false);
  assert.match(webgpu?.reason ?? '', /^only a software adapter \(google swiftshader\), which auto never picks/);
  assert.equal(status.attempts.find((a) => a.backend === 'tensorflow')?.reason, 'no native binding can be loaded in this process');
  assert.equal(status.adapter, undefined);
  assert.equal(status.notHonoured, undefined, 'auto is honoured by whichever backend it reaches');
});

test('an explicit webgpu runs on a software adapter and says it is software', { timeout: 30_000 }, async () => {
  const gpu = fakeWebgpu(SWIFTSHADER);
  const status = await start('webgpu', gpu);
  assert.equal(status.active, 'webgpu');
  assert.equal(status.detail, 'webgpu (google swiftshader, software)');
  assert.deepEqual(gpu.activations, [{ allowSoftware: true }]);
  assert.equal(status.adapter?.software, true);
  assert.equal(status.notHonoured, undefined);
});

test('an explicit webgpu without an adapter falls back to wasm and says so in one sentence', { timeout: 30_000 }, async () => {
  const status = await start('webgpu', fakeWebgpu({ reason: 'no WebGPU adapter: Vulkan found no device' }));
  assert.equal(status.active, 'wasm');
  assert.equal(status.notHonoured, 'Backend webgpu could not be used (no WebGPU adapter: Vulkan found no device); wasm (SIMD, 1 thread) runs instead.');
});

test('a reason the process already knows (no real Node for Dawn) is said without probing', { timeout: 30_000 }, async () => {
  let probed = false;
  const hooks: WebgpuHooks = { probe: async () => ((probed = true), { ok: true, adapter: H100 }), activate: async () => H100 };
  const status = await start('webgpu', hooks, 'the engine runs on Electron: no Node 20 or later was found');
  assert.equal(probed, false);
  assert.equal(status.active, 'wasm');
  assert.match(status.notHonoured ?? '', /^Backend webgpu could not be used \(the engine runs on Electron: no Node 20 or later was found\)/);
});

test('without the webgpu hooks (a process that passes none to the core) WebGPU is recorded as unavailable, not silently skipped', { timeout: 30_000 }, async () => {
  // startNodeBackend always passes Dawn's hooks; the core's own seam is what is left without them.
  const status = await initBackend('auto', { wasmDir: locateWasmDir(join(repoRoot, 'dist')) });
  assert.match(status.attempts[0]?.reason ?? '', /not available in this process/);
  assert.equal(status.attempts[0]?.backend, 'webgpu');
});

test('tensorflow where no binding can load: wasm runs and the status says tensorflow could not be used', { timeout: 30_000 }, async () => {
  const status = await startNodeBackend('tensorflow', {
    threads: 1,
    nativeKernels: false,
    loadNative: async () => ({ error: '@tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed' }),
  });
  assert.equal(status.active, 'wasm');
  assert.equal(
    status.notHonoured,
    'Backend tensorflow could not be used (@tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed); wasm (SIMD, 1 thread) runs instead.',
  );
});
