// Module tree from node names, kernels in HWIO, early stop, and no tensor leaks over repeated calls.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import { scopeChain } from '../../../src/core/onnx/modules';
import { buildGraph, decodeModel } from '../../../src/core/onnx/onnxGraph';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { fixtureBytes, fixtureIndex, fixturePath, nhwcInput } from './fixtureData';

describe('ONNX module tree', () => {
  let googlenet: LoadedModel;
  before(async () => {
    await useBackend('wasm');
    const m = fixtureIndex.models.googlenet;
    googlenet = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
  });
  after(() => googlenet.dispose());

  it('turns exporter scopes into dotted module paths', () => {
    assert.deepEqual(scopeChain('/inception4a/branch1/conv/Conv'), ['inception4a', 'inception4a.branch1', 'inception4a.branch1.conv']);
    assert.deepEqual(scopeChain('/features/features.3/conv/conv.0/conv.0.0/Conv').pop(), 'features.3.conv.0.0');
    assert.deepEqual(scopeChain('/features/denseblock2/denselayer1/conv1/Conv').pop(), 'features.denseblock2.denselayer1.conv1');
    assert.deepEqual(scopeChain('/trunk_output/block2/block2-0/proj/Conv').pop(), 'trunk_output.block2.block2-0.proj');
    assert.deepEqual(scopeChain('Conv_0'), []);
  });

  it('describes GoogLeNet modules, convs, outputs and logits', () => {
    const info = googlenet.info;
    const byId = new Map(info.layers.map((l) => [l.id, l]));
    assert.equal(info.format, 'onnx');
    assert.equal(info.nativeLayout, 'NCHW');
    assert.deepEqual(info.inputShape, [null, 224, 224, 3]);
    const inc = byId.get('inception4a')!;
    assert.equal(inc.kind, 'module');
    assert.deepEqual(inc.outputShape, [null, 14, 14, 512]);
    const conv = byId.get('inception4a.branch1.conv')!;
    assert.equal(conv.className, 'Conv');
    assert.equal(conv.parent, 'inception4a.branch1');
    assert.deepEqual(conv.kernelShape, [1, 1, 480, 192]);
    assert.match(conv.note ?? '', /BatchNorm/);
    assert.equal(byId.get('inception4a.branch2.0.conv')?.parent, 'inception4a.branch2.0');
    assert.equal(byId.get('inception4a.branch1')?.parent, 'inception4a');
    assert.deepEqual(info.outputIds, ['fc']);
    assert.equal(info.logitsId, 'fc');
    assert.ok(info.paramCount > 6e6 && info.paramCount < 7.5e6, `paramCount ${info.paramCount}`);
    // Parents come before their children.
    const pos = new Map(info.layers.map((l, i) => [l.id, i]));
    for (const l of info.layers) if (l.parent) assert.ok(pos.get(l.parent)! < pos.get(l.id)!, `${l.parent} after ${l.id}`);
  });

  it('stops after the deepest requested module', () => {
    const x = tf.zeros([1, 224, 224, 3]) as tf.Tensor4D;
    const convCalls = (ids: string[]) => {
      const kernels: string[] = [];
      const engine = tf.engine();
      const orig = engine.runKernel.bind(engine);
      engine.runKernel = ((name: string, ...rest: unknown[]) => {
        kernels.push(name);
        return (orig as (...a: unknown[]) => unknown)(name, ...rest);
      }) as typeof engine.runKernel;
      try {
        tf.dispose(googlenet.forward(x, ids));
      } finally {
        engine.runKernel = orig;
      }
      return kernels.filter((k) => k.includes('Conv2D')).length;
    };
    assert.equal(convCalls(['conv1']), 1);
    const upTo4a = convCalls(['inception4a']);
    const all = convCalls(['fc']);
    assert.ok(upTo4a < all && upTo4a >= 3 + 6 * 3, `convs to inception4a ${upTo4a}, all ${all}`);
    x.dispose();
  });

  it('does not leak tensors over repeated forward and gradient calls', () => {
    const x = nhwcInput(fixtureIndex.models.googlenet.input);
    const run = () => {
      tf.dispose(googlenet.forward(x, ['conv1', 'inception3a']));
      // Not inside tf.tidy: TF.js 4.22 leaks tf.grad's forward value when tf.grad runs in a tidy.
      tf.grad((inp) => tf.mean(googlenet.forward(inp as tf.Tensor4D, ['inception3a'])[0]))(x).dispose();
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) run();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});

describe('ONNX kernels', () => {
  it('AlexNet conv1 is 64 RGB 11x11 kernels in HWIO', async () => {
    await useBackend('wasm');
    const m = fixtureIndex.models.alexnet_narrow;
    const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
    const k = model.kernel('features.0')!;
    assert.deepEqual(k.shape, [11, 11, 3, 64]);
    const layer = model.info.layers.find((l) => l.id === 'features.0')!;
    assert.deepEqual(layer.kernelShape, [11, 11, 3, 64]);
    assert.equal(layer.note, undefined);
    assert.equal(model.kernel('features.1'), null);
    // HWIO[y][x][i][o] is the ONNX OIHW weight [o][i][y][x].
    const graph = await buildGraph(decodeModel(fixtureBytes(m.onnx), m.onnx), m.onnx);
    const w = graph.initializers.get(graph.nodes[0].inputs[1])!;
    const kd = k.dataSync();
    for (const [y, x, i, o] of [[0, 0, 0, 0], [2, 3, 1, 5], [10, 7, 2, 63]]) {
      assert.equal(kd[((y * 11 + x) * 3 + i) * 64 + o], w.data[((o * 3 + i) * 11 + y) * 11 + x]);
    }
    k.dispose();
    model.dispose();
  });
});
