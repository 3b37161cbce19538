import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { writeGraphModel } from './tinyModels';

const X = Float32Array.from({ length: 16 }, (_, i) => Math.cos(i * 0.9));

test('a GraphModel lists nodes in order, grouped by name scope, with kernel shapes and params', async () => {
  await useBackend('wasm');
  const { path } = writeGraphModel();
  const model = await loadModel(path);
  const rows = model.info.layers.map((l) => [l.id, l.className, l.kind, l.parent ?? '', l.outputShape.join('x'), l.paramCount]);
  assert.deepEqual(rows, [
    ['x', 'Placeholder', 'input', '', 'x4x4x1', 0],
    ['block', 'Module', 'module', '', 'x2x2x2', 20],
    ['block/conv', 'Module', 'module', 'block', 'x2x2x2', 20],
    ['block/conv/Conv2D', '_FusedConv2D', 'conv', 'block/conv', 'x2x2x2', 20],
    ['block/relu', 'Relu', 'activation', 'block', 'x2x2x2', 0],
    ['head', 'Module', 'module', '', 'x2', 16],
    ['head/flat', 'Reshape', 'reshape', 'head', 'x8', 0],
    ['head/dense', 'Module', 'module', 'head', 'x2', 16],
    ['head/dense/MatMul', 'MatMul', 'dense', 'head/dense', 'x2', 16],
    ['head/softmax', 'Softmax', 'activation', 'head', 'x2', 0],
  ]);
  assert.deepEqual(model.info.layers[3]?.kernelShape, [3, 3, 1, 2]);
  assert.equal(model.info.format, 'graph');
  assert.deepEqual(model.info.outputIds, ['head/softmax']);
  assert.equal(model.info.logitsId, 'head/dense/MatMul');
  assert.equal(model.info.paramCount, 36);
  model.dispose();
});

test('GraphModel forward matches a hand computation; a module returns its last node; kernel is HWIO', async () => {
  await useBackend('wasm');
  const { path, conv, bias, dense } = writeGraphModel();
  const model = await loadModel(path);
  const x = tf.tensor4d(X, [1, 4, 4, 1]);
  const [c, block, logits] = model.forward(x, ['block/conv/Conv2D', 'block', 'head/dense/MatMul']) as tf.Tensor[];
  const expected = new Float32Array(8);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      for (let f = 0; f < 2; f++) {
        let s = bias[f] as number;
        for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) s += (X[(i + dy) * 4 + j + dx] as number) * (conv[(dy * 3 + dx) * 2 + f] as number);
        expected[(i * 2 + j) * 2 + f] = s;
      }
    }
  }
  const got = c!.dataSync();
  expected.forEach((e, k) => assert.ok(Math.abs((got[k] as number) - e) < 1e-5, `conv ${k}`));
  const relu = expected.map((v) => Math.max(0, v));
  const b = block!.dataSync();
  relu.forEach((e, k) => assert.ok(Math.abs((b[k] as number) - e) < 1e-5, `relu ${k}`));
  const l = logits!.dataSync();
  for (let u = 0; u < 2; u++) {
    const e = relu.reduce((s, v, k) => s + v * (dense[k * 2 + u] as number), 0);
    assert.ok(Math.abs((l[u] as number) - e) < 1e-5, `logit ${u}`);
  }
  const k = model.kernel('block/conv/Conv2D');
  assert.deepEqual(Array.from(k!.dataSync()), Array.from(conv));
  assert.equal(model.kernel('block/relu'), null);
  tf.dispose([x, c!, block!, logits!, k!]);
  model.dispose();
});

for (const backend of ['wasm', 'cpu'] as const) {
  test(`GraphModel: tf.grad w.r.t. the input is finite and nonzero on ${backend}, without leaking tensors`, async () => {
    await useBackend(backend);
    const model = await loadModel(writeGraphModel().path);
    const x = tf.tensor4d(X, [1, 4, 4, 1]);
    const grad = (): Float32Array =>
      tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(model.forward(xx as tf.Tensor4D, ['head/dense/MatMul'])[0] as tf.Tensor))(x).dataSync() as Float32Array);
    const g = grad();
    assert.ok(g.every(Number.isFinite) && g.some((v) => v !== 0));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      grad();
      tf.dispose(model.forward(x, ['x', 'block', 'head/softmax']));
    }
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    model.dispose();
  });
}
