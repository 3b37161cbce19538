import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { computeActivations, predictionLayerId, topPredictions } from '../../../src/core/activations';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import type { ModelInfo } from '../../../src/shared/model';
import { LayerLensError } from '../../../src/shared/errors';

before(async () => {
  await useBackend('wasm');
});

const KERNEL = [1, 0, -1, 2]; // 2 × 2, one input and one output channel, HWIO row-major
const INPUT = [3, -1, 4, 1, -5, 9, 2, -6, 5, 3, -5, 8, 9, -7, 9, 3]; // 4 × 4 × 1
const DENSE = Array.from({ length: 9 * 3 }, (_, i) => ((i * 7) % 5) - 2); // 9 → 3

/** conv 2×2 valid → relu → flatten → dense(3): a model written out by hand, forward in plain TF.js ops. */
function tinyModel(): LoadedModel & { calls: number } {
  const kernel = tf.tensor4d(KERNEL, [2, 2, 1, 1]);
  const dense = tf.tensor2d(DENSE, [9, 3]);
  const info: ModelInfo = {
    path: '/tmp/tiny/model.json', name: 'tiny', format: 'layers', inputShape: [null, 4, 4, 1], nativeLayout: 'NHWC',
    layers: [
      { id: 'input', name: 'input', className: 'InputLayer', kind: 'input', outputShape: [null, 4, 4, 1], paramCount: 0 },
      { id: 'conv', name: 'conv', className: 'Conv2D', kind: 'conv', outputShape: [null, 3, 3, 1], paramCount: 4, kernelShape: [2, 2, 1, 1] },
      { id: 'relu', name: 'relu', className: 'ReLU', kind: 'activation', outputShape: [null, 3, 3, 1], paramCount: 0 },
      { id: 'logits', name: 'logits', className: 'Dense', kind: 'dense', outputShape: [null, 3], paramCount: 27 },
    ],
    outputIds: ['logits'], logitsId: 'logits', paramCount: 31, warnings: [],
  };
  const model = {
    info,
    calls: 0,
    forward(input: tf.Tensor4D, ids: readonly string[]): tf.Tensor[] {
      model.calls++;
      return tf.tidy(() => {
        const conv = tf.conv2d(input, kernel, 1, 'valid');
        const relu = tf.relu(conv);
        const logits = tf.matMul(tf.reshape(relu, [1, 9]), dense);
        const byId: Record<string, tf.Tensor> = { input, conv, relu, logits };
        return ids.map((id) => byId[id]);
      });
    },
    kernel: () => null,
    dispose(): void {
      kernel.dispose();
      dense.dispose();
    },
  };
  return model;
}

/** The same network in plain loops. */
function byHand(): { conv: number[]; relu: number[]; logits: number[] } {
  const conv: number[] = [];
  for (let y = 0; y < 3; y++) {
    for (let x = 0; x < 3; x++) {
      let s = 0;
      for (let ky = 0; ky < 2; ky++) for (let kx = 0; kx < 2; kx++) s += INPUT[(y + ky) * 4 + x + kx] * KERNEL[ky * 2 + kx];
      conv.push(s);
    }
  }
  const relu = conv.map((v) => Math.max(0, v));
  const logits = [0, 1, 2].map((j) => relu.reduce((acc, v, i) => acc + v * DENSE[i * 3 + j], 0));
  return { conv, relu, logits };
}

test('all layers in one forward pass match a hand-computed conv, relu and dense', async () => {
  const model = tinyModel();
  const input = tf.tensor4d(INPUT, [1, 4, 4, 1]);
  const acts = await computeActivations(model, input);
  assert.equal(model.calls, 1);
  assert.deepEqual(acts.map((a) => a.layerId), ['conv', 'relu', 'logits']);
  const expected = byHand();
  assert.deepEqual(acts[0].shape, [1, 3, 3, 1]);
  assert.ok(acts[0].data instanceof Float32Array);
  assert.deepEqual(Array.from(acts[0].data), expected.conv);
  assert.deepEqual(Array.from(acts[1].data), expected.relu);
  assert.deepEqual(acts[2].shape, [1, 3]);
  assert.deepEqual(Array.from(acts[2].data), expected.logits);

  const stats = acts[1].stats;
  assert.equal(stats.min[0], Math.min(...expected.relu));
  assert.equal(stats.max[0], Math.max(...expected.relu));
  assert.ok(Math.abs(stats.mean[0] - expected.relu.reduce((a, b) => a + b, 0) / 9) < 1e-5);
  assert.ok(Math.abs(stats.zeroFraction[0] - expected.relu.filter((v) => v === 0).length / 9) < 1e-6);
  assert.ok(stats.zeroFraction[0] > 0, 'the fixture has dead units');
  assert.equal(acts[2].stats.min.length, 3, 'a vector has one stat per unit');
  input.dispose();
  model.dispose();
});

test('a chosen set of layers, in the order asked; unknown layers and cancellation are errors', async () => {
  const model = tinyModel();
  const input = tf.tensor4d(INPUT, [1, 4, 4, 1]);
  const acts = await computeActivations(model, input, ['logits', 'input']);
  assert.deepEqual(acts.map((a) => a.layerId), ['logits', 'input']);
  assert.deepEqual(Array.from(acts[1].data), INPUT);
  assert.ok(!input.isDisposed, 'the caller keeps its input');

  await assert.rejects(computeActivations(model, input, ['conv', 'nope']), (e: unknown) =>
    e instanceof LayerLensError && e.code === 'unknownLayer' && e.message.includes('"nope"'));
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(computeActivations(model, input, undefined, { signal: ac.signal }), (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled');
  const progress: number[] = [];
  await computeActivations(model, input, ['conv', 'relu'], { onProgress: (p) => progress.push(p.done / p.total) });
  assert.deepEqual(progress, [0.5, 1]);
  input.dispose();
  model.dispose();
});

test('the tensor count does not grow over repeated calls', async () => {
  const model = tinyModel();
  const input = tf.tensor4d(INPUT, [1, 4, 4, 1]);
  await computeActivations(model, input);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 10; i++) await computeActivations(model, input, i % 2 ? ['relu', 'input'] : undefined);
  const ac = new AbortController();
  await computeActivations(model, input, undefined, { signal: ac.signal, onProgress: () => ac.abort() }).catch(() => undefined);
  assert.equal(tf.memory().numTensors, before);
  input.dispose();
  model.dispose();
});

test('topPredictions applies softmax to logits, keeps probabilities, names classes', () => {
  const logits = [1, 3, 2];
  const z = Math.exp(1) + Math.exp(3) + Math.exp(2);
  const top = topPredictions(logits, ['cat', 'dog', 'eel'], 2);
  assert.deepEqual(top.map((p) => p.label), ['dog', 'eel']);
  assert.ok(Math.abs(top[0].probability - Math.exp(3) / z) < 1e-12);
  assert.equal(top[0].score, 3);

  const probs = topPredictions(new Float32Array([0.1, 0.7, 0.2]));
  assert.deepEqual(probs.map((p) => p.classIndex), [1, 2, 0]);
  assert.ok(Math.abs(probs[0].probability - 0.7) < 1e-6);
  assert.equal(probs[0].label, 'class 1');

  const big = topPredictions([1000, 1001, -1000], undefined, 5);
  assert.equal(big.length, 3);
  assert.ok(Number.isFinite(big[0].probability) && Math.abs(big[0].probability - 1 / (1 + Math.exp(-1))) < 1e-9);
  assert.equal(predictionLayerId(tinyModel().info), 'logits');
});
