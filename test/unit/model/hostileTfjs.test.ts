// Hostile TF.js model folders: broken layer graphs, manifests that do not match, non-finite and quantized
// weights, graphs with unknown ops or cycles. Each is refused with one sentence naming the file (no TF.js text),
// and nothing hangs: the loads that used to spin forever inside tfjs-layers run in a child with a deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { computeKernelTiles } from '../../../src/core/kernels/kernelTiles';
import { LayerLensError } from '../../../src/shared/errors';
import { loadAllInChild } from './loadChildRun';
import { copyModel, editModelJson, layerByName, saveLayersModel, tempDir, tinyFunctional, tinySequential, writeGraphModel } from './tinyModels';

const TIMEOUT = { timeout: 120_000 };

/** One sentence, naming the file, in our words. */
function assertClear(message: string, path: string, ...parts: string[]): void {
  assert.ok(message.includes(path), `"${message}" should name ${path}`);
  for (const p of parts) assert.ok(message.includes(p), `"${message}" should mention ${p}`);
  assert.match(message, /^[^\n]*\.$/, `not one line ending in a full stop: ${message}`);
  assert.equal(message.split(/\.\s+(?=[A-Z])/).length, 1, `more than one sentence: ${message}`);
  assert.doesNotMatch(message, /File an issue|tfjs|Cannot read properties|undefined|Invalid typed array/, message);
}

