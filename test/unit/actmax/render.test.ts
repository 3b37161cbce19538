// The render loop on small random networks: rising objective, determinism, batches, frames, cancel, presets, memory.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { renderActmax } from '../../../src/core/actmax';
import { ACTMAX_PRESETS, type ActmaxRequest } from '../../../src/shared/actmax';
import { LayerLensError } from '../../../src/shared/errors';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { mnistCnn, mnistCnnWeights, tinyConvNet } from './nets';

before(async () => {
  await useBackend('wasm');
});

const mean = (a: Float32Array, from: number, to: number) => a.slice(from, to).reduce((s, v) => s + v, 0) / (to - from);

for (const preset of ['lucid', 'trial1-naive', 'maco'] as const) {
  test(`${preset}: the objective rises over the steps`, async () => {
    const model = tinyConvNet(1, 32);
    const result = await renderActmax(model, { layerId: 'conv2', units: [3], preset, overrides: { steps: 48 } });
    const h = result.objectiveHistory[0];
    assert.equal(h.length, 48);
    // MACO cannot raise contrast, only rearrange structure: it climbs more slowly.
    const gain = preset === 'maco' ? 1.04 : 1.2;
    assert.ok(mean(h, 40, 48) > mean(h, 0, 8) * gain, `${preset}: first ${mean(h, 0, 8)}, last ${mean(h, 40, 48)}`);
    assert.equal(result.images[0].length, 32 * 32 * 4);
    model.dispose();
  });
}

test('the same seed gives identical pixels, another seed different ones; tensors do not leak', async () => {
  const model = tinyConvNet(2, 32);
  const request: ActmaxRequest = { layerId: 'conv1', units: [1, 5], preset: 'lucid', overrides: { steps: 12, seed: 42 } };
  const a = await renderActmax(model, request);
  const tensors = tf.memory().numTensors;
  const b = await renderActmax(model, request);
  assert.equal(tf.memory().numTensors, tensors);
  const c = await renderActmax(model, { ...request, overrides: { steps: 12, seed: 43 } });
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(a.images, b.images);
  assert.deepEqual(a.objectiveHistory, b.objectiveHistory);
  assert.notDeepEqual(a.images[0], c.images[0]);
  assert.notDeepEqual(a.images[0], a.images[1], 'two units of one batch get different images');
  model.dispose();
});

test('frames arrive every frameEvery steps with per-unit RGBA images and objective values', async () => {
  const model = tinyConvNet(3, 32);
  const frames: { step: number; count: number; bytes: number; values: number }[] = [];
  const result = await renderActmax(
    model,
    { layerId: 'conv2', units: [0, 1, 2], preset: 'lucid', overrides: { steps: 20, frameEvery: 8 } },
    { onFrame: (f) => frames.push({ step: f.step, count: f.images.length, bytes: f.images[0].length, values: f.objective.length }) },
  );
  assert.deepEqual(frames.map((f) => f.step), [8, 16, 20]);
  assert.ok(frames.every((f) => f.count === 3 && f.bytes === 32 * 32 * 4 && f.values === 3));
  assert.ok(result.msPerStep > 0);
  assert.equal(result.settings.param, 'fourier');
  model.dispose();
});

