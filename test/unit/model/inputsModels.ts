// Small TF.js GraphModels and LayersModels written to temp folders for the input tests: a channels-first conv net
// with NCHW ops, one whose NCHW input is transposed by the graph itself, integer-input nets and one without a fixed
// input size. Weights are seeded; `reference` recomputes each model's outputs with plain NHWC tf ops.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { b64, constNode, dims, writeGraphModelFolder } from '../../helpers/graphModelJson';
import { saveLayersModel, tempDir } from './tinyModels';

type Attr = Record<string, Record<string, unknown>>;
interface Node {
  name: string;
  op: string;
  input?: string[];
  attr?: Attr;
}
interface Weight {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

const ints = (v: number[]): Record<string, unknown> => ({ list: { i: v.map(String) } });
const T = { T: { type: 'DT_FLOAT' } };

function seeded(n: number, seed: number, scale = 0.5): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

function placeholder(name: string, shape: number[], dtype = 'DT_FLOAT'): Node {
  return { name, op: 'Placeholder', attr: { dtype: { type: dtype }, shape: { shape: dims(shape) } } };
}

/** Writes model.json + one shard: every weight becomes a Const node placed first. */
function writeGraph(nodes: Node[], weights: Weight[], dir = tempDir()): string {
  const consts = weights.map((w) => constNode(w.name, w.shape, w.data instanceof Int32Array ? 'DT_INT32' : 'DT_FLOAT'));
  return writeGraphModelFolder(dir, [...consts, ...nodes], weights.map((w) => ({ name: w.name, shape: w.shape, values: w.data })));
}

export interface ConvNetWeights {
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  dense: tf.Tensor2D;
}

function convWeights(cin: number, cout: number, seed: number): { filter: Float32Array; bias: Float32Array; dense: Float32Array } {
  return { filter: seeded(9 * cin * cout, seed), bias: seeded(cout, seed + 1, 0.2), dense: seeded(cout * 2, seed + 2) };
}

/**
 * NCHW throughout, as a TensorFlow graph exported channels-first: x [-1, 3, 8, 8] → conv (Conv2D, data_format NCHW,
 * 3×3 SAME) → bias (BiasAdd NCHW) → relu → pool (MaxPool NCHW 2×2/2) → gap (Mean over 2, 3) → logits (MatMul 4×2).
 */
export function writeNchwGraph(inputShape = [-1, 3, 8, 8]): { path: string; weights: ConvNetWeights } {
  const w = convWeights(3, 4, 11);
  const nchw = { data_format: { s: b64('NCHW') } };
  const nodes: Node[] = [
    placeholder('x', inputShape),
    { name: 'conv', op: 'Conv2D', input: ['x', 'conv/filter'], attr: { ...T, ...nchw, strides: ints([1, 1, 1, 1]), padding: { s: b64('SAME') }, dilations: ints([1, 1, 1, 1]) } },
    { name: 'bias', op: 'BiasAdd', input: ['conv', 'conv/bias'], attr: { ...T, ...nchw } },
    { name: 'relu', op: 'Relu', input: ['bias'], attr: T },
    { name: 'pool', op: 'MaxPool', input: ['relu'], attr: { ...T, ...nchw, ksize: ints([1, 1, 2, 2]), strides: ints([1, 1, 2, 2]), padding: { s: b64('VALID') } } },
    { name: 'gap', op: 'Mean', input: ['pool', 'gap/axes'], attr: { ...T, keep_dims: { b: false }, Tidx: { type: 'DT_INT32' } } },
    { name: 'logits', op: 'MatMul', input: ['gap', 'logits/kernel'], attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } } },
  ];
  const path = writeGraph(nodes, [
    { name: 'conv/filter', shape: [3, 3, 3, 4], data: w.filter },
    { name: 'conv/bias', shape: [4], data: w.bias },
    { name: 'gap/axes', shape: [2], data: Int32Array.from([2, 3]) },
    { name: 'logits/kernel', shape: [4, 2], data: w.dense },
  ]);
  return { path, weights: { filter: tf.tensor4d(w.filter, [3, 3, 3, 4]), bias: tf.tensor1d(w.bias), dense: tf.tensor2d(w.dense, [4, 2]) } };
}

