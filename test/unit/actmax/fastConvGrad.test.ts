// The flipped-kernel Conv2D input gradient used during actmax must equal TF.js's own gradient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../../helpers/backend';
import { disposeFlipCache, withFastConvGrad, type FlipCache } from '../../../src/core/actmax/fastConvGrad';

for (const backend of ['wasm', 'cpu'] as const) {
  test(`fast Conv2D input gradient equals the ordinary one on ${backend} ('same', 'valid', numeric, even and odd kernels)`, async () => {
    await useBackend(backend);
    const cache: FlipCache = new Map();
    const cases: [number, number, 'same' | 'valid' | number][] = [[3, 3, 'same'], [5, 4, 'same'], [3, 2, 'valid'], [5, 5, 1]];
    for (const [kh, kw, pad] of cases) {
      const [fast, slow] = tf.tidy(() => {
        const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
        const w = tf.randomNormal([kh, kw, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
        const f = (t: tf.Tensor) => tf.sum(tf.square(tf.conv2d(t as tf.Tensor4D, w, 1, pad)));
        const ordinary = tf.grad(f)(x);
        const flipped = withFastConvGrad(cache, () => tf.grad(f)(x));
        return [flipped.dataSync(), ordinary.dataSync()];
      });
      const err = Math.max(...fast.map((v, i) => Math.abs(v - slow[i])));
      assert.ok(err < 1e-3, `${kh}×${kw} ${pad}: max difference ${err}`);
    }
    assert.ok(cache.size > 0, 'the flipped kernels were used');
    disposeFlipCache(cache);
    // The registered gradient is restored: outside the wrapper nothing is cached.
    tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.conv2d(t as tf.Tensor4D, tf.ones([3, 3, 1, 1]) as tf.Tensor4D, 1, 'same')))(tf.ones([1, 4, 4, 1])));
    assert.equal(cache.size, 0);
  });
}
