// Identity on wasm shares memory (the tape clones every input a gradient keeps): a clone costs no copy, and
// the values outlive the original's disposal.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';

describe('wasm Identity', () => {
  before(() => useBackend('wasm'));
  it('a clone shares the memory and keeps the values after the original is disposed', () => {
    const a = tf.tensor([1, 2, 3, 4], [2, 2]);
    const buffers = tf.memory().numDataBuffers;
    const b = tf.clone(a);
    assert.equal(b.dataId, a.dataId, 'the clone has memory of its own');
    assert.equal(tf.memory().numDataBuffers, buffers, 'the clone allocated a buffer');
    a.dispose();
    assert.deepEqual(Array.from(b.dataSync()), [1, 2, 3, 4]);
    const c = tf.add(b, 1);
    assert.deepEqual(Array.from(c.dataSync()), [2, 3, 4, 5]);
    tf.dispose([b, c]);
  });
});
