// A channels-first Keras model (dataFormat channelsFirst, input [3, 8, 8]) is listed and run in NHWC.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { renderActmax } from '../../../src/core/actmax';
import { maxDiff, writeChannelsFirstLayers } from './inputsModels';

before(async () => {
  await useBackend('wasm');
});

test('a channels-first Layers model: NHWC shapes, forward equal to NHWC ops and to its own predict()', async () => {
  const { path, model: keras } = await writeChannelsFirstLayers();
  const model = await loadModel(path);
  assert.deepEqual(model.info.inputShape, [null, 8, 8, 3]);
  assert.equal(model.info.nativeLayout, 'NCHW');
  assert.match(model.info.layers[0]?.note ?? '', /channels-first \(NCHW\) input/);
  const rows = Object.fromEntries(model.info.layers.map((l) => [l.id, l.outputShape.map((d) => d ?? '?').join('x')]));
  assert.deepEqual(rows, { image: '?x8x8x3', conv: '?x8x8x4', pool: '?x4x4x4', gap: '?x4', logits: '?x2' });
  const [filter, bias, dense, denseBias] = keras.getWeights() as [tf.Tensor4D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
  const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 9) as tf.Tensor4D;
  const got = model.forward(x, ['image', 'conv', 'pool', 'logits']);
  const ref = tf.tidy(() => {
    const c = tf.relu(tf.add(tf.conv2d(x, filter, 1, 'same'), bias));
    const p = tf.maxPool(c as tf.Tensor4D, 2, 2, 'valid');
    return [x, c, p, tf.add(tf.matMul(tf.mean(p, [1, 2]) as tf.Tensor2D, dense), denseBias)];
  });
  got.forEach((t, i) => {
    assert.deepEqual(t.shape, (ref[i] as tf.Tensor).shape, `output ${i} is NHWC`);
    assert.ok(maxDiff(t, ref[i] as tf.Tensor) <= 1e-6, `output ${i}: ${maxDiff(t, ref[i] as tf.Tensor)}`);
  });
  const predicted = keras.predict(tf.transpose(x, [0, 3, 1, 2])) as tf.Tensor;
  assert.ok(maxDiff(predicted, got[3] as tf.Tensor) <= 1e-6);
  tf.dispose([...got, ...ref, x, predicted]);
  model.dispose();
});

test('actmax on a channels-first Layers model: 8 steps raise the objective', async () => {
  const { path } = await writeChannelsFirstLayers();
  const model = await loadModel(path);
  const result = await renderActmax(model, { layerId: 'logits', units: [1], preset: 'trial1-naive', overrides: { steps: 8, seed: 4 } });
  const h = result.objectiveHistory[0] as Float32Array;
  assert.ok((h[7] as number) > (h[0] as number), `objective ${h[0]} → ${h[7]}`);
  model.dispose();
});
