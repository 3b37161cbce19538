// The one start-up of TF.js in a Node process: the options the engine, the CLI, the benchmarks, the tests and
// the training scripts pass reach the backend as the status line reports them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { startNodeBackend } from '../../../src/core/node/startNodeBackend';
import { needsNativeKernels } from '../../helpers/native';

test('wasm on one thread with the native kernels off and no reason: no kernels line', { timeout: 60_000 }, async () => {
  const status = await startNodeBackend('wasm', { threads: 1, nativeKernels: false });
  assert.equal(status.active, 'wasm');
  assert.equal(status.detail, 'wasm (SIMD, 1 thread)');
  assert.equal(status.kernels, undefined);
  assert.equal(tf.getBackend(), 'wasm');
});

test('the native kernels turned off with a reason: the status says why (the engine does this for the setting)', { timeout: 60_000 }, async () => {
  const status = await startNodeBackend('cpu', { nativeKernels: false, nativeKernelsOffReason: 'turned off by layerLens.nativeKernels' });
  assert.equal(status.detail, 'cpu (plain JavaScript)');
  assert.equal(status.kernels, 'TF.js kernels (native: turned off by layerLens.nativeKernels)');
});

// Without a C++ compiler the addon is not built, which the product supports (TF.js's kernels then run).
test('by default the native kernels run, on the threads asked for', { timeout: 60_000, ...needsNativeKernels }, async () => {
  const status = await startNodeBackend('wasm', { threads: 1, nativeThreads: 3 });
  assert.match(status.kernels ?? '', /^native .*3 threads/, status.kernels);
  assert.match(status.detail, /^wasm \(SIMD, 1 thread\) \+ native/);
});