test('cancelling stops the run with a cancelled error and frees its tensors', async () => {
  const model = tinyConvNet(4, 32);
  const before = tf.memory().numTensors;
  const controller = new AbortController();
  let lastStep = 0;
  await assert.rejects(
    renderActmax(model, { layerId: 'conv2', units: [0], overrides: { steps: 500 } }, {
      signal: controller.signal,
      onProgress: (p) => {
        lastStep = p.done;
        if (p.done === 5) controller.abort();
      },
    }),
    (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled',
  );
  assert.equal(lastStep, 5);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('every preset runs on a 1-channel model and yields grey images of the model size', async () => {
  const model = mnistCnn(mnistCnnWeights(5));
  for (const preset of ACTMAX_PRESETS) {
    const result = await renderActmax(model, { layerId: 'conv2', units: [4, 7], preset, overrides: { steps: 10 } });
    assert.equal(result.width, 28, preset);
    assert.equal(result.settings.channels, 1);
    const px = result.images[1];
    for (let p = 0; p < 28 * 28; p += 37) assert.ok(px[p * 4] === px[p * 4 + 1] && px[p * 4] === px[p * 4 + 2], `${preset} grey`);
    assert.ok(result.objectiveHistory[0].every(Number.isFinite), preset);
  }
  model.dispose();
});

test('trial3-rms defaults to channel RMS and the logits layer to a class logit', async () => {
  const model = mnistCnn(mnistCnnWeights(6));
  const rms = await renderActmax(model, { layerId: 'conv1', units: [0], preset: 'trial3-rms', overrides: { steps: 2 } });
  assert.equal(rms.settings.objective.kind, 'channelRms');
  const logit = await renderActmax(model, { layerId: 'fc', units: [3], overrides: { steps: 2 } });
  assert.equal(logit.settings.objective.kind, 'classLogit');
  assert.equal(logit.settings.preset, 'lucid');
  model.dispose();
});

test('a fully convolutional model renders at any size; diversity and octaves compose', async () => {
  const model = tinyConvNet(7, null);
  const result = await renderActmax(model, {
    layerId: 'conv2',
    units: [2, 2],
    objective: { kind: 'sum', terms: [{ weight: 1, objective: { kind: 'channel' } }, { weight: 5, objective: { kind: 'diversity' } }] },
    preset: 'trial6-scharr',
    overrides: { steps: 12, size: 40 },
  });
  assert.equal(result.width, 40);
  assert.equal(result.images[0].length, 40 * 40 * 4);
  assert.deepEqual(result.settings.octaves, { count: 5, scale: 1.2 });
  assert.notDeepEqual(result.images[0], result.images[1]);
  model.dispose();
});

test('bad requests are refused with one-sentence errors', async () => {
  const model = tinyConvNet(8, 32);
  await assert.rejects(renderActmax(model, { layerId: 'nope', units: [0] }), (e: unknown) => e instanceof LayerLensError && e.code === 'unknownLayer');
  await assert.rejects(renderActmax(model, { layerId: 'conv1', units: [99], overrides: { steps: 1 } }), (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument');
  await assert.rejects(renderActmax(model, { layerId: 'conv1', units: [] }), (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument');
  model.dispose();
});

/** input → 1×1 conv (weight 1, bias −0.7) → relu: with a grey start the unit is dead everywhere. */
function deadUnitModel(): LoadedModel {
  const k = tf.ones([1, 1, 1, 1]) as tf.Tensor4D;
  return {
    info: {
      path: '/test/dead', name: 'dead', format: 'layers', inputShape: [null, 8, 8, 1], nativeLayout: 'NHWC',
      layers: [{ id: 'r', name: 'r', className: 'ReLU', kind: 'activation', outputShape: [null, 8, 8, 1], paramCount: 0 }],
      outputIds: ['r'], paramCount: 0, warnings: [],
    },
    forward: (x) => [tf.relu(tf.sub(tf.conv2d(x, k, 1, 'valid'), 0.7))],
    kernel: () => null,
    dispose: () => k.dispose(),
  };
}

test('the redirected ReLU gradient wakes a dead unit, also in presets without redirect steps; the ordinary one cannot', async () => {
  const model = deadUnitModel();
  const request = (redirect: number): ActmaxRequest => ({
    layerId: 'r', units: [0], preset: 'trial1-naive', overrides: { steps: 30, reluRedirectSteps: redirect, lr: 0.1 },
  });
  // The ordinary gradient of the dead unit is zero everywhere.
  const ordinary = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(model.forward(x as tf.Tensor4D, ['r'])[0]))(tf.fill(model.info.inputShape.map((d) => d ?? 1), 0.5)).dataSync());
  assert.ok(ordinary.every((v) => v === 0));
  const plain = await renderActmax(model, request(0));
  const redirected = await renderActmax(model, request(30));
  // With no redirect steps the dead-unit rule turns the redirect on until the unit fires.
  assert.ok(plain.objectiveHistory[0][0] === 0 && plain.objectiveHistory[0][29] > 0.05, `plain ${plain.objectiveHistory[0][29]}`);
  assert.ok(redirected.objectiveHistory[0][29] > 0.05, `redirected ${redirected.objectiveHistory[0][29]}`);
  // The registry is restored: a plain gradient through relu is zero where the input is negative again.
  const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.relu(x)))(tf.tensor1d([-1, 2])).dataSync());
  assert.deepEqual(Array.from(g), [0, 1]);
  model.dispose();
});
