// The engine's feature maps handler on a real (tiny) Layers model saved to disk and real PNG files:
// one forward pass serves the summary (with the shown layer's values) and every layer, values match hand-computed ones, errors name the file.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { encode } from 'fast-png';
import { useBackend } from '../../helpers/backend';
import { saveLayersModel, tempDir, tinySequential } from '../model/tinyModels';
import { ActivationsHandler } from '../../../src/engine/handlers/activations';
import { mapGeometry } from '../../../src/core/activations/featureMapPass';
import { ModelCache } from '../../../src/engine/modelCache';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { LayerLensError } from '../../../src/shared/errors';

// A 6 × 6 gray ramp: pixel (y, x) = 10 * (y * 6 + x).
const PIXELS = Uint8Array.from({ length: 36 }, (_, i) => i * 7);
let modelPath = '';
let dir = '';

before(async () => {
  await useBackend('wasm');
  dir = tempDir();
  modelPath = await saveLayersModel(tinySequential(), dir);
  writeFileSync(join(dir, 'ramp.png'), encode({ width: 6, height: 6, data: PIXELS, channels: 1, depth: 8 }));
  writeFileSync(join(dir, 'corrupt.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)]));
});

/** A ModelCache whose models count their forward calls. */
function countingCache(): { cache: Pick<ModelCache, 'get'>; calls: () => number } {
  const real = new ModelCache();
  let calls = 0;
  const wrapped = new Map<LoadedModel, LoadedModel>();
  return {
    calls: () => calls,
    cache: {
      get: async (p: string) => {
        const m = await real.get(p);
        let w = wrapped.get(m);
        if (!w) {
          w = { info: m.info, kernel: (id) => m.kernel(id), dispose: () => m.dispose(), forward: (x, ids) => (calls++, m.forward(x, ids)) };
          wrapped.set(m, w);
        }
        return w;
      },
    },
  };
}

/** conv1 of tinySequential on the ramp: filter 0 = relu(center/255 + 0.5), filter 1 = relu(-center/255) = 0. */
function expectedConv1(): Float32Array {
  const out = new Float32Array(4 * 4 * 2);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) out[(y * 4 + x) * 2] = PIXELS[(y + 1) * 6 + x + 1] / 255 + 0.5;
  return out;
}

test('open: one pass gives every layer with its geometry and stats, the input as the model sees it, top predictions', async () => {
  const { cache, calls } = countingCache();
  const handler = new ActivationsHandler(cache);
  const progress: number[] = [];
  const r = await handler.open({ modelPath, imagePath: join(dir, 'ramp.png') }, { onProgress: (p) => progress.push(p.done) });
  assert.equal(calls(), 1);
  assert.deepEqual(r.layers.map((l) => [l.id, l.height, l.width, l.channels]), [['conv1', 4, 4, 2], ['pool', 2, 2, 2], ['flat', 1, 1, 8], ['fc', 1, 1, 3], ['fc/logits', 1, 1, 3]]);
  assert.deepEqual(progress, [1, 2, 3, 4, 5]);
  const conv1 = r.layers[0];
  const exp = expectedConv1();
  const ch0 = Array.from({ length: 16 }, (_, i) => exp[i * 2]);
  assert.ok(Math.abs(conv1.stats.min[0] - Math.min(...ch0)) < 1e-5);
  assert.ok(Math.abs(conv1.stats.max[0] - Math.max(...ch0)) < 1e-5);
  assert.ok(Math.abs(conv1.stats.mean[0] - ch0.reduce((a, b) => a + b) / 16) < 1e-5);
  assert.equal(conv1.stats.zeroFraction[1], 1, 'filter 1 is dead on a non-negative image');
  assert.equal(conv1.stats.zeroFraction[0], 0);
  // The input comes back at model size, gray shown as R = G = B, opaque.
  assert.equal(r.input.width, 6);
  assert.equal(r.input.height, 6);
  assert.ok(r.input.rgba instanceof Uint8ClampedArray);
  for (let i = 0; i < 36; i++) {
    assert.ok(Math.abs(r.input.rgba[i * 4] - PIXELS[i]) <= 1, `pixel ${i}`);
    assert.equal(r.input.rgba[i * 4 + 3], 255);
  }
  assert.equal(r.imageName, 'ramp.png');
  assert.deepEqual([r.imageWidth, r.imageHeight], [6, 6]);
  // fc ends in a softmax: 3 classes, probabilities sorted, summing to 1.
  assert.equal(r.predictions.length, 3);
  assert.ok(Math.abs(r.predictions.reduce((a, p) => a + p.probability, 0) - 1) < 1e-5);
  assert.ok(r.predictions[0].probability >= r.predictions[1].probability);
  assert.equal(r.predictions[0].label, `class ${r.predictions[0].classIndex}`);
  // The loader exposes the pre-softmax logits: the ranking is the softmax of them, i.e. fc's own output.
  const fc = await handler.layer({ modelPath, imagePath: join(dir, 'ramp.png'), layerId: 'fc' });
  for (const p of r.predictions) assert.ok(Math.abs(p.probability - fc.data[p.classIndex]) < 1e-5);
});

test('layer: values come from the cached pass (no second forward) and match the hand-computed conv', async () => {
  const { cache, calls } = countingCache();
  const handler = new ActivationsHandler(cache);
  const imagePath = join(dir, 'ramp.png');
  await handler.open({ modelPath, imagePath });
  const conv1 = await handler.layer({ modelPath, imagePath, layerId: 'conv1' });
  const fc = await handler.layer({ modelPath, imagePath, layerId: 'fc' });
  assert.equal(calls(), 1);
  assert.ok(conv1.data instanceof Float32Array);
  assert.deepEqual([conv1.height, conv1.width, conv1.channels, conv1.data.length], [4, 4, 2, 32]);
  const exp = expectedConv1();
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(conv1.data[i] - exp[i]) < 1e-5, `value ${i}`);
  assert.equal(fc.data.length, 3);
  await assert.rejects(handler.layer({ modelPath, imagePath, layerId: 'nope' }), (e: unknown) => e instanceof LayerLensError && e.code === 'unknownLayer');
});

