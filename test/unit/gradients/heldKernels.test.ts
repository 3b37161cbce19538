// The flipped kernels an input gradient makes are held while gradients run and freed after: a Layers model holds
// 1× its weights once its gradients stop (it held a second, flipped copy of every conv kernel for its life), and
// the held kernels go with the model. Asserted on tf.memory() bytes, which the engine reports.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { IDLE_MS, heldGradientKernelBytes } from '../../../src/core/gradients/heldKernels';
import { BACKENDS, seededTensor } from './gradCheck';
import { lastLayerId, openLayersModel } from './memoryModel';

function convNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [12, 12, 3] });
  let y = tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  y = tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.conv2d({ filters: 8, kernelSize: 1 }).apply(y) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: y });
  model.setWeights(model.weights.map((w, i) => seededTensor(w.shape as number[], 40 + i)));
  return model;
}

for (const backend of BACKENDS) {
  describe(`held gradient kernels on ${backend.name}`, { skip: backend.skip }, () => {
    before(() => backend.start());
    it('a Layers model holds 1× its weights once its gradients stop, and nothing after its dispose', async () => {
      const keras = convNet();
      const start = tf.memory().numBytes;
      const model = await openLayersModel(keras);
      const weights = tf.memory().numBytes - start;
      const x = seededTensor([1, 12, 12, 3], 3);
      const id = lastLayerId(model);
      const grad = tf.grad((v: tf.Tensor) => tf.sum(model.forward(v as tf.Tensor4D, [id])[0] as tf.Tensor));
      for (let i = 0; i < 3; i++) tf.tidy(() => grad(x).dataSync());
      const during = tf.memory().numBytes - start - x.size * 4;
      assert.ok(during <= weights + heldGradientKernelBytes(), `${during} bytes during gradients: more than the weights (${weights}) and the held kernels`);
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS + 300));
      assert.equal(heldGradientKernelBytes(), 0, 'held kernels left after the gradients stopped');
      assert.equal(tf.memory().numBytes - start - x.size * 4, weights, 'the model holds more than its weights after its gradients');
      tf.tidy(() => grad(x).dataSync());
      model.dispose();
      x.dispose();
      assert.equal(heldGradientKernelBytes(), 0, 'held kernels left after the model was disposed');
      assert.equal(tf.memory().numBytes, start);
      keras.dispose();
    });
  });
}
