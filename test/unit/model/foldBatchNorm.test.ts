// The folded plan of a Layers model (BN folded into the conv/dense before it, convs on constant weights) gives the
// outputs and input gradients of the layer-by-layer evaluation, on wasm and cpu, with TF.js's and the native kernels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../helpers/backend';
import { wrapLayersModel } from '../../../src/core/model/tfjsLayersModel';
import { findFolds, type LayersStep } from '../../../src/core/model/foldBatchNorm';
import { linearConfig } from '../../../src/core/model/tfjsLayerEval';
import type { LoadedModel } from '../../../src/core/model/loadedModel';

/**
 * Conv(stride 2, no bias) → BN → ReLU(max 6); depthwise (×2, bias) → BN; 1×1 conv → BN whose input also feeds an Add
 * (must not fold); a dilated conv → BN; global pool → Dense → BN → Dense softmax. Weights and BN statistics random.
 */
function model(): tfl.LayersModel {
  const x = tfl.input({ shape: [12, 12, 3], name: 'image' });
  const ap = <T>(layer: { apply(x: tfl.SymbolicTensor | tfl.SymbolicTensor[]): unknown }, input: T) => layer.apply(input as unknown as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const bn = (name: string, t: tfl.SymbolicTensor) => ap(tfl.layers.batchNormalization({ name, epsilon: 1e-3 }), t);
  let y = ap(tfl.layers.conv2d({ name: 'conv1', filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false }), x);
  y = ap(tfl.layers.reLU({ name: 'relu1', maxValue: 6 }), bn('bn1', y));
  y = bn('bn2', ap(tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same' }), y));
  const shared = ap(tfl.layers.conv2d({ name: 'conv3', filters: 16, kernelSize: 1 }), y);
  y = ap(tfl.layers.add({ name: 'add' }), [shared, bn('bn3', shared)]);
  y = ap(tfl.layers.activation({ name: 'act', activation: 'relu' }), y);
  y = bn('bn4', ap(tfl.layers.conv2d({ name: 'dilated', filters: 8, kernelSize: 3, dilationRate: 2, padding: 'same' }), y));
  y = ap(tfl.layers.globalAveragePooling2d({ name: 'pool' }), y);
  y = bn('bn5', ap(tfl.layers.dense({ name: 'fc1', units: 10 }), y));
  y = ap(tfl.layers.dense({ name: 'fc2', units: 5, activation: 'softmax' }), y);
  const m = tfl.model({ inputs: x, outputs: y });
  let seed = 7;
  for (const layer of m.layers) {
    layer.setWeights(layer.getWeights().map((w, i) => {
      const isVariance = layer.getClassName() === 'BatchNormalization' && i === 3;
      const v = tf.randomUniform(w.shape, isVariance ? 0.2 : -1, isVariance ? 2 : 1, 'float32', seed++);
      return isVariance ? v : tf.mul(v, layer.getClassName() === 'BatchNormalization' ? 1 : 0.6);
    }));
  }
  return m;
}

function relL2(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.norm(tf.sub(a, b)).dataSync()[0]! / Math.max(1e-30, tf.norm(b).dataSync()[0]!));
}

/** Input gradient of a random projection of the layer's output (the same projection for both models). */
function inputGrad(m: LoadedModel, id: string, x: tf.Tensor4D, seed: number): tf.Tensor {
  return tf.grad((xx: tf.Tensor) => {
    const y = m.forward(xx as tf.Tensor4D, [id])[0] as tf.Tensor;
    return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', seed)));
  })(x);
}

const IDS = ['conv1', 'bn1', 'relu1', 'dw', 'bn2', 'conv3', 'bn3', 'add', 'bn4', 'fc1', 'bn5', 'fc2/logits', 'fc2'];

async function compare(backend: 'wasm' | 'cpu', nativeKernels: boolean): Promise<void> {
  await useBackend(backend, { nativeKernels });
  const folded = wrapLayersModel(model(), 'folded.json', 'folded');
  const reference = wrapLayersModel(model(), 'reference.json', 'reference', {}, { fold: false });
  const x = tf.randomUniform([2, 12, 12, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
  try {
    // All at once, each BN without its conv, and each conv (pre-BN) by itself.
    const asked = [IDS, ...IDS.map((id) => [id])];
    for (const ids of asked) {
      const a = folded.forward(x, ids);
      const b = reference.forward(x, ids);
      ids.forEach((id, i) => {
        const e = relL2(a[i] as tf.Tensor, b[i] as tf.Tensor);
        assert.ok(e < 1e-5, `${backend}: ${id} (asked with ${ids.length - 1} others) differs by ${e} (relative L2)`);
      });
      tf.dispose([...a, ...b]);
    }
    IDS.forEach((id, i) => {
      const [ga, gb] = [inputGrad(folded, id, x, 100 + i), inputGrad(reference, id, x, 100 + i)];
      const e = relL2(ga, gb);
      assert.ok(e < 1e-5, `${backend}: input gradient through ${id} differs by ${e} (relative L2)`);
      assert.ok(tf.norm(gb).dataSync()[0]! > 0, `${backend}: gradient through ${id} is zero`);
      tf.dispose([ga, gb]);
    });
  } finally {
    x.dispose();
    folded.dispose();
    reference.dispose();
  }
}

test('conv/depthwise/dilated/dense → BN pairs fold; a BN whose input is also read elsewhere does not', async () => {
  await useBackend('cpu');
  const m = model();
  const steps: LayersStep[] = m.layers.flatMap((layer) =>
    layer.inboundNodes.map((n) => ({ layer, inputs: n.inputTensors, outputs: n.outputTensors, callArgs: {}, config: linearConfig(layer) })),
  );
  const pairs = findFolds(steps, m.outputs).map((f) => `${f.linear.layer.name}→${f.bn.layer.name}`);
  assert.deepEqual(pairs, ['conv1→bn1', 'dw→bn2', 'dilated→bn4', 'fc1→bn5']);
  m.dispose();
});

test('folded outputs and input gradients equal the layer-by-layer ones (wasm)', async () => compare('wasm', false));
test('folded outputs and input gradients equal the layer-by-layer ones (cpu)', async () => compare('cpu', false));
test('folded outputs and input gradients equal the layer-by-layer ones (wasm, native kernels)', async () => compare('wasm', true));

test('a folded pass runs fewer kernels than the layer-by-layer one and reads no weight variable', async () => {
  await useBackend('wasm');
  const folded = wrapLayersModel(model(), 'folded.json', 'folded');
  const reference = wrapLayersModel(model(), 'reference.json', 'reference', {}, { fold: false });
  const x = tf.randomUniform([1, 12, 12, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
  const kernels = async (m: LoadedModel) => (await tf.profile(() => tf.dispose(inputGrad(m, 'fc2', x, 1)))).kernels.map((k) => k.name);
  const [a, b] = [await kernels(folded), await kernels(reference)];
  assert.ok(a.length < 0.7 * b.length, `folded ${a.length} kernels, layer by layer ${b.length}`);
  assert.equal(a.filter((k) => k === 'FusedBatchNorm').length, 0);
  x.dispose();
  folded.dispose();
  reference.dispose();
});
