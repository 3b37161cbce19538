// Shared checks for the input-gradient tests: exact reference gradients of affine ops from their Jacobian
// (one forward pass per input element, products summed in float64), relative errors, seeded values, and the
// backends every test runs on.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../../../src/core/actmax/rng';
import { useBackend } from '../../helpers/backend';
import { nativeKernelsBuilt } from '../../helpers/native';

/** Deterministic values in [-1, 1) (mulberry32). */
export function seeded(n: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
  return out;
}

export function seededTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seeded(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** max |a − b| / max |b|. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  assert.ok(scale > 0, 'the reference is all zeros');
  return diff / scale;
}

function dot64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Gradient of sum(f(x) · r) for an affine f, exactly: element i is (f(x + e_i) − f(x)) · r. Unlike finite
 * differences it has no step-size error, and it uses only f's forward pass (TF.js's own kernels).
 */
export function affineGradRef(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, r: tf.Tensor): Float64Array {
  const xs = x.dataSync();
  const rs = r.dataSync();
  const base = tf.tidy(() => f(x).dataSync().slice());
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const bumped = Float32Array.from(xs);
    bumped[i] = (bumped[i] as number) + 1;
    const y = tf.tidy(() => f(tf.tensor(bumped, x.shape)).dataSync());
    let s = 0;
    for (let j = 0; j < rs.length; j++) s += ((y[j] as number) - (base[j] as number)) * (rs[j] as number);
    out[i] = s;
  }
  return out;
}

/** Input gradient of sum(f(x) · r), and f(x), as plain arrays. */
export function inputGrad(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, r: tf.Tensor): { grad: Float32Array; out: Float32Array } {
  return tf.tidy(() => {
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), r)))(x).dataSync() as Float32Array;
    const out = f(x).dataSync() as Float32Array;
    return { grad: Float32Array.from(grad), out: Float32Array.from(out) };
  });
}

/** Central differences of sum(f(x) · r) along a direction v, in float64 over float32 forward passes. */
export function directional(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, r: tf.Tensor, v: tf.Tensor, eps: number): number {
  const at = (s: number) => tf.tidy(() => dot64(f(tf.add(x, tf.mul(v, s))).dataSync(), r.dataSync()));
  return (at(eps) - at(-eps)) / (2 * eps);
}

export interface BackendCase {
  name: string;
  start: () => Promise<unknown>;
  skip: string | false;
}

/** wasm with TF.js's kernels, wasm with the native kernels (when built), and cpu. */
export const BACKENDS: BackendCase[] = [
  { name: 'wasm', start: () => useBackend('wasm'), skip: false },
  {
    name: 'wasm + native kernels',
    start: () => useBackend('wasm', { nativeKernels: true }),
    skip: nativeKernelsBuilt ? false : 'the native kernels addon was not built (no C++ compiler)',
  },
  { name: 'cpu', start: () => useBackend('cpu'), skip: false },
];

export { dot64 };
