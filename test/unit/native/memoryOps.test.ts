// The native Transpose, PadV2 and Concat (native/memoryOps.cc) against TF.js's own kernels of the same backend, on
// wasm and cpu, bit for bit: every perm of ranks 1–4 and some of ranks 5–6, NHWC↔NCHW, pads of every rank with
// NaN / negative / int32 fills, concats along every axis with 2–5 inputs; size-1 and zero-size axes, a single
// element, float32 and int32, 1 to 3 threads; gradients through them; wrong sizes throw.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { nativeBackend, needsNativeKernels, restoreNativeKernels } from '../../helpers/native';
import { installNativeKernels, uninstallNativeKernels } from '../../../src/core/native/installNativeKernels';
import type { NativeKernelsBinding } from '../../../src/core/native/nativeKernelsBinding';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Distinct values (so a misplaced one shows), a few negative zeros and NaNs with payloads among them. */
function floats(shape: number[], seed: number): tf.Tensor {
  const n = size(shape);
  const bits = new Uint32Array(n);
  const values = new Float32Array(bits.buffer);
  for (let i = 0; i < n; i++) values[i] = (i * 0.37 + seed) * (i % 2 ? -1 : 1);
  if (n > 7) bits[5] = 0x80000000;
  if (n > 11) bits[11] = 0x7fc00123;
  return tf.tensor(values, shape, 'float32');
}

function ints(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(Int32Array.from({ length: size(shape) }, (_, i) => (i * 7919 + seed) % 100003 - 50000), shape, 'int32');
}

interface Bits { shape: number[]; dtype: string; bits: Uint32Array }

/** The stored bits of a tensor's values, and its shape and dtype. */
function bitsOf(t: tf.Tensor): Bits {
  const v = t.dataSync() as Float32Array | Int32Array;
  return { shape: t.shape, dtype: t.dtype, bits: new Uint32Array(v.buffer, v.byteOffset, v.length).slice() };
}

/** The bits of f's result (one tensor or a list), its tensors disposed. */
function bitsOfRun(f: () => tf.Tensor | tf.Tensor[]): Bits[] {
  const outs = [tf.tidy(f)].flat();
  const bits = outs.map(bitsOf);
  outs.forEach((t) => t.dispose());
  return bits;
}

/** Same shapes, dtypes and bits (the first differing value reported by index). */
function assertSameBits(got: Bits[], want: Bits[], what = ''): void {
  assert.deepEqual(got.map((b) => [b.shape, b.dtype]), want.map((b) => [b.shape, b.dtype]), what);
  got.forEach((g, k) => {
    const at = g.bits.findIndex((v, i) => v !== want[k]!.bits[i]);
    assert.equal(at, -1, `${what}: output ${k} differs at ${at}: ${g.bits[at]?.toString(16)} vs ${want[k]!.bits[at]?.toString(16)}`);
  });
}

