// Models whose input size is not fixed run at a size taken from the load option, the sidecar or the default
// (224), recorded in ModelInfo.assumedInputSize; layer shapes come from a dry run at that size.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { resolveInputSpec } from '../../../src/core/preprocess';
import { renderActmax } from '../../../src/core/actmax';
import { LayerLensError } from '../../../src/shared/errors';
import { loadModelInput } from '../../../src/core/node/imageFiles';
import { encodePng } from '../../../src/core/image/encodePng';
import { tempDir } from './tinyModels';
import { runFeatureMapPass } from '../../../src/core/activations/featureMapPass';
import { onnxFixture } from '../../helpers/paths';
import { maxDiff, writeAnySizeGraph, writeAnySizeLayers, writeNchwGraph } from './inputsModels';

before(async () => {
  await useBackend('wasm');
});

const shapeOf = (model: { info: { layers: { id: string; outputShape: (number | null)[] }[] } }, id: string): string =>
  (model.info.layers.find((l) => l.id === id)?.outputShape ?? []).map((d) => d ?? '?').join('x');

test('a graph without a fixed size runs at 224×224 by default; shapes come from the dry run; the spec uses it', async () => {
  const { path } = writeAnySizeGraph();
  const model = await loadModel(path);
  assert.deepEqual(model.info.inputShape, [null, null, null, 3]);
  assert.deepEqual(model.info.assumedInputSize, { height: 224, width: 224, source: 'default' });
  assert.equal(shapeOf(model, 'conv'), '?x112x112x4');
  assert.equal(shapeOf(model, 'gap'), '?x4');
  assert.ok(model.info.warnings.some((w) => w.includes('224×224')), model.info.warnings.join(' | '));
  assert.match(model.info.layers[0]?.note ?? '', /does not fix its input size; it runs at 224×224 \(Layer Lens's default/);
  const spec = resolveInputSpec(model.info);
  assert.deepEqual([spec.height, spec.width, spec.channels], [224, 224, 3]);
  model.dispose();
});

test('the load option sets the size, over the sidecar; the sidecar over the default; forward runs at any size', async () => {
  const { path, weights } = writeAnySizeGraph();
  writeFileSync(join(dirname(path), 'model.layerlens.json'), JSON.stringify({ input: { height: 64, width: 40 } }));
  const fromSidecar = await loadModel(path);
  assert.deepEqual(fromSidecar.info.assumedInputSize, { height: 64, width: 40, source: 'sidecar' });
  assert.equal(shapeOf(fromSidecar, 'conv'), '?x32x20x4');
  fromSidecar.dispose();

  const fromOption = await loadModel(path, { inputSize: [30, 48] });
  assert.deepEqual(fromOption.info.assumedInputSize, { height: 30, width: 48, source: 'option' });
  assert.equal(shapeOf(fromOption, 'conv'), '?x15x24x4');
  const spec = resolveInputSpec(fromOption.info, { fileName: 'model.layerlens.json', json: { input: { height: 64, width: 40 } } });
  assert.deepEqual([spec.height, spec.width], [30, 48], 'the requested size wins over the sidecar');
  const x = tf.randomNormal([1, 20, 20, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  const [conv] = fromOption.forward(x, ['relu']) as tf.Tensor[];
  const ref = tf.relu(tf.conv2d(x, weights.filter, 2, 'same'));
  assert.ok(maxDiff(conv as tf.Tensor, ref) <= 1e-6);
  tf.dispose([x, conv as tf.Tensor, ref]);
  fromOption.dispose();
});

test('a channels-first graph without a fixed size ([?, 3, ?, ?]) runs NHWC at the assumed size', async () => {
  const { path, weights } = writeNchwGraph([-1, 3, -1, -1]);
  const model = await loadModel(path, { inputSize: [12, 20] });
  assert.deepEqual(model.info.inputShape, [null, null, null, 3]);
  assert.equal(model.info.nativeLayout, 'NCHW');
  assert.equal(shapeOf(model, 'relu'), '?x12x20x4');
  assert.equal(shapeOf(model, 'pool'), '?x6x10x4');
  const x = tf.randomNormal([1, 12, 20, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
  const [relu] = model.forward(x, ['relu']) as tf.Tensor[];
  const ref = tf.relu(tf.add(tf.conv2d(x, weights.filter, 1, 'same'), weights.bias));
  assert.ok(maxDiff(relu as tf.Tensor, ref) <= 1e-6);
  tf.dispose([x, relu as tf.Tensor, ref]);
  model.dispose();
});

test('a size that contradicts a fixed input size is refused in one sentence; the same size is accepted', async () => {
  const { path } = writeNchwGraph();
  await assert.rejects(loadModel(path, { inputSize: [16, 16] }), (e: unknown) => {
    assert.ok(e instanceof LayerLensError && e.code === 'badArgument', String(e));
    assert.match(e.message, /fixed input size of 8×8, so it cannot run at 16×16/);
    return true;
  });
  const same = await loadModel(path, { inputSize: [8, 8] });
  assert.equal(same.info.assumedInputSize, undefined);
  same.dispose();
});

test('a Layers model without a fixed size: shapes probed at the assumed size, actmax runs 8 rising steps', async () => {
  const path = await writeAnySizeLayers();
  const model = await loadModel(path, { inputSize: [32, 32] });
  assert.deepEqual(model.info.assumedInputSize, { height: 32, width: 32, source: 'option' });
  assert.equal(shapeOf(model, 'conv'), '?x16x16x4');
  assert.equal(shapeOf(model, 'gap'), '?x4');
  const result = await renderActmax(model, { layerId: 'conv', units: [0], preset: 'trial1-naive', overrides: { steps: 8, seed: 2 } });
  const h = result.objectiveHistory[0] as Float32Array;
  assert.ok((h[7] as number) > (h[0] as number), `objective ${h[0]} → ${h[7]}`);
  assert.equal(result.images[0]?.length, 32 * 32 * 4, 'actmax draws at the assumed size');
  model.dispose();
  const byDefault = await loadModel(path);
  assert.equal(shapeOf(byDefault, 'conv'), '?x112x112x4');
  byDefault.dispose();
});

function writePng(width: number, height: number): string {
  const rgba = new Uint8Array(width * height * 4).map((_, i) => (i * 37) % 256);
  const file = join(tempDir(), `img-${width}x${height}.png`);
  writeFileSync(file, encodePng(rgba, width, height));
  return file;
}

test('with only the default size, an image runs at its own size (multiples of 32, at most 512); a set size wins', async () => {
  const { path } = writeAnySizeGraph();
  const model = await loadModel(path);
  const small = await loadModelInput(model, writePng(100, 60));
  assert.deepEqual(small.input.shape, [1, 64, 96, 3]);
  assert.deepEqual([small.spec.height, small.spec.width], [64, 96]);
  const [maps] = model.forward(small.input, ['relu']) as tf.Tensor[];
  assert.deepEqual(maps?.shape, [1, 32, 48, 4]);
  const large = await loadModelInput(model, writePng(1000, 700));
  assert.deepEqual(large.input.shape, [1, 352, 512, 3]);
  const set = await loadModelInput(model, writePng(100, 60), { height: 40, width: 40 });
  assert.deepEqual(set.input.shape, [1, 40, 40, 3]);
  tf.dispose([small.input, large.input, set.input, maps as tf.Tensor]);
  model.dispose();
  const sized = await loadModel(path, { inputSize: [48, 48] });
  const fromOption = await loadModelInput(sized, writePng(100, 60));
  assert.deepEqual(fromOption.input.shape, [1, 48, 48, 3], 'a requested size is kept');
  fromOption.input.dispose();
  sized.dispose();
});

test('the feature maps summary says why a model without a fixed size ran at its size', async () => {
  const { path } = writeAnySizeGraph();
  const model = await loadModel(path);
  const loaded = await loadModelInput(model, writePng(100, 60));
  const pass = await runFeatureMapPass(model, { input: loaded.input, spec: loaded.spec, imageName: 'a.png', imageWidth: 100, imageHeight: 60 });
  assert.equal(pass.summary.inputSizeNote, 'the model does not fix its input size; this one comes from the image');
  assert.deepEqual(pass.summary.layers.find((l) => l.id === 'conv')?.shape, [1, 32, 48, 4]);
  loaded.input.dispose();
  model.dispose();
  const fixed = await loadModel(writeNchwGraph().path);
  const image = await loadModelInput(fixed, writePng(100, 60));
  const plain = await runFeatureMapPass(fixed, { input: image.input, spec: image.spec, imageName: 'a.png', imageWidth: 100, imageHeight: 60 });
  assert.equal(plain.summary.inputSizeNote, undefined);
  assert.deepEqual(plain.summary.layers.find((l) => l.id === 'relu')?.shape, [1, 8, 8, 4], 'NCHW maps arrive NHWC');
  image.input.dispose();
  fixed.dispose();
});

test('an ONNX model (its input size fixed at load) accepts only its own size as the requested one', async () => {
  const file = onnxFixture('alexnet_narrow.onnx');
  const model = await loadModel(file);
  const [, h, w] = model.info.inputShape as number[];
  model.dispose();
  const same = await loadModel(file, { inputSize: [h as number, w as number] });
  assert.equal(same.info.assumedInputSize, undefined);
  same.dispose();
  await assert.rejects(loadModel(file, { inputSize: [(h as number) + 1, w as number] }), /takes a fixed input size of \d+×\d+, so it cannot run at/);
});
