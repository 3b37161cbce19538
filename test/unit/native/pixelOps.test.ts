// The per-pixel kernels of the actmax image path (native/pixelOps.cc) give the bits of what they replace: the small
// matrix product (the colour decorrelation, [N·H·W, 3] × [3, 3], and its gradient's product with the transpose)
// those of the tiled product on this CPU's microkernel (this suite runs again under LAYER_LENS_NATIVE_ISA=avx2 and
// =portable: isaVariants.test.ts); RealDiv by a per-channel vector or a scalar, and the sigmoid's gradient, those of
// TF.js's own kernels on wasm and cpu. Also: a product with a transposed left operand equals the plain product of
// the transposed matrix bit for bit (both pack the same tile).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { nativeBackend, needsNativeKernels, restoreNativeKernels } from '../../helpers/native';
import { installNativeKernels, uninstallNativeKernels } from '../../../src/core/native/installNativeKernels';
import type { NativeKernelsBinding } from '../../../src/core/native/nativeKernelsBinding';
import { DECORRELATE_MATRIX } from '../../../src/core/actmax/color';

function values(n: number, seed: number, scale = 16): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return ((state / 2 ** 32) - 0.5) * scale;
  });
}

/** Bitwise equality of two float arrays, with the first differing index in the message. */
function sameBits(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  const i = a.findIndex((v, k) => v !== b[k]);
  assert.equal(i, -1, `${what}: differs at ${i} (${got[i]} vs ${want[i]})`);
}

