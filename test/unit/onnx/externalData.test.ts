// ONNX external data as users have it: onnx.save_model(..., save_as_external_data=True) (Debian's python3-onnx)
// writes the MNIST fixture's weights into one file beside the model, or one file per tensor; both load and give
// the single-file model's outputs bit for bit. A missing or short weight file is one sentence naming both files.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { useBackend } from '../../helpers/backend';
import { onnxFixture } from '../../helpers/paths';
import { tempDir } from '../model/tinyModels';

const PYTHON = process.env.LAYER_LENS_PYTHON ?? '/usr/bin/python3';

/** Saves the fixture with its initializers as external data; `oneFile` puts them all in `weights.bin`. */
function saveExternal(source: string, dir: string, oneFile: boolean): string {
  const out = join(dir, 'model.onnx');
  const script = [
    'import sys, onnx',
    'm = onnx.load(sys.argv[1])',
    `onnx.save_model(m, sys.argv[2], save_as_external_data=True, all_tensors_to_one_file=${oneFile ? 'True' : 'False'}, location="weights.bin", size_threshold=0)`,
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script, source, out], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    throw new Error(`These tests need Python with the onnx package (apt-get install python3-onnx, or set LAYER_LENS_PYTHON): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  }
  return out;
}

async function outputOf(path: string): Promise<Float32Array> {
  const model = await loadModel(path);
  try {
    const [, h, w, c] = model.info.inputShape;
    const x = tf.tidy(() => tf.linspace(0, 1, (h ?? 28) * (w ?? 28) * (c ?? 1)).reshape<tf.Tensor4D>([1, h ?? 28, w ?? 28, c ?? 1]));
    const last = model.info.layers[model.info.layers.length - 1]!.id;
    const [y] = model.forward(x, [last]);
    const data = (await y!.data()) as Float32Array;
    tf.dispose([x, y]);
    return data;
  } finally {
    model.dispose();
  }
}

before(async () => {
  await useBackend('cpu');
});

test('a model saved with external data (one file, and one file per tensor) gives the single-file outputs bit for bit', async () => {
  const source = onnxFixture('mnist_cnn.onnx');
  const reference = await outputOf(source);
  for (const oneFile of [true, false]) {
    const dir = tempDir();
    const path = saveExternal(source, dir, oneFile);
    const files = readdirSync(dir);
    assert.ok(oneFile ? files.includes('weights.bin') : files.length > 2, `external files written: ${files.join(', ')}`);
    assert.ok(statSync(path).size < statSync(source).size / 10, 'the weights left the .onnx');
    const ours = await outputOf(path);
    assert.equal(ours.length, reference.length);
    assert.deepEqual(Array.from(ours), Array.from(reference), `outputs differ (${oneFile ? 'one file' : 'a file per tensor'})`);
  }
});

test('a missing or short weight file is one sentence naming the model and the weight file', async () => {
  const source = onnxFixture('mnist_cnn.onnx');
  const dir = tempDir();
  const path = saveExternal(source, dir, true);
  const weights = join(dir, 'weights.bin');
  truncateSync(weights, statSync(weights).size - 100);
  await assert.rejects(loadModel(path), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'missingWeights', e.message);
    assert.match(e.message, /model\.onnx keeps tensor '[^']+' at bytes \d+ to \d+ of its external file 'weights\.bin', which holds only \d+ bytes/);
    assert.match(e.message, /^[^\n]*\.$/);
    return true;
  });
  rmSync(weights);
  await assert.rejects(loadModel(path), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'missingWeights', e.message);
    assert.ok(e.message.includes(weights) && e.message.includes(path), e.message);
    return true;
  });
});
