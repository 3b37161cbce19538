// The shipped sample model (models/mnist-cnn): its files, its architecture, and what it predicts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { decode } from 'fast-png';
import { useBackend } from '../../helpers/backend';
import { repoRoot, sampleModelDir } from '../../helpers/paths';
import { loadMnistSplit, TEST_PER_CLASS } from '../../../scripts/mnistData';
import { accuracy, predictClasses } from '../../../scripts/mnistModel';

interface ModelJson {
  format: string;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

interface SampleIndex {
  samples: { file: string; label: number; predicted: number }[];
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Loads model.json and its weight files from disk through tf.io.fromMemory, as the product does. */
async function loadSampleModel(): Promise<tfl.LayersModel> {
  const json = readJson<ModelJson>(join(sampleModelDir, 'model.json'));
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const buffers = json.weightsManifest.flatMap((group) =>
    group.paths.map((p) => {
      const bytes = readFileSync(join(sampleModelDir, p));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    }),
  );
  const weightData = tf.io.concatenateArrayBuffers(buffers);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

let model: tfl.LayersModel;

before(async () => {
  const status = await useBackend('wasm');
  assert.equal(status.active, 'wasm');
  model = await loadSampleModel();
});

test('model.json is a Layers model whose weight paths stay inside its folder', () => {
  const json = readJson<ModelJson>(join(sampleModelDir, 'model.json'));
  assert.equal(json.format, 'layers-model');
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  assert.equal(paths.length, 1);
  for (const p of paths) {
    assert.ok(!p.startsWith('/') && !p.includes('..') && !p.includes(':'), `weight path ${p} leaves the folder`);
  }
});

test('the architecture is the seed CNN: conv1 → pool1 → conv2 → pool2 → flatten → fc logits', () => {
  const summary = model.layers.map((l) => [l.name, l.getClassName(), JSON.stringify(l.outputShape)]);
  assert.deepEqual(summary, [
    ['input', 'InputLayer', '[null,28,28,1]'],
    ['conv1', 'Conv2D', '[null,26,26,16]'],
    ['pool1', 'MaxPooling2D', '[null,13,13,16]'],
    ['conv2', 'Conv2D', '[null,11,11,32]'],
    ['pool2', 'MaxPooling2D', '[null,5,5,32]'],
    ['flatten', 'Flatten', '[null,800]'],
    ['fc', 'Dense', '[null,10]'],
  ]);
  const kernelShape = (name: string) => model.getLayer(name).getWeights()[0].shape;
  assert.deepEqual(kernelShape('conv1'), [3, 3, 1, 16]);
  assert.deepEqual(kernelShape('conv2'), [3, 3, 16, 32]);
  assert.deepEqual(kernelShape('fc'), [800, 10]);
  assert.equal(model.getLayer('conv1').getConfig().activation, 'relu');
  assert.equal(model.getLayer('conv2').getConfig().activation, 'relu');
  assert.equal(model.getLayer('fc').getConfig().activation, 'linear');
  assert.equal(model.countParams(), 160 + 4640 + 8010);
});

test('the sidecar maps a PNG pixel 0..255 to 0..1 and names the ten digits', () => {
  const sidecar = readJson<{ input: Record<string, unknown>; labels: string[] }>(join(sampleModelDir, 'model.layerlens.json'));
  assert.deepEqual(sidecar.input, {
    height: 28,
    width: 28,
    channels: 1,
    scale: 1 / 255,
    mean: [0],
    std: [1],
    resize: 'stretch',
    channelOrder: 'rgb',
  });
  assert.deepEqual(sidecar.labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
});

test('the 20 sample PNGs are classified as their labels (at least 19) and as index.json says', () => {
  const index = readJson<SampleIndex>(join(sampleModelDir, 'samples/index.json'));
  assert.equal(index.samples.length, 20);
  for (let label = 0; label < 10; label++) assert.equal(index.samples.filter((s) => s.label === label).length, 2);
  const pixels = new Float32Array(index.samples.length * 784);
  index.samples.forEach((s, i) => {
    assert.match(s.file, new RegExp(`^digit-${s.label}-[a-z]\\.png$`));
    const png = decode(readFileSync(join(sampleModelDir, 'samples', s.file)));
    assert.deepEqual([png.width, png.height, png.channels, png.depth], [28, 28, 1, 8], s.file);
    png.data.forEach((v, p) => (pixels[i * 784 + p] = v / 255));
  });
  const before = tf.memory().numTensors;
  const predicted = predictClasses(model, pixels, index.samples.length);
  assert.equal(tf.memory().numTensors, before, 'prediction leaked tensors');
  const labels = index.samples.map((s) => s.label);
  assert.ok(accuracy(predicted, labels) * 20 >= 19, `only ${accuracy(predicted, labels) * 20}/20 samples right`);
  assert.deepEqual(Array.from(predicted), index.samples.map((s) => s.predicted));
});

test('held-out test split accuracy is at least 98% and matches the model card', () => {
  const { train, test: held } = loadMnistSplit(repoRoot);
  assert.equal(held.count, 10 * TEST_PER_CLASS);
  assert.equal(train.count, 8500);
  // Disjoint: a digit is (label, index in its class file); every test index lies after every train index of its class.
  for (let label = 0; label < 10; label++) {
    let lastTrain = -1;
    for (let i = 0; i < train.count; i++) if (train.labels[i] === label) lastTrain = Math.max(lastTrain, train.indices[i]);
    for (let i = 0; i < held.count; i++) if (held.labels[i] === label) assert.ok(held.indices[i] > lastTrain);
  }
  const acc = accuracy(predictClasses(model, held.images, held.count), held.labels);
  assert.ok(acc >= 0.98, `test accuracy ${acc}`);
  const card = readFileSync(join(sampleModelDir, 'MODEL_CARD.md'), 'utf8');
  const claimed = /\*\*test\*\* \(\d+ digits\) \| \*\*([\d.]+)%\*\*/.exec(card);
  assert.ok(claimed, 'MODEL_CARD.md states no test accuracy');
  assert.ok(Math.abs(Number(claimed[1]) / 100 - acc) < 0.0015, `card says ${claimed[1]}%, measured ${(acc * 100).toFixed(2)}%`);
});