/** NCHW input that the graph transposes itself (as ONNX → TensorFlow exports do): x → scaled (Mul 2) → nhwc (Transpose) → conv (NHWC) → relu. */
export function writeTransposingGraph(): { path: string; weights: ConvNetWeights } {
  const w = convWeights(3, 4, 21);
  const nodes: Node[] = [
    placeholder('x', [-1, 3, 8, 8]),
    { name: 'scaled', op: 'Mul', input: ['x', 'two'], attr: T },
    { name: 'nhwc', op: 'Transpose', input: ['scaled', 'perm'], attr: { ...T, Tperm: { type: 'DT_INT32' } } },
    { name: 'conv', op: 'Conv2D', input: ['nhwc', 'conv/filter'], attr: { ...T, data_format: { s: b64('NHWC') }, strides: ints([1, 1, 1, 1]), padding: { s: b64('SAME') }, dilations: ints([1, 1, 1, 1]) } },
    { name: 'relu', op: 'Relu', input: ['conv'], attr: T },
  ];
  const path = writeGraph(nodes, [
    { name: 'two', shape: [], data: Float32Array.from([2]) },
    { name: 'perm', shape: [4], data: Int32Array.from([0, 2, 3, 1]) },
    { name: 'conv/filter', shape: [3, 3, 3, 4], data: w.filter },
  ]);
  return { path, weights: { filter: tf.tensor4d(w.filter, [3, 3, 3, 4]), bias: tf.zeros([4]) as tf.Tensor1D, dense: tf.zeros([4, 2]) as tf.Tensor2D } };
}

/**
 * Raw pixels in an integer input, as detectors take them: x [-1, 6, 6, 3] (`dtype`) → float (Cast) → unit (Mul 1/255)
 * → conv (Conv2D NHWC 3×3 SAME, 4 filters) → relu → gap → logits.
 */
export function writeIntInputGraph(dtype: 'DT_INT32' | 'DT_UINT8', shape = [-1, 6, 6, 3]): { path: string; weights: ConvNetWeights } {
  const w = convWeights(3, 4, 31);
  const nodes: Node[] = [
    placeholder('x', shape, dtype),
    { name: 'float', op: 'Cast', input: ['x'], attr: { SrcT: { type: dtype }, DstT: { type: 'DT_FLOAT' }, Truncate: { b: false } } },
    { name: 'unit', op: 'Mul', input: ['float', 'scale'], attr: T },
    { name: 'conv', op: 'Conv2D', input: ['unit', 'conv/filter'], attr: { ...T, data_format: { s: b64('NHWC') }, strides: ints([1, 1, 1, 1]), padding: { s: b64('SAME') }, dilations: ints([1, 1, 1, 1]) } },
    { name: 'bias', op: 'BiasAdd', input: ['conv', 'conv/bias'], attr: { ...T, data_format: { s: b64('NHWC') } } },
    { name: 'relu', op: 'Relu', input: ['bias'], attr: T },
    { name: 'gap', op: 'Mean', input: ['relu', 'gap/axes'], attr: { ...T, keep_dims: { b: false }, Tidx: { type: 'DT_INT32' } } },
    { name: 'logits', op: 'MatMul', input: ['gap', 'logits/kernel'], attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } } },
  ];
  const path = writeGraph(nodes, [
    { name: 'scale', shape: [], data: Float32Array.from([1 / 255]) },
    { name: 'conv/filter', shape: [3, 3, 3, 4], data: w.filter },
    { name: 'conv/bias', shape: [4], data: w.bias },
    { name: 'gap/axes', shape: [2], data: Int32Array.from([1, 2]) },
    { name: 'logits/kernel', shape: [4, 2], data: w.dense },
  ]);
  return { path, weights: { filter: tf.tensor4d(w.filter, [3, 3, 3, 4]), bias: tf.tensor1d(w.bias), dense: tf.tensor2d(w.dense, [4, 2]) } };
}

/** Fully convolutional, any size: x [-1, -1, -1, 3] → conv (3×3 stride 2 SAME, 4 filters) → relu → gap (Mean 1, 2). */
export function writeAnySizeGraph(): { path: string; weights: ConvNetWeights } {
  const w = convWeights(3, 4, 41);
  const nodes: Node[] = [
    placeholder('x', [-1, -1, -1, 3]),
    { name: 'conv', op: 'Conv2D', input: ['x', 'conv/filter'], attr: { ...T, data_format: { s: b64('NHWC') }, strides: ints([1, 2, 2, 1]), padding: { s: b64('SAME') }, dilations: ints([1, 1, 1, 1]) } },
    { name: 'relu', op: 'Relu', input: ['conv'], attr: T },
    { name: 'gap', op: 'Mean', input: ['relu', 'gap/axes'], attr: { ...T, keep_dims: { b: false }, Tidx: { type: 'DT_INT32' } } },
  ];
  const path = writeGraph(nodes, [
    { name: 'conv/filter', shape: [3, 3, 3, 4], data: w.filter },
    { name: 'gap/axes', shape: [2], data: Int32Array.from([1, 2]) },
  ]);
  return { path, weights: { filter: tf.tensor4d(w.filter, [3, 3, 3, 4]), bias: tf.zeros([4]) as tf.Tensor1D, dense: tf.zeros([4, 2]) as tf.Tensor2D } };
}

