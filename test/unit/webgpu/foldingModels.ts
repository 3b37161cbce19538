// Models whose loading or first run folds constants, for the webgpu parity run: values an ONNX graph or a TF.js
// GraphModel computes from constants alone, large enough (≥ 1,000 values) that TF.js's webgpu backend would run
// them on the GPU rather than hand them to its CPU path, and which the loader then needs as plain numbers.
import * as tf from '@tensorflow/tfjs-core';
import { buildOnnx, seeded } from '../onnx/onnxBuilder';
import { b64, constNode, dims, writeGraphModelFolder } from '../../helpers/graphModelJson';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { runFeatureMapPass } from '../../../src/core/activations/featureMapPass';
import { preprocess, toDisplayRgba } from '../../../src/core/preprocess';
import type { DecodedImage } from '../../../src/core/image/types';
import type { InputSpec } from '../../../src/shared/model';

/**
 * An ONNX conv whose filter is a constant product (weights × per-filter scale, 1,728 values: a Mul folded at the
 * first run), followed by Shape → Gather → Unsqueeze → Concat computing the shape a Reshape flattens to, and a
 * MatMul whose weight is a folded Transpose.
 */
export function onnxFoldingModel(): Uint8Array {
  return buildOnnx({
    input: { name: 'x', dims: [1, 3, 8, 8] },
    outputs: ['y'],
    initializers: [
      { name: 'wbase', dims: [64, 3, 3, 3], data: seeded(64 * 27, 31) },
      { name: 'wscale', dims: [64, 1, 1, 1], data: seeded(64, 32).map((v) => 0.5 + Math.abs(v)) },
      { name: 'bias', dims: [64], data: seeded(64, 33) },
      { name: 'zero', dims: [1], data: [0], int64: true },
      { name: 'minus1', dims: [1], data: [-1], int64: true },
      { name: 'dT', dims: [10, 1024], data: seeded(10 * 1024, 34).map((v) => v * 0.05) },
    ],
    nodes: [
      { op: 'Mul', name: '/w/Mul', inputs: ['wbase', 'wscale'], outputs: ['w'] },
      { op: 'Conv', name: '/conv/Conv', inputs: ['x', 'w', 'bias'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] } },
      { op: 'Relu', name: '/conv/Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'Shape', name: '/flat/Shape', inputs: ['r'], outputs: ['s'] },
      { op: 'Gather', name: '/flat/Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: 0 } },
      { op: 'Concat', name: '/flat/Concat', inputs: ['n', 'minus1'], outputs: ['shape'], attrs: { axis: 0 } },
      { op: 'Reshape', name: '/flat/Reshape', inputs: ['r', 'shape'], outputs: ['f'] },
      { op: 'Transpose', name: '/fc/Transpose', inputs: ['dT'], outputs: ['d'], attrs: { perm: [1, 0] } },
      { op: 'MatMul', name: '/fc/MatMul', inputs: ['f', 'd'], outputs: ['y'] },
    ],
  });
}

/**
 * A TF.js GraphModel that flattens as Keras's Flatten exports: Shape → StridedSlice (batch, and the rest) → Prod →
 * Pack gives the shape a Reshape reads as numbers while the graph runs; the conv and depthwise filters are Muls of
 * two constants (1,728 and 1,152 values: computed on the GPU, where the depthwise input gradient flips its filter).
 * Written into `dir`; returns model.json's path.
 */
export function writeGraphFoldingModel(dir: string): string {
  const i32 = (values: number[]) => Int32Array.from(values);
  const float = { T: { type: 'DT_FLOAT' } };
  const index = { T: { type: 'DT_INT32' }, Index: { type: 'DT_INT32' } };
  const slice = (name: string, begin: string, end: string, masks: { end_mask?: number; shrink_axis_mask?: number }) => ({
    name, op: 'StridedSlice', input: ['flat/Shape', begin, end, 'flat/one'],
    attr: { ...index, begin_mask: { i: '0' }, ellipsis_mask: { i: '0' }, new_axis_mask: { i: '0' }, end_mask: { i: String(masks.end_mask ?? 0) }, shrink_axis_mask: { i: String(masks.shrink_axis_mask ?? 0) } },
  });
  const nodes = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 8, 8, 3]) } } },
    constNode('conv/base', [3, 3, 3, 64]),
    constNode('conv/scale', [64]),
    constNode('flat/zero', [1], 'DT_INT32'),
    constNode('flat/one', [1], 'DT_INT32'),
    constNode('flat/axis', [1], 'DT_INT32'),
    constNode('dw/base', [3, 3, 64, 2]),
    constNode('dw/scale', [2]),
    constNode('dense/kernel', [2048, 10]),
    { name: 'conv/filter', op: 'Mul', input: ['conv/base', 'conv/scale'], attr: float },
    {
      name: 'conv/Conv2D', op: 'Conv2D', input: ['x', 'conv/filter'],
      attr: { ...float, strides: { list: { i: ['1', '2', '2', '1'] } }, padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } } },
    },
    { name: 'conv/Relu', op: 'Relu', input: ['conv/Conv2D'], attr: float },
    { name: 'dw/filter', op: 'Mul', input: ['dw/base', 'dw/scale'], attr: float },
    {
      name: 'dw/depthwise', op: 'DepthwiseConv2dNative', input: ['conv/Relu', 'dw/filter'],
      attr: { ...float, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } } },
    },
    { name: 'flat/Shape', op: 'Shape', input: ['dw/depthwise'], attr: { ...float, out_type: { type: 'DT_INT32' } } },
    slice('flat/batch', 'flat/zero', 'flat/one', { shrink_axis_mask: 1 }),
    slice('flat/rest', 'flat/one', 'flat/zero', { end_mask: 1 }),
    { name: 'flat/Prod', op: 'Prod', input: ['flat/rest', 'flat/axis'], attr: { T: { type: 'DT_INT32' }, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } } },
    { name: 'flat/stack', op: 'Pack', input: ['flat/batch', 'flat/Prod'], attr: { T: { type: 'DT_INT32' }, N: { i: '2' }, axis: { i: '0' } } },
    { name: 'flat/Reshape', op: 'Reshape', input: ['dw/depthwise', 'flat/stack'], attr: { ...float, Tshape: { type: 'DT_INT32' } } },
    { name: 'dense/MatMul', op: 'MatMul', input: ['flat/Reshape', 'dense/kernel'], attr: { ...float, transpose_a: { b: false }, transpose_b: { b: false } } },
  ];
  return writeGraphModelFolder(dir, nodes, [
    { name: 'conv/base', shape: [3, 3, 3, 64], values: Float32Array.from(seeded(3 * 3 * 3 * 64, 41)) },
    { name: 'conv/scale', shape: [64], values: Float32Array.from(seeded(64, 42), (v) => 0.5 + Math.abs(v)) },
    { name: 'flat/zero', shape: [1], values: i32([0]) },
    { name: 'flat/one', shape: [1], values: i32([1]) },
    { name: 'flat/axis', shape: [1], values: i32([0]) },
    { name: 'dw/base', shape: [3, 3, 64, 2], values: Float32Array.from(seeded(3 * 3 * 64 * 2, 44)) },
    { name: 'dw/scale', shape: [2], values: Float32Array.from([0.5, -1.5]) },
    { name: 'dense/kernel', shape: [2048, 10], values: Float32Array.from(seeded(2048 * 10, 43), (v) => v * 0.02) },
  ]);
}

