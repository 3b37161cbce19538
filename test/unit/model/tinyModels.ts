// Builds tiny TF.js models on disk for the model tests: Layers models saved through tf.io.withSaveHandler,
// and a GraphModel JSON written by hand.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { b64, constNode, dims, writeGraphModelFolder } from '../../helpers/graphModelJson';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'layer-lens-model-'));
}

/** Saves a Layers model as dir/model.json + dir/weights.bin and returns the model.json path. */
export async function saveLayersModel(model: tfl.LayersModel, dir = tempDir()): Promise<string> {
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = new Uint8Array(a.weightData as ArrayBuffer);
      writeFileSync(join(dir, 'weights.bin'), data);
      const json = {
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(dir, 'model.json');
}

/**
 * conv1 (2 filters 3×3, relu) → pool (2×2) → flat → fc (3, softmax), on 6×6×1 inputs, with fixed weights:
 * conv1 filter 0 is a centre tap (+1), filter 1 a centre tap (−1), biases 0.5 and 0; fc kernel is fixed too.
 */
export function tinySequential(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ name: 'conv1', inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ name: 'pool', poolSize: 2 }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ name: 'fc', units: 3, activation: 'softmax' }),
    ],
  });
  const k = new Float32Array(3 * 3 * 1 * 2);
  k[(1 * 3 + 1) * 2 + 0] = 1;
  k[(1 * 3 + 1) * 2 + 1] = -1;
  const fcK = new Float32Array(8 * 3).map((_, i) => ((i % 5) - 2) / 4);
  model.setWeights([
    tf.tensor4d(k, [3, 3, 1, 2]),
    tf.tensor1d([0.5, 0]),
    tf.tensor2d(fcK, [8, 3]),
    tf.tensor1d([0.1, -0.2, 0.3]),
  ]);
  return model;
}

/** A functional model with a linear conv (the fused-gradient trap), a branch and an Add. */
export function tinyFunctional(): tfl.LayersModel {
  const input = tfl.input({ shape: [5, 5, 3], name: 'image' });
  const a = tfl.layers.conv2d({ name: 'convA', filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.conv2d({ name: 'convB', filters: 4, kernelSize: 1, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor;
  const dw = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2 }).apply(sum) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(dw) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'logits', units: 2 }).apply(gap) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'branchy' });
}


/**
 * A hand-written GraphModel: x [-1,4,4,1] → block/conv (_FusedConv2D 3×3×1×2 valid, BiasAdd only) → block/relu
 * → head/flat (Reshape [-1, 8]) → head/dense (MatMul 8×2) → head/softmax. Weights: conv filter = 1..18/10,
 * bias [0.5, -1], dense = identity-like pattern.
 */
export function writeGraphModel(dir = tempDir()): { path: string; conv: Float32Array; bias: Float32Array; dense: Float32Array } {
  const conv = Float32Array.from({ length: 18 }, (_, i) => (i + 1) / 10 - 0.9);
  const bias = Float32Array.from([0.5, -1]);
  const dense = Float32Array.from({ length: 16 }, (_, i) => (i % 3) - 1);
  const shape = Int32Array.from([-1, 8]);
  const nodes = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 4, 4, 1]) } } },
    constNode('block/conv/filter', [3, 3, 1, 2]),
    constNode('block/conv/bias', [2]),
    constNode('head/flat/shape', [2], 'DT_INT32'),
    constNode('head/dense/kernel', [8, 2]),
    {
      name: 'block/conv/Conv2D', op: '_FusedConv2D', input: ['x', 'block/conv/filter', 'block/conv/bias'],
      attr: {
        T: { type: 'DT_FLOAT' }, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('VALID') },
        data_format: { s: b64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } },
        fused_ops: { list: { s: [b64('BiasAdd')] } }, num_args: { i: '1' }, epsilon: { f: 0 },
      },
    },
    { name: 'block/relu', op: 'Relu', input: ['block/conv/Conv2D'], attr: { T: { type: 'DT_FLOAT' } } },
    { name: 'head/flat', op: 'Reshape', input: ['block/relu', 'head/flat/shape'], attr: { T: { type: 'DT_FLOAT' } } },
    {
      name: 'head/dense/MatMul', op: 'MatMul', input: ['head/flat', 'head/dense/kernel'],
      attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } },
    },
    { name: 'head/softmax', op: 'Softmax', input: ['head/dense/MatMul'], attr: { T: { type: 'DT_FLOAT' } } },
  ];
  const path = writeGraphModelFolder(dir, nodes, [
    { name: 'block/conv/filter', shape: [3, 3, 1, 2], values: conv },
    { name: 'block/conv/bias', shape: [2], values: bias },
    { name: 'head/flat/shape', shape: [2], values: shape },
    { name: 'head/dense/kernel', shape: [8, 2], values: dense },
  ]);
  return { path, conv, bias, dense };
}

/** Copies a model folder (model.json and its shards) into a fresh folder and returns the new model.json path. */
export function copyModel(modelJson: string): string {
  const from = join(modelJson, '..');
  const dir = tempDir();
  for (const name of readdirSync(from)) writeFileSync(join(dir, name), readFileSync(join(from, name)));
  return join(dir, 'model.json');
}

/** Rewrites a model.json in place. */
export function editModelJson(path: string, edit: (json: Record<string, any>) => void): string {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

/** The layer entries of a saved functional model's topology, by name. */
export function layerByName(json: Record<string, any>, name: string): Record<string, any> {
  const layers = json.modelTopology.config.layers as Record<string, any>[];
  const layer = layers.find((l) => l.name === name);
  if (!layer) throw new Error(`no layer ${name}`);
  return layer;
}
