import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../helpers/backend';
import { onnxFixturesDir } from '../../helpers/paths';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { resolveInputSpec } from '../../../src/core/preprocess/inputSpec';
import { findTopImages } from '../../../src/core/topk/findTopImages';
import { listImageFiles } from '../../../src/core/node/nodeTopk';
import { measureReceptiveField, unitBox } from '../../../src/core/topk/receptiveField';
import { saveLayersModel } from '../model/tinyModels';
import { DIGIT_SPEC, tempFolder, writeDigits } from './topkFixtures';

test('a non-square model: each axis measured on its own, same padding runs past the edges', async () => {
  await useBackend('wasm');
  const input = tfl.input({ shape: [20, 24, 3] });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: [3, 5], strides: [1, 2], padding: 'valid', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ name: 'top', filters: 6, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }).apply(x) as tfl.SymbolicTensor;
  const model = await loadModel(await saveLayersModel(tfl.model({ inputs: input, outputs: x })));
  const spec = { ...DIGIT_SPEC, height: 20, width: 24, channels: 3 as const };
  const before = tf.memory().numTensors;
  const field = await measureReceptiveField(model, 'top', spec);
  assert.equal(tf.memory().numTensors, before);
  // rows: 3 (stride 1) then 3 stride 2 'same' on 18 rows (pad 0 before, 1 after) → size 5, stride 2, start 0.
  // cols: 5 stride 2 (10 columns) then 3 stride 2 'same' on 10 (pad 0 before, 1 after) → size 9, stride 4, start 0.
  assert.deepEqual(field.rows, { stride: 2, start: 0, end: 4, length: 20 });
  assert.deepEqual(field.cols, { stride: 4, start: 0, end: 8, length: 24 });
  assert.deepEqual(field.size, [5, 9]);
  // The last unit's field is clipped by the 'same' padding at the bottom-right.
  assert.deepEqual(unitBox(field, 4, 8), { x: 16, y: 16, width: 8, height: 4 });
  model.dispose();
});

test('the ONNX fixture mnist_cnn: conv2 field 8 px / stride 2, and top-k over digits equals brute force', async () => {
  await useBackend('wasm');
  const model = await loadModel(join(onnxFixturesDir(), 'mnist_cnn.onnx'));
  const spec = resolveInputSpec(model.info);
  const dir = tempFolder();
  writeDigits(dir, 30);
  const files = listImageFiles(dir);
  const result = await findTopImages(model, 'conv2', files, spec, { k: 3, batchSize: 7 });
  assert.deepEqual(result.receptiveField.size, [8, 8]);
  assert.equal(result.receptiveField.cols.stride, 2);
  // Brute force on channel 0 and the last channel.
  const maxima: number[][] = [];
  for (const f of files) {
    const { decodeImage } = await import('../../../src/core/image/decodeImage');
    const { preprocess } = await import('../../../src/core/preprocess/preprocess');
    const x = preprocess(await decodeImage(await f.read(), f.path), spec);
    const [out] = model.forward(x, ['conv2']);
    maxima.push(Array.from(tf.tidy(() => tf.max(out!, [0, 1, 2])).dataSync()));
    tf.dispose([x, out!]);
  }
  for (const c of [0, result.channels - 1]) {
    const order = maxima.map((m, i) => ({ v: m[c]!, i })).sort((a, b) => b.v - a.v || a.i - b.i).slice(0, 3);
    assert.deepEqual(result.top[c]!.map((e) => e.file), order.map((o) => files[o.i]!.path));
  }
  model.dispose();
});