/** The ONNX folding model loaded on the active backend: its output and its input gradient at a fixed input, as one list. */
export async function onnxFoldingRun(): Promise<Float32Array> {
  const model = await loadOnnxModel(onnxFoldingModel(), 'folding.onnx');
  const x = tf.randomUniform([1, 8, 8, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
  const [y, g] = tf.tidy(() => [model.forward(x, model.info.outputIds)[0]!, tf.grad((v: tf.Tensor) => tf.sum(model.forward(v as tf.Tensor4D, model.info.outputIds)[0]!))(x)]);
  const out = new Float32Array([...((await y!.data()) as Float32Array), ...((await g!.data()) as Float32Array)]);
  tf.dispose([x, y!, g!]);
  model.dispose();
  return out;
}

/** A 13 × 11 colour picture, center-cropped, channel-swapped and normalized to the graph model's 8 × 8 input. */
const PICTURE: DecodedImage = {
  width: 13, height: 11, channels: 3, format: 'png', maxValue: 255,
  data: Uint8ClampedArray.from({ length: 13 * 11 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256)),
};
const PICTURE_SPEC: InputSpec = {
  height: 8, width: 8, channels: 3, channelOrder: 'bgr', resize: 'centerCrop', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
};

/**
 * The feature-maps request the engine serves, on the graph folding model loaded on the active backend: the
 * picture preprocessed, every layer's values and the input gradient, and the picture as the panel shows it (read back from
 * the preprocessed tensor, and from a copy the backend computed). Returns the values of all layers, and the two
 * display RGBAs one after the other.
 */
export async function graphFoldingFeatureMaps(dir: string): Promise<{ values: Float32Array; rgba: Uint8ClampedArray }> {
  const model = await loadModel(writeGraphFoldingModel(dir));
  const input = preprocess(PICTURE, PICTURE_SPEC);
  try {
    const pass = await runFeatureMapPass(model, { input, spec: PICTURE_SPEC, imageName: 'picture.png', imageWidth: PICTURE.width, imageHeight: PICTURE.height });
    // The input gradient too: it flips the depthwise filter, a value the backend computed.
    const grad = tf.grad((v: tf.Tensor) => tf.sum(model.forward(v as tf.Tensor4D, model.info.outputIds)[0]!))(input);
    const gradValues = (await grad.data()) as Float32Array;
    grad.dispose();
    const values = new Float32Array([...[...pass.values.values()].flatMap((v) => [...v]), ...gradValues]);
    // The input itself was made in JavaScript (CPU values); a model input the backend computed is shown too: on
    // webgpu this one lives on the GPU only (the forward uploaded `input`), so only an asynchronous read gets it.
    const computed = tf.add(input, tf.zerosLike(input)) as tf.Tensor4D;
    const shown = await toDisplayRgba(computed, PICTURE_SPEC).finally(() => computed.dispose());
    return { values, rgba: new Uint8ClampedArray([...pass.summary.input.rgba, ...shown.data]) };
  } finally {
    input.dispose();
    model.dispose();
  }
}
