// The gradient kernels the MNIST training script adds to wasm must match the cpu backend's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (tfjs-layers does it on import).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../../helpers/backend';
import { IDLE_MS, heldGradientKernelBytes } from '../../../src/core/gradients/heldKernels';
import { registerWasmTrainingKernels } from '../../../scripts/wasmTrainingKernels';

interface Case {
  name: string;
  x: number[];
  w: number[];
  stride: number;
}

const cases: Case[] = [
  { name: 'conv1-like, stride 1', x: [3, 12, 12, 1], w: [3, 3, 1, 4], stride: 1 },
  { name: 'conv2-like, stride 1', x: [2, 9, 8, 5], w: [3, 3, 5, 6], stride: 1 },
  { name: 'stride 2, odd size', x: [2, 9, 9, 3], w: [3, 2, 3, 4], stride: 2 },
];

/** Deterministic signed values without Math.random. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(seed * 12.9898 + i * 78.233) * 1.5;
  return out;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Gradients of Σ r·f(x, w) with respect to x and w, on the current backend. */
function convGrads(c: Case): Float32Array[] {
  const x = tf.tensor4d(values(size(c.x), 1), c.x as [number, number, number, number]);
  const w = tf.tensor4d(values(size(c.w), 2), c.w as [number, number, number, number]);
  const y = tf.conv2d(x, w, c.stride, 'valid');
  const r = tf.tensor(values(size(y.shape), 3), y.shape);
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(r, tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, 'valid'))));
  const [gx, gw] = grads([x, w]);
  const out = [gx.dataSync() as Float32Array, gw.dataSync() as Float32Array];
  tf.dispose([x, w, y, r, gx, gw]);
  return out;
}

/** Max-pool input gradient with signed inputs, including windows whose maximum is negative. */
function poolGrad(shape: [number, number, number, number], size: number, stride: number): Float32Array {
  const x = tf.tensor4d(values(shape.reduce((a, b) => a * b, 1), 4).map((v) => v - 0.7), shape);
  const y = tf.maxPool(x, size, stride, 'valid');
  const r = tf.tensor(values(y.size, 5), y.shape);
  const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(r, tf.maxPool(a as tf.Tensor4D, size, stride, 'valid'))))(x);
  const out = g.dataSync() as Float32Array;
  tf.dispose([x, y, r, g]);
  return out;
}

function relL2(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += a[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

test('wasm conv and max-pool gradients match cpu once the training kernels are registered', async () => {
  await useBackend('cpu');
  const cpuConv = cases.map(convGrads);
  const cpuPool = [poolGrad([2, 11, 11, 3], 2, 2), poolGrad([1, 7, 8, 2], 3, 2)];

  registerWasmTrainingKernels();
  const status = await useBackend('wasm');
  assert.equal(status.active, 'wasm');
  const before = tf.memory().numTensors;
  cases.forEach((c, i) => {
    const [gx, gw] = convGrads(c);
    assert.ok(relL2(cpuConv[i][0], gx) < 1e-5, `${c.name}: input gradient differs (${relL2(cpuConv[i][0], gx)})`);
    assert.ok(relL2(cpuConv[i][1], gw) < 1e-5, `${c.name}: filter gradient differs (${relL2(cpuConv[i][1], gw)})`);
  });
  assert.ok(relL2(cpuPool[0], poolGrad([2, 11, 11, 3], 2, 2)) < 1e-6);
  assert.ok(relL2(cpuPool[1], poolGrad([1, 7, 8, 2], 3, 2)) < 1e-6);
  // The flipped kernels a dilated conv's input gradient made are held until the gradients stop, then freed.
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS + 100));
  assert.equal(heldGradientKernelBytes(), 0, 'flipped kernels still held after the gradients stopped');
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});