/** The Transpose kernel itself: tf.transpose clones a rank-1 tensor without running it. */
function transposeKernel(x: tf.Tensor, perm: number[]): tf.Tensor {
  return tf.engine().runKernel('Transpose', { x }, { perm }) as tf.Tensor;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`native Transpose, PadV2 and Concat on ${backend}`, needsNativeKernels, () => {
    let binding: NativeKernelsBinding;
    const calls = { transpose: 0, padConstant: 0, concat: 0 };

    function counting(): NativeKernelsBinding {
      const all = Object.fromEntries(Object.getOwnPropertyNames(binding).map((k) => [k, (binding as unknown as Record<string, unknown>)[k]]));
      return {
        ...(all as unknown as NativeKernelsBinding),
        transpose: (...a) => (calls.transpose++, binding.transpose(...a)),
        padConstant: (...a) => (calls.padConstant++, binding.padConstant(...a)),
        concat: (...a) => (calls.concat++, binding.concat(...a)),
      };
    }

    /**
     * f with TF.js's kernels and with the native ones on `threads` threads: bits equal, and the number of native
     * calls of `kernel` made (0 where the call is one the native kernels leave to TF.js).
     */
    function same(kernel: keyof typeof calls, f: () => tf.Tensor | tf.Tensor[], threads = 2): number {
      uninstallNativeKernels();
      const reference = bitsOfRun(f);
      installNativeKernels(counting(), threads);
      const before = calls[kernel];
      const native = bitsOfRun(f);
      assertSameBits(native, reference, kernel);
      return calls[kernel] - before;
    }

    /** As `same`, against TF.js's cpu kernel (for wasm: its PadV2 fills NaN or -0 with a value used before). */
    async function sameAsCpu(kernel: keyof typeof calls, f: () => tf.Tensor, threads = 2): Promise<number> {
      uninstallNativeKernels();
      await tf.setBackend('cpu');
      const reference = bitsOfRun(f);
      installNativeKernels(counting(), threads);
      await tf.setBackend(backend);
      const before = calls[kernel];
      const native = bitsOfRun(f);
      assertSameBits(native, reference, kernel);
      return calls[kernel] - before;
    }

    before(async () => {
      binding = await nativeBackend(backend);
    });
    after(() => restoreNativeKernels(binding));

    it('Transpose: every perm of ranks 1 to 4 on odd shapes with size-1 axes, on 1, 2 and 3 threads', () => {
      const shapes = [[7], [5, 1], [3, 4, 5], [1, 6, 1], [2, 3, 1, 5], [3, 5, 7, 2]];
      for (const shape of shapes) {
        for (const perm of permutations(shape.length)) {
          for (const threads of [1, 2, 3]) {
            assert.equal(same('transpose', () => transposeKernel(floats(shape, 1), perm), threads), 1, `${shape} ${perm}`);
          }
        }
      }
    });

    it('Transpose: ranks 5 and 6, NHWC↔NCHW and swapping the first two axes at sizes that span many tasks', () => {
      const cases: [number[], number[]][] = [
        [[2, 3, 4, 5, 3], [4, 0, 3, 1, 2]],
        [[3, 1, 2, 5, 4], [0, 4, 2, 1, 3]],
        [[2, 3, 2, 4, 3, 5], [5, 3, 1, 0, 4, 2]],
        [[2, 2, 3, 2, 3, 2], [1, 0, 3, 2, 5, 4]],
        [[3, 67, 65, 3], [0, 3, 1, 2]],
        [[3, 3, 67, 65], [0, 2, 3, 1]],
        [[1, 67, 131, 5], [0, 3, 1, 2]],
        [[17, 131, 29], [1, 0, 2]],
        [[133, 257], [1, 0]],
        [[3, 1030, 17], [2, 1, 0]],
      ];
      for (const [shape, perm] of cases) {
        for (const threads of [1, 3]) assert.equal(same('transpose', () => tf.transpose(floats(shape, 2), perm), threads), 1, `${shape} ${perm}`);
      }
      assert.equal(same('transpose', () => tf.transpose(ints([5, 7, 3], 3), [2, 0, 1])), 1);
    });

    it('Transpose: a single element, and zero-size axes left to TF.js', () => {
      assert.equal(same('transpose', () => tf.transpose(floats([1, 1, 1], 4), [2, 0, 1])), 1);
      assert.equal(same('transpose', () => transposeKernel(floats([1], 4), [0])), 1);
      assert.equal(same('transpose', () => tf.transpose(floats([3, 0, 4], 4), [2, 1, 0])), 0);
    });

    it('PadV2: every rank 1 to 6, pads before, after, both or neither on each axis, NaN / -1.5 / -0 fills, 1 to 3 threads', async () => {
      const cases: [number[], [number, number][]][] = [
        [[5], [[2, 3]]],
        [[4, 3], [[0, 0], [1, 0]]],
        [[3, 5, 3], [[1, 2], [0, 0], [0, 0]]],
        [[2, 31, 29, 3], [[0, 0], [13, 12], [11, 14], [0, 0]]],
        [[2, 5, 7, 3], [[1, 1], [0, 2], [3, 0], [1, 2]]],
        [[2, 3, 2, 3, 2], [[0, 1], [1, 0], [0, 0], [2, 1], [0, 0]]],
        [[2, 2, 3, 1, 2, 3], [[1, 0], [0, 0], [1, 1], [2, 0], [0, 1], [0, 0]]],
        [[4, 6], [[0, 0], [0, 0]]],
      ];
      for (const [shape, paddings] of cases) {
        for (const value of [0, -1.5, 0.1]) {
          for (const threads of [1, 2, 3]) {
            assert.equal(same('padConstant', () => tf.pad(floats(shape, 5), paddings, value), threads), 1, `${shape} ${JSON.stringify(paddings)} ${value}`);
          }
        }
        for (const value of [NaN, -0]) assert.equal(await sameAsCpu('padConstant', () => tf.pad(floats(shape, 5), paddings, value), 3), 1, `${shape} ${value}`);
      }
      // The transforms' pad of an NHWC batch, at a size that spans many tasks.
      for (const threads of [1, 3]) assert.equal(same('padConstant', () => tf.pad(floats([3, 141, 137, 3], 5), [[0, 0], [7, 9], [8, 6], [0, 0]], 0.5), threads), 1);
      assert.equal(same('padConstant', () => tf.pad(ints([3, 4], 6), [[1, 2], [2, 1]], -7)), 1);
    });

    it('PadV2: a single element, and a zero-size input padded into a non-empty output', () => {
      assert.equal(same('padConstant', () => tf.pad(floats([1, 1], 7), [[1, 2], [0, 3]], 2.5)), 1);
      assert.equal(same('padConstant', () => tf.pad(floats([1], 7), [[0, 0]], 2.5)), 1);
      assert.equal(same('padConstant', () => tf.pad(floats([0, 3], 7), [[1, 2], [0, 0]], 4)), 1);
      assert.equal(same('padConstant', () => tf.pad(floats([2, 0, 3], 7), [[1, 0], [1, 1], [0, 2]], -3)), 1);
      assert.equal(same('padConstant', () => tf.pad(floats([0, 3], 7), [[0, 0], [1, 1]], 4)), 0);
    });

    it('Concat: along every axis (negative too) with 2 to 5 odd-sized inputs, zero-size ones among them, 1 to 3 threads', () => {
      const base = [3, 5, 4, 2];
      for (let axis = -1; axis < base.length; axis++) {
        const at = axis < 0 ? base.length + axis : axis;
        for (const sizes of [[2, 3], [1, 4, 2], [3, 0, 1, 2, 5]]) {
          const make = () => sizes.map((s, i) => floats(base.map((d, j) => (j === at ? s : d)), i));
          for (const threads of [1, 2, 3]) assert.equal(same('concat', () => tf.concat(make(), axis), threads), 1, `axis ${axis} ${sizes}`);
        }
      }
      // The inception blocks' channel concat, at a size that spans many tasks, and int32.
      const blocks = () => [64, 128, 32, 32].map((c, i) => floats([2, 14, 14, c], i));
      assert.equal(same('concat', () => tf.concat(blocks(), 3), 3), 1);
      assert.equal(same('concat', () => tf.concat([floats([70000], 1), floats([3], 2)], 0), 3), 1);
      assert.equal(same('concat', () => tf.concat([ints([2, 3], 1), ints([2, 5], 2)], 1)), 1);
    });

    it('Concat: single elements, and one non-empty input left to TF.js', () => {
      assert.equal(same('concat', () => tf.concat([floats([1, 1], 1), floats([1, 1], 2), floats([1, 1], 3)], 1)), 1);
      assert.equal(same('concat', () => tf.concat([floats([2, 3], 1), floats([0, 3], 2)], 0)), 0);
    });

    it('gradients through transpose, pad and concat equal TF.js\'s', () => {
      const x = floats([2, 5, 6, 3], 1);
      const loss = (v: tf.Tensor) => {
        const moved = tf.pad(tf.transpose(v, [0, 3, 1, 2]), [[0, 0], [1, 0], [2, 1], [0, 3]], 0.5);
        const joined = tf.concat([moved, tf.sin(moved), tf.mul(moved, 3)], 1);
        return tf.sum(tf.mul(tf.sin(joined), tf.transpose(joined, [0, 1, 3, 2]).reshape(joined.shape)));
      };
      const before = { ...calls };
      same('transpose', () => tf.grad(loss)(x));
      // Forward and backward: transposes both ways, the pad and the pad's gradient slice, the concat.
      assert.ok(calls.transpose - before.transpose >= 4 && calls.padConstant > before.padConstant && calls.concat > before.concat, JSON.stringify(calls));
    });

    it('a call with sizes that do not match throws instead of writing outside an array', () => {
      const f = new Float32Array(6);
      assert.throws(() => binding.transpose(f, Int32Array.of(2, 3), Int32Array.of(0, 0), new Float32Array(6)), /permutation/);
      assert.throws(() => binding.transpose(f, Int32Array.of(2, 3), Int32Array.of(1, 0), new Float32Array(5)), /out size/);
      assert.throws(() => binding.transpose(f, Int32Array.of(2, 3), Int32Array.of(1, 0), new Int32Array(6)), /one type/);
      assert.throws(() => binding.padConstant(f, Int32Array.of(2, 3), Int32Array.of(1, 0), Int32Array.of(0, 0), 0, new Float32Array(6)), /out size/);
      assert.throws(() => binding.padConstant(f, Int32Array.of(2, 3), Int32Array.of(-1, 0), Int32Array.of(0, 0), 0, new Float32Array(3)), /negative/);
      assert.throws(() => binding.concat([f, new Float32Array(5)], 2, new Float32Array(11)), /multiple of outer/);
      assert.throws(() => binding.concat([f, f], 2, new Float32Array(11)), /out size/);
      assert.throws(() => binding.transpose(new Float32Array(1), new Int32Array(9).fill(1), Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8), new Float32Array(1)), /more than 8/);
    });
  });
}