test('open answers with the shown layer\'s values (one request): the one asked for, else the first with maps larger than 1 × 1', async () => {
  const { cache, calls } = countingCache();
  const handler = new ActivationsHandler(cache);
  const imagePath = join(dir, 'ramp.png');
  const exp = expectedConv1();
  const plain = await handler.open({ modelPath, imagePath });
  assert.equal(calls(), 1, 'the first layer\'s values must come from the same forward pass');
  assert.ok(plain.firstLayer, 'open gave no layer values');
  assert.deepEqual([plain.firstLayer.layerId, plain.firstLayer.height, plain.firstLayer.width, plain.firstLayer.channels], ['conv1', 4, 4, 2]);
  assert.equal(plain.firstLayer.data.length, 32);
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(plain.firstLayer.data[i] - exp[i]) < 1e-5, `value ${i}`);

  const asked = await handler.open({ modelPath, imagePath, layerId: 'pool' });
  assert.deepEqual([asked.firstLayer?.layerId, asked.firstLayer?.data.length], ['pool', 8]);
  // pool is a 2 × 2 max pool of conv1: its first value is the largest of conv1's top-left 2 × 2 block of filter 0.
  assert.ok(Math.abs(asked.firstLayer!.data[0] - Math.max(exp[0], exp[2], exp[8], exp[10])) < 1e-5);
  const unknown = await handler.open({ modelPath, imagePath, layerId: 'no such layer' });
  assert.equal(unknown.firstLayer?.layerId, 'conv1', 'an unknown layer falls back to the first one with maps');
  assert.equal(calls(), 1, 'the same image and settings are not run again for another first layer');
});

