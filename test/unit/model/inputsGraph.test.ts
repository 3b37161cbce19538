// GraphModels whose input is not the core's NHWC float image: channels-first (NCHW ops, or an NCHW input the graph
// transposes itself) and integer pixels; listing, forward against plain NHWC tf ops, feature maps, actmax.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { renderActmax } from '../../../src/core/actmax';
import { resolveInputSpec } from '../../../src/core/preprocess';
import { maxDiff, writeIntInputGraph, writeNchwGraph, writeNchwOpsGraph, writeTransposingGraph } from './inputsModels';

before(async () => {
  await useBackend('wasm');
});

const shapes = (layers: { id: string; outputShape: (number | null)[] }[]): Record<string, string> =>
  Object.fromEntries(layers.map((l) => [l.id, l.outputShape.map((d) => d ?? '?').join('x')]));

function image(h: number, w: number, c: number, scale = 1): tf.Tensor4D {
  return tf.tidy(() => tf.mul(tf.sin(tf.range(0, h * w * c).reshape([1, h, w, c])), scale)) as tf.Tensor4D;
}

test('an NCHW graph is listed and run in NHWC: shapes, kernel, forward equal to NHWC ops', async () => {
  const { path, weights } = writeNchwGraph();
  const model = await loadModel(path);
  assert.deepEqual(model.info.inputShape, [null, 8, 8, 3]);
  assert.equal(model.info.nativeLayout, 'NCHW');
  assert.deepEqual(shapes(model.info.layers), { x: '?x8x8x3', conv: '?x8x8x4', bias: '?x8x8x4', relu: '?x8x8x4', pool: '?x4x4x4', gap: '?x4', logits: '?x2' });
  assert.match(model.info.layers[0]?.note ?? '', /channels-first \(NCHW\) input/);
  const conv = model.info.layers.find((l) => l.id === 'conv');
  assert.equal(conv?.className, 'Conv2D');
  assert.equal(conv?.kind, 'conv');
  assert.deepEqual(conv?.kernelShape, [3, 3, 3, 4]);
  assert.equal(conv?.paramCount, 108);
  const k = model.kernel('conv') as tf.Tensor4D;
  assert.equal(maxDiff(k, weights.filter), 0);

  const x = image(8, 8, 3);
  const got = model.forward(x, ['x', 'conv', 'bias', 'relu', 'pool', 'logits']);
  const ref = tf.tidy(() => {
    const c = tf.conv2d(x, weights.filter, 1, 'same');
    const b = tf.add(c, weights.bias);
    const r = tf.relu(b);
    const p = tf.maxPool(r as tf.Tensor4D, 2, 2, 'valid');
    return [x, c, b, r, p, tf.matMul(tf.mean(p, [1, 2]) as tf.Tensor2D, weights.dense)];
  });
  got.forEach((t, i) => {
    assert.deepEqual(t.shape, (ref[i] as tf.Tensor).shape, `output ${i} is NHWC`);
    assert.ok(maxDiff(t, ref[i] as tf.Tensor) <= 1e-6, `output ${i}: ${maxDiff(t, ref[i] as tf.Tensor)}`);
  });
  tf.dispose([...got, ...ref, x, k]);
  model.dispose();
});

test('an NCHW input transposed by the graph itself: the layers before the transpose come back NHWC too', async () => {
  const { path, weights } = writeTransposingGraph();
  const model = await loadModel(path);
  assert.deepEqual(model.info.inputShape, [null, 8, 8, 3]);
  assert.deepEqual(shapes(model.info.layers), { x: '?x8x8x3', scaled: '?x8x8x3', nhwc: '?x8x8x3', conv: '?x8x8x4', relu: '?x8x8x4' });
  const x = image(8, 8, 3);
  const [scaled, conv] = model.forward(x, ['scaled', 'conv']) as tf.Tensor[];
  const twice = tf.mul(x, 2);
  const ref = tf.conv2d(twice as tf.Tensor4D, weights.filter, 1, 'same');
  assert.ok(maxDiff(scaled as tf.Tensor, twice) <= 1e-6);
  assert.ok(maxDiff(conv as tf.Tensor, ref) <= 1e-6);
  tf.dispose([x, scaled as tf.Tensor, conv as tf.Tensor, twice, ref]);
  model.dispose();
});

test('actmax on an NCHW graph: 8 steps raise the objective, the gradient passes the boundary transposes', async () => {
  const { path } = writeNchwGraph();
  const model = await loadModel(path);
  const result = await renderActmax(model, { layerId: 'bias', units: [1], preset: 'trial1-naive', overrides: { steps: 8, seed: 3 } });
  const h = result.objectiveHistory[0] as Float32Array;
  assert.ok((h[7] as number) > (h[0] as number), `objective ${h[0]} → ${h[7]}`);
  model.dispose();
});

