// The shipped sample model end to end: its PNG samples through decode → sidecar spec → preprocess → one
// forward pass of every layer → top prediction. Skipped only while models/mnist-cnn has not been trained.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { sampleModelDir } from '../../helpers/paths';
import { decodeImage } from '../../../src/core/image';
import { preprocess, resolveInputSpec } from '../../../src/core/preprocess';
import { readSidecar } from '../../../src/core/node/readSidecar';
import { computeActivations, predictionLayerId, topPredictions } from '../../../src/core/activations';
import { loadModel } from '../../../src/core/node/loadModelFile';

const modelPath = join(sampleModelDir, 'model.json');
const samplesDir = join(sampleModelDir, 'samples');
const present = existsSync(modelPath) && existsSync(samplesDir);

before(async () => {
  await useBackend('wasm');
});

test('MNIST samples: conv1 is [1, 26, 26, 16] and the top prediction is the digit in the file name', { skip: present ? false : 'models/mnist-cnn is not trained yet' }, async () => {
  const model = await loadModel(modelPath);
  const spec = resolveInputSpec(model.info, await readSidecar(modelPath));
  assert.deepEqual([spec.height, spec.width, spec.channels], [28, 28, 1]);
  assert.equal(spec.labels?.length, 10);
  const logitsId = predictionLayerId(model.info);
  assert.ok(logitsId);
  const index = existsSync(join(samplesDir, 'index.json'))
    ? (JSON.parse(readFileSync(join(samplesDir, 'index.json'), 'utf8')) as { samples: { file: string; predicted: number }[] }).samples
    : [];

  const files = readdirSync(samplesDir).filter((f) => f.endsWith('.png')).sort();
  assert.ok(files.length >= 10, `samples found: ${files.length}`);
  const tensorsBefore = tf.memory().numTensors;
  let right = 0;
  for (const file of files) {
    const image = await decodeImage(new Uint8Array(readFileSync(join(samplesDir, file))), file);
    const input = preprocess(image, spec);
    const acts = await computeActivations(model, input);
    input.dispose();
    const conv1 = acts.find((a) => a.layerId === 'conv1');
    assert.ok(conv1, 'conv1 is among all layers');
    assert.deepEqual(conv1.shape, [1, 26, 26, 16]);
    assert.ok(conv1.stats.zeroFraction.some((z) => z > 0), 'ReLU zeros are counted');
    const logits = acts.find((a) => a.layerId === logitsId);
    assert.ok(logits);
    const [top] = topPredictions(logits.data, spec.labels, 1);
    const digit = Number(/(?:^|\D)(\d)(?:\D|$)/.exec(file)?.[1]);
    if (top.classIndex === digit) right++;
    // The training script predicted from the same 8-bit pixels: the pipeline must agree with it exactly.
    const recorded = index.find((s) => s.file === file);
    if (recorded) assert.equal(top.classIndex, recorded.predicted, `${file}: same prediction as the training script`);
  }
  assert.ok(right / files.length >= 0.8, `${right} of ${files.length} samples classified as their file name says`);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  model.dispose();
});