describe('native small matrix products (the colour mix) against the tiled product', needsNativeKernels, () => {
  let binding: NativeKernelsBinding;
  before(async () => {
    binding = await nativeBackend('wasm');
  });

  for (const [K, N] of [[3, 3], [1, 1], [2, 4], [4, 3], [4, 4]] as const) {
    it(`${K} → ${N} columns: the same bits as matMul`, () => {
      const rows = 5003;
      const a = values(rows * K, 3 + K, 6);
      // Zeros and negative zeros: a −0 sum must come out +0 as the tiled product's bias add makes it.
      for (let i = 0; i < a.length; i += 97) a[i] = i % 2 === 0 ? 0 : -0;
      const b = values(K * N, 7 + N, 2);
      const want = new Float32Array(rows * N);
      binding.matMul(a, 1, rows, K, false, binding.packFilter(b, K, N), want);
      const got = new Float32Array(rows * N);
      binding.smallMatMul(a, K, b, N, got);
      sameBits(got, want, `${K}×${N}`);
    });
  }

  it('the decorrelation through tf.matMul, plain and with the transposed matrix (its gradient), runs the small kernel with the tiled bits', () => {
    const calls = { small: 0 };
    const all = Object.fromEntries(Object.getOwnPropertyNames(binding).map((k) => [k, (binding as unknown as Record<string, unknown>)[k]]));
    uninstallNativeKernels();
    installNativeKernels({ ...(all as unknown as NativeKernelsBinding), smallMatMul: (...x) => (calls.small++, binding.smallMatMul(...x)) }, 2);
    try {
      const rows = 2 * 64 * 64;
      const px = values(rows * 3, 11, 4);
      const m = Float32Array.from(DECORRELATE_MATRIX);
      const mt = Float32Array.from({ length: 9 }, (_, i) => m[(i % 3) * 3 + Math.floor(i / 3)]!);
      for (const [transposeB, plain] of [[false, m], [true, mt]] as const) {
        const got = tf.tidy(() => tf.matMul(tf.tensor2d(px, [rows, 3]), tf.tensor2d(m, [3, 3]), false, transposeB).dataSync() as Float32Array);
        const want = new Float32Array(rows * 3);
        binding.matMul(px, 1, rows, 3, false, binding.packFilter(plain, 3, 3), want);
        sameBits(got, want, `transposeB ${transposeB}`);
      }
      assert.equal(calls.small, 2);
    } finally {
      restoreNativeKernels(binding);
    }
  });

  it('refuses wrong sizes', () => {
    assert.throws(() => binding.smallMatMul(new Float32Array(9), 5, new Float32Array(25), 5, new Float32Array(9)), /K and N/);
    assert.throws(() => binding.smallMatMul(new Float32Array(10), 3, new Float32Array(9), 3, new Float32Array(9)), /multiple of K/);
    assert.throws(() => binding.smallMatMul(new Float32Array(9), 3, new Float32Array(9), 3, new Float32Array(8)), /out must/);
  });

  it('a transposed left operand gives the plain product of the transposed matrix, bit for bit', () => {
    for (const [batch, M, K, N] of [[3, 113, 448, 40], [2, 29, 70, 33], [1, 12, 5, 3]] as const) {
      const a = values(batch * K * M, 5, 2);
      const at = new Float32Array(a.length);
      for (let i = 0; i < batch; i++) for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) at[i * M * K + m * K + k] = a[i * M * K + k * M + m]!;
      const packed = binding.packFilter(values(K * N, 9, 2), K, N);
      const t = new Float32Array(batch * M * N);
      const p = new Float32Array(batch * M * N);
      binding.matMul(a, batch, M, K, true, packed, t);
      binding.matMul(at, batch, M, K, false, packed, p);
      sameBits(t, p, `${batch}×${M}×${K}×${N}`);
    }
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`native RealDiv and sigmoid gradient on ${backend} against TF.js's kernels`, needsNativeKernels, () => {
    let binding: NativeKernelsBinding;
    const calls = { divide: 0, sigmoidGrad: 0 };

    /** [native result, TF.js result on the same backend] of f. */
    function both(f: () => tf.Tensor): [Float32Array, Float32Array] {
      uninstallNativeKernels();
      const ref = tf.tidy(() => f().dataSync() as Float32Array);
      const all = Object.fromEntries(Object.getOwnPropertyNames(binding).map((k) => [k, (binding as unknown as Record<string, unknown>)[k]]));
      installNativeKernels({
        ...(all as unknown as NativeKernelsBinding),
        channelDivide: (...x) => (calls.divide++, binding.channelDivide(...x)),
        sigmoidGrad: (...x) => (calls.sigmoidGrad++, binding.sigmoidGrad(...x)),
      }, 2);
      return [tf.tidy(() => f().dataSync() as Float32Array), ref];
    }

    before(async () => {
      binding = await nativeBackend(backend);
    });
    after(() => restoreNativeKernels(binding));

    const shape: [number, number, number, number] = [2, 64, 67, 3];
    const x = values(shape.reduce((a, b) => a * b, 1), 21);
    for (const [name, vShape] of [['per channel', [3]], ['per channel, rank 4', [1, 1, 1, 3]], ['scalar', []]] as const) {
      for (const order of ['x / v', 'v / x'] as const) {
        it(`${order} ${name}: the same bits, natively`, () => {
          const v = values(vShape.reduce((a: number, b: number) => a * b, 1), 4, 3);
          v[0] = v[0] === 0 ? 0.7 : v[0]!;
          const before = calls.divide;
          const [got, want] = both(() => {
            const a = tf.tensor(x, shape);
            const b = tf.tensor(v, [...vShape]);
            return order === 'x / v' ? tf.div(a, b) : tf.div(b, a);
          });
          sameBits(got, want, `${order} ${name}`);
          assert.equal(calls.divide, before + 1);
        });
      }
    }

    it('a division of same-shape tensors stays with TF.js', () => {
      const before = calls.divide;
      const [got, want] = both(() => tf.div(tf.tensor(x, shape), tf.add(tf.abs(tf.tensor(x, shape)), 1)));
      sameBits(got, want, 'same shape');
      assert.equal(calls.divide, before);
    });

    it("the sigmoid's gradient (and one through a sum of sigmoids) has TF.js's bits", () => {
      const before = calls.sigmoidGrad;
      const dyValues = values(x.length, 8, 2);
      const [got, want] = both(() => {
        const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(t), tf.tensor(dyValues, shape))));
        return grad(tf.tensor(x, shape));
      });
      sameBits(got, want, 'sigmoid gradient');
      assert.equal(calls.sigmoidGrad, before + 1);
      // Uninstalled, TF.js's own gradient is back.
      uninstallNativeKernels();
      tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.sigmoid(t)))(tf.tensor(x, shape)));
      assert.equal(calls.sigmoidGrad, before + 1);
    });
  });
}
