// Bad ONNX files fail with one sentence and the right code, and the engine keeps working afterwards.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import { LayerLensError } from '../../../src/shared/errors';
import { fixtureBytes, fixtureIndex, fixturePath, nhwcInput } from './fixtureData';
import { buildOnnx, seeded } from './onnxBuilder';

async function rejects(p: Promise<unknown>, code: string, ...parts: string[]): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof LayerLensError, `not a LayerLensError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const part of parts) assert.ok(e.message.includes(part), `"${e.message}" lacks "${part}"`);
    assert.equal(e.message.split(/\.\s/).length, 1, `more than one sentence: ${e.message}`);
    return e.message;
  }
  assert.fail(`expected a ${code} error`);
}

const conv = (extra: Partial<Parameters<typeof buildOnnx>[0]> = {}) =>
  buildOnnx({
    input: { name: 'x', dims: [1, 1, 4, 4] },
    outputs: ['y'],
    initializers: [{ name: 'w', dims: [2, 1, 3, 3], data: seeded(18) }],
    nodes: [{ op: 'Conv', name: '/c/Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [3, 3] } }],
    ...extra,
  });

describe('ONNX import errors', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('names an unsupported op, its first node and the count', async () => {
    const bytes = buildOnnx({
      input: { name: 'x', dims: [1, 3, 8, 8] },
      outputs: ['z'],
      nodes: [
        { op: 'Relu', name: '/a/Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'FancyOp', name: '/b/FancyOp', inputs: ['r'], outputs: ['y'] },
        { op: 'FancyOp', name: '/c/FancyOp', inputs: ['y'], outputs: ['z'] },
      ],
    });
    await rejects(loadOnnxModel(bytes, '/m/fancy.onnx'), 'unsupportedOp', 'fancy.onnx', "'FancyOp'", "'/b/FancyOp'", '2 nodes');
  });

  it('reports truncated and corrupt files as malformed', async () => {
    const m = fixtureIndex.models.mnist_cnn;
    const bytes = fixtureBytes(m.onnx);
    for (const cut of [0.3, 0.7, 0.999]) {
      await rejects(loadOnnxModel(bytes.subarray(0, Math.floor(bytes.length * cut)), '/m/cut.onnx'), 'malformedModel', 'cut.onnx');
    }
    await rejects(loadOnnxModel(new TextEncoder().encode('{"not": "onnx"}'), '/m/json.onnx'), 'malformedModel', 'json.onnx');
  });

  it('reports missing external data', async () => {
    const bytes = conv({ initializers: [{ name: 'w', dims: [2, 1, 3, 3], external: { location: 'w.bin' } }] });
    await rejects(loadOnnxModel(bytes, '/m/ext.onnx', () => Promise.reject(new Error('ENOENT'))), 'missingWeights', 'ext.onnx', 'w.bin');
    await rejects(loadOnnxModel(bytes, '/m/ext.onnx'), 'missingWeights', 'w.bin');
    await rejects(loadOnnxModel(bytes, '/m/ext.onnx', () => Promise.resolve(new Uint8Array(8))), 'missingWeights', 'w.bin');
    // Present external data loads.
    const w = new Uint8Array(new Float32Array(seeded(18)).buffer);
    const model = await loadOnnxModel(bytes, '/m/ext.onnx', (name) => (name === 'w.bin' ? Promise.resolve(w) : Promise.reject(new Error('no'))));
    const [y] = model.forward(tf.ones([1, 4, 4, 1]), ['c']);
    assert.deepEqual(y.shape, [1, 2, 2, 2]);
    tf.dispose(y);
    model.dispose();
  });

  it('reports shapes that cannot be resolved statically', async () => {
    await rejects(loadOnnxModel(conv({ input: { name: 'x', dims: [1, 1, 'height', 4] } }), '/m/dyn.onnx'), 'unresolvedShape', 'dyn.onnx', 'height');
    const bytes = buildOnnx({
      input: { name: 'x', dims: [1, 1, 2, 2] },
      outputs: ['y'],
      nodes: [
        { op: 'Flatten', name: '/f/Flatten', inputs: ['x'], outputs: ['flat'], attrs: { axis: 0 } },
        { op: 'Cast', name: '/c/Cast', inputs: ['flat'], outputs: ['shape'], attrs: { to: 7 } },
        { op: 'Reshape', name: '/r/Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
      ],
    });
    await rejects(loadOnnxModel(bytes, '/m/reshape.onnx'), 'unresolvedShape', 'reshape.onnx', "'/r/Reshape'");
  });

  it('leaves the engine working and leaks nothing after errors', async () => {
    const before = tf.memory().numTensors;
    await rejects(loadOnnxModel(conv({ input: { name: 'x', dims: [1, 1, 'h', 'w'] } }), '/m/a.onnx'), 'unresolvedShape');
    await rejects(loadOnnxModel(new Uint8Array([8, 1, 2]), '/m/b.onnx'), 'malformedModel');
    assert.equal(tf.memory().numTensors, before);
    const m = fixtureIndex.models.mnist_cnn;
    const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
    const x = nhwcInput(m.input);
    const [y] = model.forward(x, model.info.outputIds);
    assert.deepEqual(y.shape, [1, 10]);
    tf.dispose([x, y]);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
