import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { sampleModelDir } from '../../helpers/paths';
import { loadModel } from '../../../src/core/node/loadModelFile';

const path = join(sampleModelDir, 'model.json');

test('the shipped MNIST CNN loads and lists conv1, conv2 and fc', { skip: !existsSync(path) && 'models/mnist-cnn is not trained yet' }, async () => {
  await useBackend('wasm');
  const model = await loadModel(path);
  const byId = new Map(model.info.layers.map((l) => [l.id, l]));
  assert.deepEqual(byId.get('conv1')?.kernelShape?.slice(0, 2).concat(byId.get('conv1')?.kernelShape?.[3] ?? []), [3, 3, 16]);
  assert.deepEqual(byId.get('conv2')?.kernelShape, [3, 3, 16, 32]);
  assert.equal(byId.get('fc')?.className, 'Dense');
  assert.deepEqual(byId.get('fc')?.outputShape, [null, 10]);
  assert.ok(model.info.logitsId === 'fc' || model.info.logitsId === 'fc/logits');
  const x = tf.zeros([1, ...(model.info.inputShape.slice(1) as number[])] as [number, number, number, number]);
  const [logits] = model.forward(x as tf.Tensor4D, [model.info.logitsId as string]) as tf.Tensor[];
  assert.deepEqual(logits!.shape, [1, 10]);
  tf.dispose([x, logits!]);
  model.dispose();
});
