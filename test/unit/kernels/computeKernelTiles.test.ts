import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { computeKernelTiles } from '../../../src/core/kernels/kernelTiles';
import { saveLayersModel, tinyFunctional, tinySequential, writeGraphModel } from '../model/tinyModels';

test('computeKernelTiles reads a Layers conv kernel and draws it without leaking tensors', async () => {
  await useBackend('wasm');
  const model = await loadModel(await saveLayersModel(tinySequential()));
  const before = tf.memory().numTensors;
  const r = await computeKernelTiles(model, 'conv1', { mode: 'auto', normalize: 'filter' });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(r.layerId, 'conv1');
  assert.equal(r.mode, 'mean');
  assert.deepEqual(r.kernelShape, [3, 3, 1, 2]);
  // Filter 0 is a +1 centre tap: white centre, mid grey around; filter 1 (−1) a black centre.
  assert.equal(r.tiles[(0 * 9 + 4) * 4], 255);
  assert.equal(r.tiles[(0 * 9 + 0) * 4], 128);
  assert.equal(r.tiles[(1 * 9 + 4) * 4], 0);
  assert.deepEqual(Array.from(r.stats.l2), [1, 1]);
  await assert.rejects(computeKernelTiles(model, 'pool', { mode: 'auto', normalize: 'filter' }), (e: Error & { code?: string }) =>
    e.code === 'badArgument' && e.message.includes('pool') && e.message.includes('layers with kernels: conv1'));
  model.dispose();
});

test('depthwise kernels become one tile per output channel; RGB for a 3-channel first layer; Graph convs too', async () => {
  await useBackend('cpu');
  const model = await loadModel(await saveLayersModel(tinyFunctional()));
  const dw = await computeKernelTiles(model, 'dw', { mode: 'auto', normalize: 'layer' });
  assert.deepEqual(dw.kernelShape, [3, 3, 1, 8]);
  assert.equal(dw.count, 8);
  const rgb = await computeKernelTiles(model, 'convA', { mode: 'auto', normalize: 'filter' });
  assert.equal(rgb.mode, 'rgb');
  assert.equal(rgb.count, 4);
  const per = await computeKernelTiles(model, 'convA', { mode: 'perChannel', normalize: 'filter' });
  assert.equal(per.count, 12);
  assert.equal(per.tilesPerFilter, 3);
  model.dispose();
  const graph = await loadModel(writeGraphModel().path);
  const g = await computeKernelTiles(graph, 'block/conv/Conv2D', { mode: 'auto', normalize: 'filter' });
  assert.deepEqual(g.kernelShape, [3, 3, 1, 2]);
  assert.equal(g.count, 2);
  graph.dispose();
});