async function refused(path: string, code: string, ...parts: string[]): Promise<string> {
  try {
    const m = await loadModel(path);
    m.dispose();
  } catch (e) {
    assert.ok(e instanceof LayerLensError, `not a LayerLensError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assertClear(e.message, path, ...parts);
    return e.message;
  }
  assert.fail(`${path} loaded, but it should be refused (${code})`);
}

test('broken layer graphs are refused before tfjs-layers can loop on them', TIMEOUT, async () => {
  await useBackend('cpu');
  const base = await saveLayersModel(tinyFunctional());
  const cases: { label: string; parts: string[]; edit: (j: Record<string, any>) => void }[] = [
    { label: 'cycle', parts: ['cycle', 'convA', 'sum'], edit: (j) => (layerByName(j, 'convA').inbound_nodes = [[['sum', 0, 0, {}]]]) },
    { label: 'self loop', parts: ["'convB'", 'its own output'], edit: (j) => (layerByName(j, 'convB').inbound_nodes = [[['convB', 0, 0, {}]]]) },
    { label: 'dangling layer', parts: ["'ghost'"], edit: (j) => (layerByName(j, 'convB').inbound_nodes = [[['ghost', 0, 0, {}]]]) },
    { label: 'dangling call', parts: ["'image'", 'call 3'], edit: (j) => (layerByName(j, 'convB').inbound_nodes = [[['image', 3, 0, {}]]]) },
    {
      label: 'duplicate name',
      parts: ["'convA'", 'two layers'],
      edit: (j) => {
        const b = layerByName(j, 'convB');
        b.name = 'convA';
        b.config.name = 'convA';
      },
    },
    { label: 'renamed in config', parts: ["'convB'", "'other'"], edit: (j) => (layerByName(j, 'convB').config.name = 'other') },
    { label: 'output names nothing', parts: ["'nowhere'"], edit: (j) => (j.modelTopology.config.output_layers = [['nowhere', 0, 0]]) },
    { label: 'no layers', parts: ['no layers'], edit: (j) => (j.modelTopology.config.layers = []) },
    { label: 'input is not an InputLayer', parts: ["'convA'", 'InputLayer'], edit: (j) => (j.modelTopology.config.input_layers = [['convA', 0, 0]]) },
  ];
  const paths = cases.map((c) => editModelJson(copyModel(base), c.edit));
  const outcomes = loadAllInChild(paths);
  cases.forEach((c, i) => {
    const o = outcomes.get(paths[i] as string);
    assert.ok(o, `${c.label}: no outcome`);
    assert.ok(!o.hung, `${c.label}: the load hung`);
    assert.equal(o.ok, false, `${c.label}: accepted`);
    assert.equal(o.code, 'malformedModel', `${c.label}: ${o.message}`);
    assertClear(o.message as string, paths[i] as string, ...c.parts);
  });
});

// A shared layer reading its own earlier call is a valid Keras graph (A(A(x))), not a self loop.
test('a shared layer or nested model applied twice still loads', TIMEOUT, async () => {
  await useBackend('cpu');
  const tfl = await import('@tensorflow/tfjs-layers');
  const input = tfl.input({ shape: [4], name: 'v' });
  const dense = tfl.layers.dense({ name: 'twice', units: 4 });
  const out = dense.apply(dense.apply(input)) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const path = await saveLayersModel(tfl.model({ inputs: input, outputs: out }));
  const model = await loadModel(path);
  assert.ok(model.info.layers.some((l) => l.id === 'twice'));
  model.dispose();
  // Nested models count their inner node first: their calls from outside are nodes 1, 2, ...
  const block = tfl.sequential({ name: 'block', layers: [tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 2, kernelSize: 3, padding: 'same', name: 'innerConv' })] });
  const image = tfl.input({ shape: [6, 6, 2], name: 'img' });
  const twiceBlock = block.apply(block.apply(image)) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const sub = tfl.model({ inputs: image, outputs: twiceBlock, name: 'sub' });
  const outer = tfl.input({ shape: [6, 6, 2], name: 'outer' });
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(sub.apply(outer)) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const nested = await loadModel(await saveLayersModel(tfl.model({ inputs: outer, outputs: gap })));
  assert.deepEqual(nested.info.layers.map((l) => l.id), ['outer', 'sub', 'gap']);
  nested.dispose();
});

test('layer configs whose sizes cannot be built are refused before tfjs-layers allocates them', TIMEOUT, async () => {
  await useBackend('cpu');
  const base = await saveLayersModel(tinyFunctional());
  const seq = await saveLayersModel(tinySequential());
  const cases: { label: string; from: string; parts: string[]; edit: (j: Record<string, any>) => void }[] = [
    { label: 'filters 1e9', from: base, parts: ["'convB'", 'filters'], edit: (j) => (layerByName(j, 'convB').config.filters = 1e9) },
    { label: 'kernel 0', from: base, parts: ["'convB'", 'kernel_size'], edit: (j) => (layerByName(j, 'convB').config.kernel_size = [0, 0]) },
    { label: 'strides 0', from: base, parts: ["'convB'", 'strides'], edit: (j) => (layerByName(j, 'convB').config.strides = [0, 0]) },
    { label: 'negative input', from: base, parts: ["'image'", '-5'], edit: (j) => (layerByName(j, 'image').config.batch_input_shape = [null, -5, 5, 3]) },
    { label: 'huge input', from: base, parts: ["'image'", '30000000000 values'], edit: (j) => (layerByName(j, 'image').config.batch_input_shape = [null, 100000, 100000, 3]) },
    { label: 'units -1', from: base, parts: ["'logits'", 'units'], edit: (j) => (layerByName(j, 'logits').config.units = -1) },
    { label: 'no input shape', from: seq, parts: ['input shape'], edit: (j) => delete j.modelTopology.config.layers[0].config.batch_input_shape },
  ];
  const paths = cases.map((c) => editModelJson(copyModel(c.from), c.edit));
  const outcomes = loadAllInChild(paths);
  cases.forEach((c, i) => {
    const o = outcomes.get(paths[i] as string);
    assert.ok(o && !o.hung, `${c.label}: the load hung or never ran`);
    assert.equal(o.code, 'malformedModel', `${c.label}: ${o.message}`);
    assertClear(o.message as string, paths[i] as string, ...c.parts);
  });
  const activation = editModelJson(copyModel(base), (j) => (layerByName(j, 'convB').config.activation = 'sparkle'));
  await refused(activation, 'malformedModel', 'sparkle');
});

test('manifest entries that are duplicated or do not match the topology are refused', TIMEOUT, async () => {
  await useBackend('cpu');
  const base = await saveLayersModel(tinySequential());
  const dup = editModelJson(copyModel(base), (j) => j.weightsManifest[0].weights.push({ ...j.weightsManifest[0].weights[0] }));
  await refused(dup, 'malformedModel', "'conv1/kernel'", 'twice');
  const ghost = editModelJson(copyModel(base), (j) => (j.weightsManifest[0].weights[0].name = 'ghost/kernel'));
  await refused(ghost, 'badWeights', "'ghost/kernel'");
  // Same byte count, other shape.
  const reshaped = editModelJson(copyModel(base), (j) => (j.weightsManifest[0].weights[0].shape = [3, 3, 2, 1]));
  await refused(reshaped, 'badWeights', "'conv1/kernel'", '[3, 3, 2, 1]', '[3, 3, 1, 2]');
  // The last weight left out of the manifest and the shard.
  const short = copyModel(base);
  const bin = readFileSync(join(short, '..', 'weights.bin'));
  writeFileSync(join(short, '..', 'weights.bin'), bin.subarray(0, bin.length - 3 * 4));
  editModelJson(short, (j) => j.weightsManifest[0].weights.pop());
  await refused(short, 'missingWeights', "'fc/bias'");
  const badShape = editModelJson(copyModel(base), (j) => (j.weightsManifest[0].weights[1].shape = [-2]));
  await refused(badShape, 'malformedModel', "'conv1/bias'", 'shape');
  const badType = editModelJson(copyModel(base), (j) => (j.weightsManifest[0].weights[1].dtype = 'float64'));
  await refused(badType, 'malformedModel', "'conv1/bias'", 'float64');
  // No manifest at all: TF.js would initialize every weight at random and draw noise.
  const none = editModelJson(copyModel(base), (j) => delete j.weightsManifest);
  await refused(none, 'missingWeights', "'conv1/kernel'", '3 other weights');
  const text = editModelJson(copyModel(base), (j) => (j.weightsManifest[0].weights[0].dtype = 'string'));
  await refused(text, 'malformedModel', "'conv1/kernel'", 'string');
  const huge = editModelJson(copyModel(base), (j) => (j.weightsManifest[0].weights[1].shape = [300000, 300000]));
  await refused(huge, 'malformedModel', "'conv1/bias'");
});

test('non-finite weights are refused naming the first tensor and the count', TIMEOUT, async () => {
  await useBackend('cpu');
  const base = await saveLayersModel(tinySequential());
  const path = copyModel(base);
  const bin = join(path, '..', 'weights.bin');
  const data = new Float32Array(new Uint8Array(readFileSync(bin)).buffer);
  data[3] = NaN;
  data[7] = Infinity;
  data[18 + 2 + 5] = -Infinity; // fc/kernel
  writeFileSync(bin, new Uint8Array(data.buffer));
  const message = await refused(path, 'badWeights', "'conv1/kernel'", '2 NaN or infinite values', '1 other weight');
  assert.ok(!message.includes('fc/kernel'), message);
});

/** Rewrites the sequential model's fc/kernel as quantized or float16 storage; returns the path and the values. */
function storeFcKernelAs(base: string, store: 'uint8' | 'float16', bits?: (i: number) => number): string {
  const path = copyModel(base);
  const bin = join(path, '..', 'weights.bin');
  const all = new Uint8Array(readFileSync(bin));
  const before = all.subarray(0, (18 + 2) * 4);
  const after = all.subarray((18 + 2 + 24) * 4);
  const stored =
    store === 'uint8'
      ? Uint8Array.from({ length: 24 }, (_, i) => i * 10)
      : new Uint8Array(Uint16Array.from({ length: 24 }, (_, i) => (bits ? bits(i) : 0x3c00)).buffer);
  writeFileSync(bin, Buffer.concat([before, stored, after]));
  editModelJson(path, (j) => {
    const w = j.weightsManifest[0].weights[2];
    w.quantization = store === 'uint8' ? { dtype: 'uint8', scale: 0.5, min: -1 } : { dtype: 'float16' };
  });
  return path;
}

test('quantized and float16 weights load; NaN scales and float16 infinities are refused', TIMEOUT, async () => {
  await useBackend('cpu');
  const base = await saveLayersModel(tinySequential());
  const q = await loadModel(storeFcKernelAs(base, 'uint8'));
  q.dispose();
  const half = await loadModel(storeFcKernelAs(base, 'float16'));
  half.dispose();
  const nanScale = editModelJson(storeFcKernelAs(base, 'uint8'), (j) => (j.weightsManifest[0].weights[2].quantization.scale = null));
  await refused(nanScale, 'malformedModel', "'fc/kernel'", 'scale');
  const infHalf = storeFcKernelAs(base, 'float16', (i) => (i === 5 ? 0x7c00 : i === 6 ? 0x7e00 : 0x3c00));
  await refused(infHalf, 'badWeights', "'fc/kernel'", '2 NaN or infinite values');
  const unknownQ = editModelJson(storeFcKernelAs(base, 'uint8'), (j) => (j.weightsManifest[0].weights[2].quantization.dtype = 'int4'));
  await refused(unknownQ, 'malformedModel', "'fc/kernel'", 'int4');
});

test('graph models with unknown ops, async ops, cycles and dangling inputs are refused at load', TIMEOUT, async () => {
  await useBackend('cpu');
  const base = writeGraphModel().path;
  const node = (j: Record<string, any>, name: string): Record<string, any> => j.modelTopology.node.find((n: { name: string }) => n.name === name);
  const unknown = editModelJson(copyModel(base), (j) => {
    node(j, 'block/relu').op = 'FancyRelu';
    node(j, 'head/softmax').op = 'Sparkle';
  });
  await refused(unknown, 'unsupportedOp', 'FancyRelu', 'Sparkle');
  const asyncOp = editModelJson(copyModel(base), (j) => (node(j, 'block/relu').op = 'Where'));
  await refused(asyncOp, 'unsupportedOp', 'Where');
  const cycle = editModelJson(copyModel(base), (j) => (node(j, 'block/relu').input = ['head/softmax']));
  await refused(cycle, 'malformedModel', 'cycle', 'block/relu');
  const selfLoop = editModelJson(copyModel(base), (j) => (node(j, 'block/relu').input = ['block/relu:0']));
  await refused(selfLoop, 'malformedModel', "'block/relu'", 'its own output');
  const dangling = editModelJson(copyModel(base), (j) => (node(j, 'block/relu').input = ['ghost']));
  await refused(dangling, 'malformedModel', "'ghost'");
  const duplicate = editModelJson(copyModel(base), (j) => j.modelTopology.node.push({ ...node(j, 'block/relu') }));
  await refused(duplicate, 'malformedModel', "'block/relu'", 'two nodes');
  const extraWeight = editModelJson(copyModel(base), (j) => (j.weightsManifest[0].weights[1].name = 'block/conv/bias_renamed'));
  await refused(extraWeight, 'badWeights', "'block/conv/bias_renamed'");
  const noStrides = editModelJson(copyModel(base), (j) => delete node(j, 'block/conv/Conv2D').attr.strides);
  await refused(noStrides, 'malformedModel', "'block/conv/Conv2D'", 'strides');
  const wrongType = editModelJson(copyModel(base), (j) => (j.weightsManifest[0].weights[2].dtype = 'float32'));
  await refused(wrongType, 'badWeights', "'head/flat/shape'", 'int32');
  const hugeInput = editModelJson(copyModel(base), (j) => (node(j, 'x').attr.shape.shape.dim = [-1, 100000, 100000, 3].map((size) => ({ size: String(size) }))));
  await refused(hugeInput, 'malformedModel', "'x'", '30000000000 values');
  const negInput = editModelJson(copyModel(base), (j) => (node(j, 'x').attr.shape.shape.dim = [-1, -4, 4, 1].map((size) => ({ size: String(size) }))));
  await refused(negInput, 'malformedModel', "'x'", '-4');
  const wrongShape = editModelJson(copyModel(base), (j) => (j.weightsManifest[0].weights[0].shape = [3, 3, 2, 1]));
  await refused(wrongShape, 'badWeights', "'block/conv/filter'", '[3, 3, 1, 2]');
});

test('a hand-written GraphModel Conv2D (no versions, no dilations, filter behind an Identity) draws its kernel', TIMEOUT, async () => {
  await useBackend('cpu');
  const dir = tempDir();
  const dim = (sizes: number[]): object => ({ dim: sizes.map((s) => ({ size: String(s) })) });
  const b64 = (s: string): string => Buffer.from(s, 'ascii').toString('base64');
  const nodes = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim([-1, 5, 5, 1]) } } },
    { name: 'w', op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dim([3, 3, 1, 2]) } }, dtype: { type: 'DT_FLOAT' } } },
    { name: 'w/read', op: 'Identity', input: ['w'], attr: { T: { type: 'DT_FLOAT' } } },
    {
      name: 'conv', op: 'Conv2D', input: ['x', 'w/read'],
      attr: { T: { type: 'DT_FLOAT' }, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('VALID') } },
    },
  ];
  const weights = Float32Array.from({ length: 18 }, (_, i) => (i - 9) / 9);
  writeFileSync(join(dir, 'w.bin'), new Uint8Array(weights.buffer));
  writeFileSync(
    join(dir, 'model.json'),
    JSON.stringify({ format: 'graph-model', modelTopology: { node: nodes }, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [3, 3, 1, 2], dtype: 'float32' }] }] }),
  );
  const model = await loadModel(join(dir, 'model.json'));
  const conv = model.info.layers.find((l) => l.id === 'conv');
  assert.deepEqual(conv?.kernelShape, [3, 3, 1, 2]);
  assert.deepEqual(conv?.outputShape, [null, 3, 3, 2]);
  const tiles = await computeKernelTiles(model, 'conv', { mode: 'perChannel', normalize: 'layer' });
  assert.deepEqual(tiles.kernelShape, [3, 3, 1, 2]);
  // Grey tiles: 127.5 + 127.5·w/max|w| for filter f at (y, x); max|w| is 1.
  for (let f = 0; f < 2; f++) {
    for (let p = 0; p < 9; p++) {
      const w = weights[p * 2 + f] as number;
      assert.equal(tiles.tiles[(f * 9 + p) * 4], Math.round(127.5 + 127.5 * w), `filter ${f} pixel ${p}`);
    }
  }
  model.dispose();
});
