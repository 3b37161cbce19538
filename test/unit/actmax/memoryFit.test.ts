// A batch of units that would not fit the wasm heap (4 GiB at most) is refused before any work, in one sentence that
// names the batch that fits, and nothing is left allocated; one that fits runs; other backends are not held to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { renderActmax } from '../../../src/core/actmax';
import { actmaxBytesPerUnit, checkActmaxFits, WASM_ACTMAX_BUDGET_BYTES, type BatchShape } from '../../../src/core/actmax/memoryFit';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { LayerLensError } from '../../../src/shared/errors';
import type { InputSpec, LayerInfo, ModelInfo } from '../../../src/shared/model';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { writeAnySizeLayers } from '../model/inputsModels';
import { tinyConvNet } from './nets';

const spec224: InputSpec = { height: 224, width: 224, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };

/** A model of `layers` conv layers, each [1, side, side, channels] (null: any size): only its info is read. */
function fakeModel(layers: number, side: number | null, channels: number): LoadedModel {
  const list = Array.from({ length: layers }, (_, i) => ({ id: `conv${i}`, className: 'Conv2D', kind: 'conv', outputShape: [1, side, side, channels] }) as unknown as LayerInfo);
  return { info: { name: 'fake', format: 'layers', layers: list } as unknown as ModelInfo } as LoadedModel;
}

let tiny: LoadedModel;
before(async () => {
  await useBackend('wasm');
  tiny = tinyConvNet(7, 32);
});
after(() => tiny.dispose());

test('the largest batch that fits passes, one more unit is refused in one sentence naming it', () => {
  const model = fakeModel(1, 224, 64);
  const shape = (units: number): BatchShape => ({ layerIds: ['conv0'], units, image: [224, 224], modelInput: [224, 224], channels: 3 });
  const perUnit = actmaxBytesPerUnit(model, spec224, shape(1));
  // The input and three times the layer's output, and the image's copies: about 49 MB a unit.
  assert.equal(perUnit, 4 * (224 * 224 * 3 + 3 * 224 * 224 * 64) + 16 * 4 * 224 * 224 * 3);
  const most = Math.floor(WASM_ACTMAX_BUDGET_BYTES / perUnit);
  checkActmaxFits(model, spec224, shape(32), 'wasm', 0);
  checkActmaxFits(model, spec224, shape(most), 'wasm', 0);
  assert.throws(() => checkActmaxFits(model, spec224, shape(most + 1), 'wasm', 0), (e: unknown) => {
    assert.ok(e instanceof LayerLensError && e.code === 'badArgument');
    assert.match(e.message, new RegExp(`^${most + 1} units of fake → conv0 at 224 px would need about [0-9.]+ GB at once, more than the 3\\.5 GB the wasm backend has left: ask for at most ${most} units at a time\\.$`));
    return true;
  });
  // What is already held (the weights) counts against the heap.
  assert.throws(() => checkActmaxFits(model, spec224, shape(most), 'wasm', perUnit), /at most \d+ units/);
  // A unit that alone would not fit asks for a smaller image instead of a batch of 0.
  assert.throws(() => checkActmaxFits(fakeModel(40, 1024, 256), spec224, { ...shape(1), layerIds: ['conv39'] }, 'wasm', 0), /ask for a smaller image or an earlier layer\.$/);
  // webgpu's batches are sized by the atlas against the GPU's memory, not the wasm heap.
  checkActmaxFits(model, spec224, shape(most + 1), 'webgpu', 0);
});

test('a render whose batch would not fit is refused before any tensor is made; one that fits runs', async () => {
  const request = { layerId: 'conv2', preset: 'lucid' as const, overrides: { size: 1024, steps: 1 } };
  const tensors = tf.memory().numTensors;
  // A 1024 px image fitted to the net's 32 px: the image's copies alone are 201 MB a unit.
  await assert.rejects(renderActmax(tiny, { ...request, units: Array.from({ length: 64 }, (_, i) => i % 12) }), (e: unknown) => {
    assert.ok(e instanceof LayerLensError && e.code === 'badArgument');
    assert.match(e.message, /^64 units of tiny-conv → conv2 at 1024 px would need about [0-9.]+ GB at once, .* ask for at most \d+ units at a time\.$/);
    return true;
  });
  assert.equal(tf.memory().numTensors, tensors);
  const result = await renderActmax(tiny, { ...request, units: [0, 1], overrides: { size: 64, steps: 1 } });
  assert.equal(result.images.length, 2);
});

test('a model of any input size is counted at the size the run uses, not with its unknown sides as 1', async () => {
  const shape = (layer: string, units: number, side: number): BatchShape => ({ layerIds: [layer], units, image: [side, side], modelInput: [side, side], channels: 3 });
  // Sides left unknown (shapes not probed): taken at the run's size, as the same layer of a model fixed at it.
  assert.equal(actmaxBytesPerUnit(fakeModel(1, null, 256), spec224, shape('conv0', 1, 224)), actmaxBytesPerUnit(fakeModel(1, 224, 256), spec224, shape('conv0', 1, 224)));
  // The tiny net of any size at 512 px: 60 units need about 8.4 GB (its outputs counted as a few channels: 3 GB).
  const anySize = tinyConvNet(7, null);
  try {
    assert.throws(() => checkActmaxFits(anySize, spec224, shape('conv2', 60, 512), 'wasm', 0), /^LayerLensError: 60 units of tiny-conv → conv2 at 512 px would need about 8\.4 GB at once, .* ask for at most 24 units at a time\.$/);
  } finally {
    anySize.dispose();
  }
  // A model loaded at the default 224 (its shapes probed there) and an image of 448: as the model loaded at 448.
  const path = await writeAnySizeLayers();
  const at224 = await loadModel(path);
  const at448 = await loadModel(path, { inputSize: [448, 448] });
  try {
    assert.deepEqual(at224.info.assumedInputSize, { height: 224, width: 224, source: 'default' });
    const bytes = actmaxBytesPerUnit(at448, spec224, shape('conv', 1, 448));
    assert.equal(actmaxBytesPerUnit(at224, spec224, shape('conv', 1, 448)), bytes);
    assert.equal(bytes, 4 * (448 * 448 * 3 + 3 * (448 * 448 * 3 + 224 * 224 * 4)) + 16 * 4 * 448 * 448 * 3);
  } finally {
    at224.dispose();
    at448.dispose();
  }
});