/** conv (channelsFirst 3×3 same, relu) → pool (channelsFirst 2×2) → gap (channelsFirst) → logits (Dense 2), input [3, 8, 8]. */
export async function writeChannelsFirstLayers(): Promise<{ path: string; model: tfl.LayersModel }> {
  const input = tfl.input({ shape: [3, 8, 8], name: 'image' });
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', dataFormat: 'channelsFirst' }).apply(input);
  const pool = tfl.layers.maxPooling2d({ name: 'pool', poolSize: 2, dataFormat: 'channelsFirst' }).apply(conv);
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap', dataFormat: 'channelsFirst' }).apply(pool);
  const logits = tfl.layers.dense({ name: 'logits', units: 2 }).apply(gap) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: logits, name: 'nchw' });
  const w = convWeights(3, 4, 51);
  model.setWeights([tf.tensor4d(w.filter, [3, 3, 3, 4]), tf.tensor1d(w.bias), tf.tensor2d(w.dense, [4, 2]), tf.tensor1d([0.1, -0.1])]);
  return { path: await saveLayersModel(model), model };
}

/** Fully convolutional Layers model: input [null, null, 3] → conv (3×3 stride 2 same, relu) → gap. */
export async function writeAnySizeLayers(): Promise<string> {
  const input = tfl.input({ shape: [null, null, 3], name: 'image' });
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(input);
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(conv) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: gap, name: 'anysize' });
  const w = convWeights(3, 4, 61);
  model.setWeights([tf.tensor4d(w.filter, [3, 3, 3, 4]), tf.tensor1d(w.bias)]);
  return saveLayersModel(model);
}

/** The largest absolute difference of two tensors. */
export function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

/**
 * Every NCHW op the rewrite handles, as a TensorFlow graph exported channels-first would hold them: x [-1, 3, 8, 8] →
 * fconv (_FusedConv2D + BiasAdd + Relu) → dw (DepthwiseConv2dNative) → bn (FusedBatchNormV3) → cat (ConcatV2 of bn
 * and fconv on the channel axis 1) → avg (AvgPool 2×2/2).
 */
export function writeNchwOpsGraph(): { path: string; w: Record<string, tf.Tensor> } {
  const nchw = { data_format: { s: b64('NCHW') } };
  const one = ints([1, 1, 1, 1]);
  const filter = seeded(3 * 3 * 3 * 4, 71);
  const bias = seeded(4, 72, 0.2);
  const dwFilter = seeded(3 * 3 * 4, 73);
  const scale = Float32Array.from([1.5, 0.5, 1, 2]);
  const offset = seeded(4, 74, 0.3);
  const mean = seeded(4, 75, 0.3);
  const variance = Float32Array.from([0.5, 1, 2, 0.25]);
  const nodes: Node[] = [
    placeholder('x', [-1, 3, 8, 8]),
    {
      name: 'fconv', op: '_FusedConv2D', input: ['x', 'fconv/filter', 'fconv/bias'],
      attr: { ...T, ...nchw, strides: one, padding: { s: b64('SAME') }, dilations: one, fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } }, num_args: { i: '1' }, epsilon: { f: 0 } },
    },
    { name: 'dw', op: 'DepthwiseConv2dNative', input: ['fconv', 'dw/filter'], attr: { ...T, ...nchw, strides: one, padding: { s: b64('SAME') }, dilations: one } },
    {
      name: 'bn', op: 'FusedBatchNormV3', input: ['dw', 'bn/scale', 'bn/offset', 'bn/mean', 'bn/variance'],
      attr: { ...T, ...nchw, U: { type: 'DT_FLOAT' }, epsilon: { f: 0.001 }, is_training: { b: false } },
    },
    { name: 'cat', op: 'ConcatV2', input: ['bn', 'fconv', 'cat/axis'], attr: { ...T, N: { i: '2' }, Tidx: { type: 'DT_INT32' } } },
    { name: 'avg', op: 'AvgPool', input: ['cat'], attr: { ...T, ...nchw, ksize: ints([1, 1, 2, 2]), strides: ints([1, 1, 2, 2]), padding: { s: b64('VALID') } } },
  ];
  const path = writeGraph(nodes, [
    { name: 'fconv/filter', shape: [3, 3, 3, 4], data: filter },
    { name: 'fconv/bias', shape: [4], data: bias },
    { name: 'dw/filter', shape: [3, 3, 4, 1], data: dwFilter },
    { name: 'bn/scale', shape: [4], data: scale },
    { name: 'bn/offset', shape: [4], data: offset },
    { name: 'bn/mean', shape: [4], data: mean },
    { name: 'bn/variance', shape: [4], data: variance },
    { name: 'cat/axis', shape: [], data: Int32Array.from([1]) },
  ]);
  return {
    path,
    w: {
      filter: tf.tensor4d(filter, [3, 3, 3, 4]), bias: tf.tensor1d(bias), dwFilter: tf.tensor4d(dwFilter, [3, 3, 4, 1]),
      scale: tf.tensor1d(scale), offset: tf.tensor1d(offset), mean: tf.tensor1d(mean), variance: tf.tensor1d(variance),
    },
  };
}
