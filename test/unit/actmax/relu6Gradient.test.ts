// The arithmetic ReLU6 gradient equals TF.js's stock one (dy where 0 < x <= 6) on both backends, at the
// boundaries 0 and 6 too.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { relu6Mask } from '../../../src/core/actmax/relu6Gradient';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`ReLU6 gradient on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
    });

    it('passes dy exactly where 0 < x <= 6, and zero elsewhere', () => {
      const values = [-3, -1e-7, 0, 1e-7, 2.5, 5.999, 6, 6.0001, 9, NaN];
      const x = tf.tensor1d(values);
      const dy = tf.tensor1d(values.map((_, i) => i + 1));
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu6(t), dy)))(x).arraySync() as number[];
      const expected = values.map((v, i) => (v > 0 && v <= 6 ? i + 1 : 0));
      assert.deepEqual(g.slice(0, 9), expected.slice(0, 9));
      assert.deepEqual(Array.from(relu6Mask(x).dataSync()).slice(0, 9), values.slice(0, 9).map((v) => (v > 0 && v <= 6 ? 1 : 0)));
      tf.dispose([x, dy]);
    });
  });
}