test('a pass too large to keep recomputes the one layer asked for, with the same values', async () => {
  const { cache, calls } = countingCache();
  const handler = new ActivationsHandler(cache, 0);
  const imagePath = join(dir, 'ramp.png');
  const opened = await handler.open({ modelPath, imagePath, layerId: 'conv1' });
  // The pass, then conv1 again for the values the answer carries.
  assert.equal(calls(), 2);
  const conv1 = await handler.layer({ modelPath, imagePath, layerId: 'conv1' });
  assert.equal(calls(), 3);
  const exp = expectedConv1();
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(conv1.data[i] - exp[i]) < 1e-5);
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(opened.firstLayer!.data[i] - exp[i]) < 1e-5);
});

test('a changed image file is run again; an unchanged one is not', async () => {
  const { cache, calls } = countingCache();
  const handler = new ActivationsHandler(cache);
  const imagePath = join(dir, 'changing.png');
  writeFileSync(imagePath, encode({ width: 6, height: 6, data: PIXELS, channels: 1, depth: 8 }));
  const a = await handler.open({ modelPath, imagePath });
  await handler.open({ modelPath, imagePath });
  assert.equal(calls(), 1);
  writeFileSync(imagePath, encode({ width: 6, height: 6, data: new Uint8Array(36).fill(255), channels: 1, depth: 8 }));
  utimesSync(imagePath, new Date(), new Date(Date.now() + 5000));
  const b = await handler.open({ modelPath, imagePath });
  assert.equal(calls(), 2);
  assert.notEqual(a.layers[0].stats.mean[0], b.layers[0].stats.mean[0]);
  assert.ok(Math.abs(b.layers[0].stats.mean[0] - 1.5) < 1e-5);
});

test('a corrupt PNG and a missing file give one sentence naming the file; the handler keeps working', async () => {
  const handler = new ActivationsHandler(new ModelCache());
  await assert.rejects(handler.open({ modelPath, imagePath: join(dir, 'corrupt.png') }), (e: unknown) => {
    assert.ok(e instanceof LayerLensError);
    assert.equal(e.code, 'notAnImage');
    assert.match(e.message, /corrupt\.png/);
    return true;
  });
  await assert.rejects(handler.open({ modelPath, imagePath: join(dir, 'absent.png') }), (e: unknown) => e instanceof LayerLensError && e.code === 'notFound' && /absent\.png/.test(e.message));
  const ok = await handler.open({ modelPath, imagePath: join(dir, 'ramp.png') });
  assert.equal(ok.layers.length, 5);
});

test('a chosen set of layers computes only those (plus the classifier output for predictions)', async () => {
  const handler = new ActivationsHandler(new ModelCache());
  const r = await handler.open({ modelPath, imagePath: join(dir, 'ramp.png'), layerIds: ['pool'] });
  assert.deepEqual(r.layers.map((l) => l.id), ['pool']);
  assert.equal(r.predictions.length, 3);
});

test('no tensor leaks over repeated opens and layer fetches', async () => {
  const handler = new ActivationsHandler(new ModelCache(), 0);
  const imagePath = join(dir, 'ramp.png');
  await handler.open({ modelPath, imagePath });
  await handler.layer({ modelPath, imagePath, layerId: 'pool' });
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    handler.clear();
    await handler.open({ modelPath, imagePath });
    await handler.layer({ modelPath, imagePath, layerId: 'conv1' });
  }
  assert.equal(tf.memory().numTensors, before);
});

test('mapGeometry: maps, sequences and vectors as grids of maps', () => {
  assert.deepEqual(mapGeometry([1, 28, 28, 32]), { height: 28, width: 28, channels: 32 });
  assert.deepEqual(mapGeometry([1, 10]), { height: 1, width: 1, channels: 10 });
  assert.deepEqual(mapGeometry([1, 7, 16]), { height: 1, width: 7, channels: 16 });
  assert.deepEqual(mapGeometry([1, 2, 3, 4, 5]), { height: 2, width: 12, channels: 5 });
});
