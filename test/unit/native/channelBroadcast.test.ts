// The native elementwise kernels (native/channelBroadcast.cc) against TF.js's cpu kernels, on wasm and cpu: Add,
// Multiply and Sub of a tensor with a per-channel vector or a scalar in either order, ClipByValue and Relu6 (NaN
// kept); same-shape and small calls stay with TF.js's kernels.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { nativeBackend, needsNativeKernels, restoreNativeKernels } from '../../helpers/native';
import { installNativeKernels, uninstallNativeKernels } from '../../../src/core/native/installNativeKernels';
import type { NativeKernelsBinding } from '../../../src/core/native/nativeKernelsBinding';

function values(n: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return (state / 2 ** 32) * 16 - 8;
  });
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`native channel broadcasts and clips on ${backend}`, needsNativeKernels, () => {
    let binding: NativeKernelsBinding;
    const calls = { broadcast: 0, clamp: 0 };

    /** [native result, TF.js cpu result] of f on tensors made from the same arrays. */
    async function both(f: () => tf.Tensor): Promise<[Float32Array, Float32Array]> {
      uninstallNativeKernels();
      await tf.setBackend('cpu');
      const ref = tf.tidy(f);
      const refValues = ref.dataSync() as Float32Array;
      ref.dispose();
      installNativeKernels(counting(), 2);
      await tf.setBackend(backend);
      const got = tf.tidy(f);
      const gotValues = got.dataSync() as Float32Array;
      got.dispose();
      return [gotValues, refValues];
    }

    function counting(): NativeKernelsBinding {
      const all = Object.fromEntries(Object.getOwnPropertyNames(binding).map((k) => [k, (binding as unknown as Record<string, unknown>)[k]]));
      return {
        ...(all as unknown as NativeKernelsBinding),
        channelBroadcast: (...a) => (calls.broadcast++, binding.channelBroadcast(...a)),
        clamp: (...a) => (calls.clamp++, binding.clamp(...a)),
      };
    }

    before(async () => {
      binding = await nativeBackend(backend);
    });
    after(() => restoreNativeKernels(binding));

    const full: [number, number, number, number] = [2, 9, 11, 150];
    const x = values(full.reduce((a, b) => a * b, 1), 1);
    for (const [name, vShape] of [['per channel', [150]], ['per channel, rank 4', [1, 1, 1, 150]], ['scalar', []]] as const) {
      for (const op of ['add', 'mul', 'sub'] as const) {
        for (const order of ['tensor first', 'vector first'] as const) {
          it(`${op} ${name}, ${order}: equal to TF.js's, natively`, async () => {
            const v = values(vShape.reduce((a: number, b: number) => a * b, 1), 2);
            const before = calls.broadcast;
            const [got, ref] = await both(() => {
              const [a, b] = [tf.tensor(x, full), tf.tensor(v, [...vShape])];
              return order === 'tensor first' ? tf[op](a, b) : tf[op](b, a);
            });
            assert.deepEqual(Array.from(got), Array.from(ref));
            assert.equal(calls.broadcast - before, 1);
          });
        }
      }
    }

    it('ClipByValue and Relu6: equal to TF.js\'s, NaN kept, natively', async () => {
      const withNaN = x.slice();
      withNaN[7] = NaN;
      const before = calls.clamp;
      for (const f of [() => tf.clipByValue(tf.tensor(withNaN, full), -1.5, 2.25), () => tf.relu6(tf.tensor(withNaN, full))]) {
        const [got, ref] = await both(f);
        assert.ok(Number.isNaN(got[7]) && Number.isNaN(ref[7]));
        got[7] = ref[7] = 0;
        assert.deepEqual(Array.from(got), Array.from(ref));
      }
      assert.equal(calls.clamp - before, 2);
    });

    it('same-shape and small calls run TF.js\'s kernels', async () => {
      const before = { ...calls };
      const [got, ref] = await both(() => tf.add(tf.tensor(x, full), tf.tensor(x, full)));
      assert.deepEqual(Array.from(got), Array.from(ref));
      await both(() => tf.mul(tf.tensor(x.subarray(0, 300), [2, 150]), tf.tensor(x.subarray(0, 150), [150])));
      await both(() => tf.relu6(tf.tensor(x.subarray(0, 300), [2, 150])));
      assert.deepEqual(calls, before);
    });

    it('wrong sizes throw', () => {
      assert.throws(() => binding.channelBroadcast(new Float32Array(10), new Float32Array(3), new Float32Array(10), 0), /multiple/);
      assert.throws(() => binding.channelBroadcast(new Float32Array(9), new Float32Array(3), new Float32Array(8), 0), /out size/);
      assert.throws(() => binding.channelBroadcast(new Float32Array(9), new Float32Array(3), new Float32Array(9), 4), /op must be/);
      assert.throws(() => binding.clamp(new Float32Array(9), new Float32Array(8), 0, 1), /out size/);
    });
  });
}