for (const dtype of ['DT_INT32', 'DT_UINT8'] as const) {
  test(`an input of type ${dtype} is fed rounded pixels${dtype === 'DT_UINT8' ? ' clipped to 0..255' : ''}; its default spec keeps 0..255`, async () => {
    const { path, weights } = writeIntInputGraph(dtype);
    const model = await loadModel(path);
    assert.equal(model.info.inputDtype, dtype === 'DT_INT32' ? 'int32' : 'uint8');
    assert.match(model.info.layers[0]?.note ?? '', /rounds 0\.\.255 values/);
    assert.deepEqual(shapes(model.info.layers).conv, '?x6x6x4');
    const spec = resolveInputSpec(model.info);
    assert.equal(spec.scale, 1);
    const x = image(6, 6, 3, 300);
    const [conv, logits] = model.forward(x, ['conv', 'logits']) as tf.Tensor[];
    const ref = tf.tidy(() => {
      let pixels = tf.round(x);
      if (dtype === 'DT_UINT8') pixels = tf.clipByValue(pixels, 0, 255);
      const c = tf.conv2d(tf.mul(pixels, 1 / 255) as tf.Tensor4D, weights.filter, 1, 'same');
      const gap = tf.mean(tf.relu(tf.add(c, weights.bias)), [1, 2]) as tf.Tensor2D;
      return [c, tf.matMul(gap, weights.dense)];
    });
    assert.ok(maxDiff(conv as tf.Tensor, ref[0] as tf.Tensor) <= 1e-6, `conv ${maxDiff(conv as tf.Tensor, ref[0] as tf.Tensor)}`);
    assert.ok(maxDiff(logits as tf.Tensor, ref[1] as tf.Tensor) <= 1e-6);
    tf.dispose([x, conv as tf.Tensor, logits as tf.Tensor, ...ref]);
    model.dispose();
  });
}

test('actmax through an int32 input: the straight-through cast passes the gradient and 8 steps raise the objective', async () => {
  const { path } = writeIntInputGraph('DT_INT32');
  const model = await loadModel(path);
  const before = tf.memory().numTensors;
  const result = await renderActmax(model, { layerId: 'logits', units: [0], preset: 'trial1-naive', overrides: { steps: 8, seed: 1 } });
  const h = result.objectiveHistory[0] as Float32Array;
  assert.ok((h[7] as number) > (h[0] as number), `objective ${h[0]} → ${h[7]}`);
  assert.equal(tf.memory().numTensors, before);
  const grad = tf.grad((x: tf.Tensor) => tf.sum((model.forward(x as tf.Tensor4D, ['logits']) as tf.Tensor[])[0] as tf.Tensor))(image(6, 6, 3, 100));
  assert.ok(tf.max(tf.abs(grad)).dataSync()[0] as number > 0, 'the input gradient is not zero');
  grad.dispose();
  model.dispose();
});

test('NCHW fused conv, depthwise conv, batch norm, channel concat and average pool equal their NHWC twins; gradient too', async () => {
  const { path, w } = writeNchwOpsGraph();
  const model = await loadModel(path);
  assert.deepEqual(shapes(model.info.layers), { x: '?x8x8x3', fconv: '?x8x8x4', dw: '?x8x8x4', bn: '?x8x8x4', cat: '?x8x8x8', avg: '?x4x4x8' });
  assert.deepEqual(model.info.layers.map((l) => l.className), ['Placeholder', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedBatchNormV3', 'ConcatV2', 'AvgPool']);
  assert.deepEqual(model.info.layers.find((l) => l.id === 'dw')?.kernelShape, [3, 3, 4, 1]);
  const reference = (x: tf.Tensor4D): tf.Tensor[] => {
    const f = tf.relu(tf.add(tf.conv2d(x, w.filter as tf.Tensor4D, 1, 'same'), w.bias as tf.Tensor));
    const d = tf.depthwiseConv2d(f as tf.Tensor4D, w.dwFilter as tf.Tensor4D, 1, 'same');
    const b = tf.batchNorm(d, w.mean as tf.Tensor1D, w.variance as tf.Tensor1D, w.offset as tf.Tensor1D, w.scale as tf.Tensor1D, 0.001);
    const c = tf.concat([b, f], 3);
    return [f, d, b, c, tf.avgPool(c as tf.Tensor4D, 2, 2, 'valid')];
  };
  const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 13) as tf.Tensor4D;
  const got = model.forward(x, ['fconv', 'dw', 'bn', 'cat', 'avg']);
  const ref = tf.tidy(() => reference(x));
  got.forEach((t, i) => assert.ok(maxDiff(t, ref[i] as tf.Tensor) <= 1e-5, `output ${i}: ${maxDiff(t, ref[i] as tf.Tensor)}`));
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square((model.forward(v as tf.Tensor4D, ['avg']) as tf.Tensor[])[0] as tf.Tensor)))(x);
  const gRef = tf.grad((v: tf.Tensor) => tf.sum(tf.square(reference(v as tf.Tensor4D)[4] as tf.Tensor)))(x);
  assert.ok(maxDiff(g, gRef) <= 1e-4, `input gradient ${maxDiff(g, gRef)}`);
  tf.dispose([...got, ...ref, x, g, gRef, ...Object.values(w)]);
  model.dispose();
});
