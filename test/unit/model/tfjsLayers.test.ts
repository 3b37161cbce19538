import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { saveLayersModel, tinyFunctional, tinySequential } from './tinyModels';

const X = Float32Array.from({ length: 36 }, (_, i) => Math.sin(i * 1.7) * 2);

async function loadTiny(): Promise<LoadedModel> {
  return loadModel(await saveLayersModel(tinySequential()));
}

function gradSum(model: LoadedModel, id: string, x: tf.Tensor4D): Float32Array {
  return tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(model.forward(xx as tf.Tensor4D, [id])[0] as tf.Tensor))(x).dataSync() as Float32Array);
}

test('a Sequential model lists its layers with class, shape, params and kernel shape', async () => {
  await useBackend('wasm');
  const model = await loadTiny();
  const rows = model.info.layers.map((l) => [l.id, l.className, l.kind, l.outputShape.join('x'), l.paramCount, l.kernelShape?.join('x') ?? '']);
  assert.deepEqual(rows, [
    ['conv1_input', 'InputLayer', 'input', 'x6x6x1', 0, ''],
    ['conv1', 'Conv2D', 'conv', 'x4x4x2', 20, '3x3x1x2'],
    ['pool', 'MaxPooling2D', 'pool', 'x2x2x2', 0, ''],
    ['flat', 'Flatten', 'reshape', 'x8', 0, ''],
    ['fc', 'Dense', 'dense', 'x3', 27, ''],
    ['fc/logits', 'Logits', 'dense', 'x3', 0, ''],
  ]);
  assert.equal(model.info.format, 'layers');
  assert.equal(model.info.nativeLayout, 'NHWC');
  assert.deepEqual(model.info.inputShape, [null, 6, 6, 1]);
  assert.deepEqual(model.info.outputIds, ['fc']);
  assert.equal(model.info.logitsId, 'fc/logits');
  assert.equal(model.info.paramCount, 47);
  model.dispose();
});

test('forward returns every requested layer from one pass, matching a hand computation', async () => {
  await useBackend('wasm');
  const model = await loadTiny();
  const x = tf.tensor4d(X, [1, 6, 6, 1]);
  const [conv, pool, logits, probs] = model.forward(x, ['conv1', 'pool', 'fc/logits', 'fc']) as tf.Tensor[];
  const c = conv!.dataSync();
  // conv1: filter 0 = centre tap +1 with bias 0.5, filter 1 = centre tap −1; both through relu.
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const centre = X[(i + 1) * 6 + (j + 1)] as number;
      assert.ok(Math.abs((c[(i * 4 + j) * 2] as number) - Math.max(0, centre + 0.5)) < 1e-6);
      assert.ok(Math.abs((c[(i * 4 + j) * 2 + 1] as number) - Math.max(0, -centre)) < 1e-6);
    }
  }
  const p = Array.from(pool!.dataSync());
  const fcK = Float32Array.from({ length: 24 }, (_, i) => ((i % 5) - 2) / 4);
  const bias = [0.1, -0.2, 0.3];
  const expected = bias.map((b, u) => p.reduce((s, v, k) => s + v * (fcK[k * 3 + u] as number), b));
  const l = logits!.dataSync();
  expected.forEach((e, u) => assert.ok(Math.abs((l[u] as number) - e) < 1e-5, `logit ${u}`));
  const z = Math.max(...expected);
  const exps = expected.map((e) => Math.exp(e - z));
  const total = exps.reduce((a, b) => a + b, 0);
  const pr = probs!.dataSync();
  exps.forEach((e, u) => assert.ok(Math.abs((pr[u] as number) - e / total) < 1e-6, `prob ${u}`));
  tf.dispose([x, conv!, pool!, logits!, probs!]);
  model.dispose();
});

for (const backend of ['wasm', 'cpu'] as const) {
  test(`tf.grad w.r.t. the input is finite and nonzero on ${backend} (linear conv, relu conv, logits)`, async () => {
    await useBackend(backend);
    const seq = await loadTiny();
    const x = tf.tensor4d(X, [1, 6, 6, 1]);
    const g = gradSum(seq, 'fc/logits', x);
    assert.ok(g.every(Number.isFinite));
    assert.ok(g.some((v) => v !== 0));
    // The functional model's convA has a linear activation: the fused-gradient trap, which throws on wasm.
    const fun = await loadModel(await saveLayersModel(tinyFunctional()));
    const x3 = tf.randomNormal([1, 5, 5, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const g3 = gradSum(fun, 'sum', x3);
    assert.ok(g3.every(Number.isFinite) && g3.some((v) => v !== 0));
    tf.dispose([x, x3]);
    seq.dispose();
    fun.dispose();
  });
}

test('a functional model lists branches, depthwise kernels and matches predict()', async () => {
  await useBackend('cpu');
  const keras = tinyFunctional();
  const model = await loadModel(await saveLayersModel(keras));
  assert.deepEqual(model.info.layers.map((l) => l.id), ['image', 'convA', 'convB', 'sum', 'dw', 'gap', 'logits']);
  const dw = model.info.layers.find((l) => l.id === 'dw');
  assert.deepEqual(dw?.kernelShape, [3, 3, 4, 2]);
  assert.equal(dw?.kind, 'depthwiseConv');
  assert.equal(dw?.paramCount, 3 * 3 * 4 * 2 + 8);
  assert.equal(model.info.logitsId, 'logits');
  const x = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const [ours] = model.forward(x, ['logits']) as tf.Tensor[];
  const ref = keras.predict(x) as tf.Tensor;
  const diff = tf.max(tf.abs(tf.sub(ours!, ref))).dataSync()[0] as number;
  assert.ok(diff < 1e-5, `max diff ${diff}`);
  tf.dispose([x, ours!, ref]);
  model.dispose();
});

test('kernel() gives HWIO weights of conv layers and null elsewhere', async () => {
  await useBackend('wasm');
  const model = await loadTiny();
  const k = model.kernel('conv1');
  assert.ok(k);
  assert.deepEqual(k.shape, [3, 3, 1, 2]);
  const data = Array.from(k.dataSync());
  assert.equal(data[(1 * 3 + 1) * 2], 1);
  assert.equal(data[(1 * 3 + 1) * 2 + 1], -1);
  assert.equal(data.reduce((s, v) => s + Math.abs(v), 0), 2);
  k.dispose();
  assert.equal(model.kernel('pool'), null);
  assert.equal(model.kernel('fc'), null);
  model.dispose();
});

test('repeated forward and grad calls leave no tensors behind', async () => {
  await useBackend('wasm');
  const model = await loadTiny();
  const x = tf.tensor4d(X, [1, 6, 6, 1]);
  const run = (): void => {
    tf.dispose(model.forward(x, ['conv1', 'fc/logits', 'fc', 'conv1_input']));
    gradSum(model, 'conv1', x);
  };
  run();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) run();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  model.dispose();
});

test('forward names an unknown layer id in its error', async () => {
  await useBackend('cpu');
  const model = await loadTiny();
  const x = tf.zeros([1, 6, 6, 1]) as tf.Tensor4D;
  assert.throws(() => model.forward(x, ['nope']), (e: Error & { code?: string }) => e.code === 'badArgument' && e.message.includes('nope'));
  x.dispose();
  model.dispose();
});
