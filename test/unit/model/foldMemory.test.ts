// A Layers model whose BatchNormalization is folded into the convs holds its weights once (the folded kernel in the
// layer's own variable), shows the kernels as trained, and leaks no tensor over repeated passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../helpers/backend';
import { wrapLayersModel } from '../../../src/core/model/tfjsLayersModel';
import type { LoadedModel } from '../../../src/core/model/loadedModel';

type Sym = tfl.SymbolicTensor;
const ap = (layer: { apply(x: Sym | Sym[]): unknown }, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;

/**
 * conv 3×3 (no bias) → BN → ReLU6 → depthwise 3×3 ×2 → BN → conv 1×1 → BN → ReLU → pool → Dense → BN → Dense softmax:
 * kernels much larger than the per-channel vectors, every linear layer folded. Random weights and BN statistics;
 * `zeroGamma` sets the first channel's gamma of bn2 to 0 (a pruned channel: its k is 0).
 */
function model(zeroGamma = false): tfl.LayersModel {
  const x = tfl.input({ shape: [10, 10, 32], name: 'image' });
  const bn = (name: string, t: Sym) => ap(tfl.layers.batchNormalization({ name, epsilon: 1e-3 }), t);
  let y = ap(tfl.layers.conv2d({ name: 'conv1', filters: 64, kernelSize: 3, padding: 'same', useBias: false }), x);
  y = ap(tfl.layers.reLU({ name: 'relu1', maxValue: 6 }), bn('bn1', y));
  y = bn('bn2', ap(tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same' }), y));
  y = ap(tfl.layers.activation({ name: 'relu3', activation: 'relu' }), bn('bn3', ap(tfl.layers.conv2d({ name: 'conv3', filters: 128, kernelSize: 1 }), y)));
  y = ap(tfl.layers.globalAveragePooling2d({ name: 'pool' }), y);
  y = bn('bn4', ap(tfl.layers.dense({ name: 'fc1', units: 64 }), y));
  y = ap(tfl.layers.dense({ name: 'fc2', units: 10, activation: 'softmax' }), y);
  const m = tfl.model({ inputs: x, outputs: y });
  let seed = 11;
  for (const layer of m.layers) {
    const isBn = layer.getClassName() === 'BatchNormalization';
    const values = layer.getWeights().map((w, i) => tf.tidy(() => {
      if (isBn && i === 3) return tf.randomUniform(w.shape, 0.2, 2, 'float32', seed++);
      const v = tf.mul(tf.randomUniform(w.shape, -1, 1, 'float32', seed++), isBn ? 1 : 0.3);
      return zeroGamma && layer.name === 'bn2' && i === 0 ? tf.mul(v, tf.sub(1, tf.reshape(tf.oneHot([0], w.shape[0] as number), [-1]))) : v;
    }));
    layer.setWeights(values);
    tf.dispose(values);
  }
  return m;
}

const weightBytes = (m: tfl.LayersModel) => m.weights.reduce((sum, w) => sum + 4 * w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
const IDS = ['conv1', 'bn1', 'relu1', 'dw', 'bn2', 'conv3', 'relu3', 'fc1', 'bn4', 'fc2/logits', 'fc2'];

/** Largest |a − b| / |b| over the elements (0 / 0 counts as 0), and whether every element is bit for bit equal. */
function elementwise(a: tf.Tensor, b: tf.Tensor): { rel: number; equal: boolean } {
  const [x, y] = [a.dataSync(), b.dataSync()];
  let rel = 0;
  let equal = x.length === y.length;
  for (let i = 0; i < y.length; i++) {
    const d = Math.abs((x[i] as number) - (y[i] as number));
    if (d !== 0) equal = false;
    rel = Math.max(rel, d === 0 ? 0 : d / Math.abs(y[i] as number));
  }
  return { rel, equal };
}

test('a folded model holds its weights once: tensor bytes after loading are the weights, not twice them', async () => {
  await useBackend('wasm');
  const before = tf.memory();
  const keras = model();
  const weights = weightBytes(keras);
  const model1 = wrapLayersModel(keras, 'folded.json', 'folded');
  const loaded = tf.memory();
  // Beyond the weights: the folded biases and BN scales, a few hundred floats.
  const ratio = (loaded.numBytes - before.numBytes) / weights;
  assert.ok(ratio > 0.99 && ratio < 1.02, `tensor bytes after loading are ${ratio.toFixed(3)}× the weights (${weights} bytes)`);
  model1.dispose();
  assert.equal(tf.memory().numTensors, before.numTensors, 'tensors left after dispose');
  assert.equal(tf.memory().numBytes, before.numBytes, 'bytes left after dispose');
});

test('the kernels read from a folded model are the kernels as trained (to float32 rounding of a product and a quotient)', async () => {
  await useBackend('wasm');
  const folded = wrapLayersModel(model(), 'folded.json', 'folded');
  const reference = wrapLayersModel(model(), 'reference.json', 'reference', {}, { fold: false });
  try {
    for (const id of ['conv1', 'dw', 'conv3']) {
      const [a, b] = [folded.kernel(id) as tf.Tensor4D, reference.kernel(id) as tf.Tensor4D];
      assert.deepEqual(a.shape, b.shape);
      const { rel } = elementwise(a, b);
      // fl(fl(w·k) / k) = w (1 + d1)(1 + d2), |d| <= 2^-24.
      assert.ok(rel <= 2 ** -23 + 2 ** -47, `${id}: a kernel weight is ${rel} (relative) from the trained one`);
      // The folded kernel (times k, here 0.2-4) would be far off.
      tf.dispose([a, b]);
    }
  } finally {
    folded.dispose();
    reference.dispose();
  }
});

test('a BN with a zero gamma keeps its conv\'s trained kernel (bit for bit); outputs still equal the layer-by-layer path', async () => {
  await useBackend('wasm');
  const before = tf.memory();
  const keras = model(true);
  const extra = 4 * 3 * 3 * 64 * 2; // dw's folded kernel, beside the trained one
  const weights = weightBytes(keras);
  const folded = wrapLayersModel(keras, 'folded.json', 'folded');
  const ratio = (tf.memory().numBytes - before.numBytes - extra) / weights;
  assert.ok(ratio > 0.99 && ratio < 1.02, `tensor bytes after loading, less dw's folded copy, are ${ratio.toFixed(3)}× the weights`);
  const reference = wrapLayersModel(model(true), 'reference.json', 'reference', {}, { fold: false });
  const x = tf.randomUniform([2, 10, 10, 32], -1, 1, 'float32', 5) as tf.Tensor4D;
  try {
    const [a, b] = [folded.kernel('dw') as tf.Tensor4D, reference.kernel('dw') as tf.Tensor4D];
    assert.ok(elementwise(a, b).equal, 'dw: the kernel read is not the trained one');
    tf.dispose([a, b]);
    const [ya, yb] = [folded.forward(x, IDS), reference.forward(x, IDS)];
    IDS.forEach((id, i) => {
      const e = tf.tidy(() => tf.norm(tf.sub(ya[i] as tf.Tensor, yb[i] as tf.Tensor)).dataSync()[0]! / tf.norm(yb[i] as tf.Tensor).dataSync()[0]!);
      assert.ok(e < 1e-5, `${id} differs by ${e} (relative L2)`);
    });
    tf.dispose([...ya, ...yb]);
  } finally {
    x.dispose();
    folded.dispose();
    reference.dispose();
  }
});

function inputGrad(m: LoadedModel, id: string, x: tf.Tensor4D): tf.Tensor {
  return tf.grad((xx: tf.Tensor) => tf.sum(m.forward(xx as tf.Tensor4D, [id])[0] as tf.Tensor))(x);
}

test('no tensor leaks: tensors and bytes are the same after 100 forward passes (trained kernels made for the asked convs) and 10 input gradients', async () => {
  await useBackend('wasm');
  const folded = wrapLayersModel(model(), 'folded.json', 'folded');
  const x = tf.randomUniform([1, 10, 10, 32], -1, 1, 'float32', 5) as tf.Tensor4D;
  try {
    // Warm: the first input gradient makes each conv's flipped kernel once.
    tf.dispose([...folded.forward(x, IDS), inputGrad(folded, 'conv1', x), inputGrad(folded, 'fc2', x)]);
    const warm = tf.memory();
    for (let i = 0; i < 100; i++) tf.dispose(folded.forward(x, i % 2 === 0 ? IDS : ['conv1', 'dw']));
    for (let i = 0; i < 10; i++) tf.dispose([inputGrad(folded, i % 2 === 0 ? 'conv1' : 'fc2', x), folded.kernel('conv3') as tf.Tensor]);
    const after = tf.memory();
    assert.equal(after.numTensors, warm.numTensors, 'tensors');
    assert.equal(after.numBytes, warm.numBytes, 'bytes');
  } finally {
    x.dispose();
    folded.dispose();
  }
});
