// The ops whose input gradients the tests check: every conv form a CNN uses (depthwise with strides,
// dilations, channel multipliers and explicit padding; dilated conv2d; separable and transposed convs; fused
// ops with each activation), batch norm, strided slices, and the resampling, padding
// and activation ops of real nets. Weights are made inside each function, so they live on the active backend.
import * as tf from '@tensorflow/tfjs-core';
import { seededTensor } from './gradCheck';

export interface OpCase {
  name: string;
  xShape: number[];
  /** The op on x; weights are constants. */
  f: (x: tf.Tensor) => tf.Tensor;
  /** Affine in x: the exact Jacobian reference applies. Otherwise the cpu backend's gradient is the reference. */
  affine: boolean;
  /**
   * The same function written with other ops, whose gradient checks the cpu backend's (fused ops: conv, bias add
   * and activation apart; their kinks defeat finite differences). Absent: central differences check it.
   */
  plain?: (x: tf.Tensor) => tf.Tensor;
}

const w = (shape: number[], seed: number) => seededTensor(shape, seed);
const x4 = (x: tf.Tensor) => x as tf.Tensor4D;
const w4 = (shape: number[], seed: number) => w(shape, seed) as tf.Tensor4D;
type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'prelu' | 'sigmoid';
const ACTIVATIONS: Activation[] = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'];

function activate(z: tf.Tensor, activation: Activation, alpha: () => tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'linear': return z;
    case 'relu': return tf.relu(z);
    case 'relu6': return tf.clipByValue(z, 0, 6);
    case 'elu': return tf.elu(z);
    case 'leakyrelu': return tf.maximum(z, tf.mul(z, 0.15));
    case 'prelu': return tf.add(tf.relu(z), tf.mul(alpha(), tf.neg(tf.relu(tf.neg(z)))));
    case 'sigmoid': return tf.sigmoid(z);
  }
}

function fusedCases(): OpCase[] {
  return ACTIVATIONS.flatMap((activation): OpCase[] => [
    {
      name: `fused depthwise conv, ${activation}`,
      xShape: [1, 7, 7, 3],
      affine: activation === 'linear',
      f: (x) => tf.fused.depthwiseConv2d({
        x: x4(x), filter: w4([3, 3, 3, 2], 11), strides: 2, pad: 'same', bias: w([6], 12), activation,
        preluActivationWeights: activation === 'prelu' ? w([6], 13) : undefined, leakyreluAlpha: 0.15,
      }),
      plain: (x) => activate(tf.add(tf.depthwiseConv2d(x4(x), w4([3, 3, 3, 2], 11), 2, 'same'), w([6], 12)), activation, () => w([6], 13)),
    },
    {
      name: `fused conv2d, ${activation}`,
      xShape: [1, 6, 6, 3],
      affine: activation === 'linear',
      f: (x) => tf.fused.conv2d({
        x: x4(x), filter: w4([3, 3, 3, 4], 14), strides: 1, pad: 'same', bias: w([4], 15), activation,
        preluActivationWeights: activation === 'prelu' ? w([4], 16) : undefined, leakyreluAlpha: 0.15,
      }),
      plain: (x) => activate(tf.add(tf.conv2d(x4(x), w4([3, 3, 3, 4], 14), 1, 'same'), w([4], 15)), activation, () => w([4], 16)),
    },
  ]);
}

export const OP_CASES: OpCase[] = [
  { name: 'depthwise 3×3, stride 1, same', xShape: [1, 6, 6, 4], affine: true, f: (x) => tf.depthwiseConv2d(x4(x), w4([3, 3, 4, 1], 1), 1, 'same') },
  { name: 'depthwise 3×3, stride 2, same, odd size', xShape: [1, 7, 7, 3], affine: true, f: (x) => tf.depthwiseConv2d(x4(x), w4([3, 3, 3, 1], 2), 2, 'same') },
  { name: 'depthwise 5×5, stride 2, valid, multiplier 2', xShape: [2, 9, 8, 3], affine: true, f: (x) => tf.depthwiseConv2d(x4(x), w4([5, 5, 3, 2], 3), 2, 'valid') },
  { name: 'depthwise 3×3, dilation 2, same', xShape: [1, 8, 8, 2], affine: true, f: (x) => tf.depthwiseConv2d(x4(x), w4([3, 3, 2, 1], 4), 1, 'same', 'NHWC', 2) },
  { name: 'depthwise 3×2, dilation [2, 3], valid, multiplier 3', xShape: [1, 9, 9, 2], affine: true, f: (x) => tf.depthwiseConv2d(x4(x), w4([3, 2, 2, 3], 5), 1, 'valid', 'NHWC', [2, 3]) },
  {
    name: 'depthwise 3×3, stride 2, explicit padding', xShape: [1, 8, 7, 2], affine: true,
    f: (x) => tf.depthwiseConv2d(x4(x), w4([3, 3, 2, 1], 6), 2, [[0, 0], [1, 0], [0, 2], [0, 0]]),
  },
  { name: 'conv2d 3×3, dilation 2, same', xShape: [1, 8, 8, 3], affine: true, f: (x) => tf.conv2d(x4(x), w4([3, 3, 3, 4], 7), 1, 'same', 'NHWC', 2) },
  { name: 'conv2d 3×3, dilation 3, valid', xShape: [1, 10, 9, 2], affine: true, f: (x) => tf.conv2d(x4(x), w4([3, 3, 2, 3], 8), 1, 'valid', 'NHWC', 3) },
  { name: 'conv2d 3×3, stride 2', xShape: [1, 7, 7, 3], affine: true, f: (x) => tf.conv2d(x4(x), w4([3, 3, 3, 2], 9), 2, 'same') },
  {
    name: 'separable conv, dilation 2', xShape: [1, 8, 8, 3], affine: true,
    f: (x) => tf.separableConv2d(x4(x), w4([3, 3, 3, 2], 21), w4([1, 1, 6, 4], 22), 1, 'same', 2),
  },
  {
    name: 'grouped conv as split + concat', xShape: [1, 6, 6, 4], affine: true,
    f: (x) => tf.concat(tf.split(x, 2, 3).map((part, i) => tf.conv2d(x4(part), w4([3, 3, 2, 3], 23 + i), 1, 'same')), 3),
  },
  { name: 'transposed conv, stride 2', xShape: [1, 4, 4, 3], affine: true, f: (x) => tf.conv2dTranspose(x4(x), w4([3, 3, 2, 3], 25), [1, 8, 8, 2], 2, 'same') },
  { name: 'batch norm', xShape: [1, 4, 4, 3], affine: true, f: (x) => tf.batchNorm(x, w([3], 31), tf.abs(w([3], 32)), w([3], 33), w([3], 34), 1e-3) },
  {
    name: 'batch norm, parameters as [1, 1, 1, C]', xShape: [2, 3, 3, 3], affine: true,
    f: (x) => tf.batchNorm(x, w([1, 1, 1, 3], 35), tf.abs(w([1, 1, 1, 3], 36)), w([1, 1, 1, 3], 37), w([1, 1, 1, 3], 38), 1e-3),
  },
  { name: 'strided slice, stride 2', xShape: [1, 7, 6, 3], affine: true, f: (x) => tf.stridedSlice(x, [0, 1, 0, 0], [1, 7, 6, 3], [1, 2, 2, 1]) },
  { name: 'strided slice, negative stride', xShape: [1, 5, 6, 2], affine: true, f: (x) => tf.stridedSlice(x, [0, 4, 5, 0], [1, 0, 0, 2], [1, -1, -2, 1]) },
  // Shrink and new axes only with stride 1: TF.js's forward kernels misplace strided slices that drop or add axes.
  { name: 'strided slice, masks', xShape: [2, 5, 6, 4], affine: true, f: (x) => tf.stridedSlice(x, [0, 1, 0, 2], [0, 4, 0, 4], [1, 1, 3, 1], 0b0101, 0b0101) },
  { name: 'strided slice, shrink', xShape: [2, 5, 6, 4], affine: true, f: (x) => tf.stridedSlice(x, [0, 1, 0, 2], [0, 4, 0, 3], [1, 1, 1, 1], 0b0101, 0b0101, 0, 0, 0b1000) },
  { name: 'strided slice, ellipsis and new axis', xShape: [1, 4, 5, 3], affine: true, f: (x) => tf.stridedSlice(x, [0, 0, 1], [0, 0, 3], [1, 1, 1], 0, 0, 0b001, 0b010) },
  { name: 'resize bilinear ×2, non-square', xShape: [1, 4, 6, 2], affine: true, f: (x) => tf.image.resizeBilinear(x4(x), [8, 12]) },
  { name: 'resize bilinear, half-pixel centres', xShape: [1, 6, 4, 2], affine: true, f: (x) => tf.image.resizeBilinear(x4(x), [9, 5], false, true) },
  { name: 'resize bilinear, align corners, down', xShape: [1, 7, 5, 2], affine: true, f: (x) => tf.image.resizeBilinear(x4(x), [3, 4], true) },
  { name: 'resize nearest ×2', xShape: [1, 4, 5, 2], affine: true, f: (x) => tf.image.resizeNearestNeighbor(x4(x), [8, 10]) },
  { name: 'resize nearest, half-pixel centres', xShape: [1, 5, 5, 2], affine: true, f: (x) => tf.image.resizeNearestNeighbor(x4(x), [3, 7], false, true) },
  { name: 'pad', xShape: [1, 4, 4, 2], affine: true, f: (x) => tf.pad(x, [[0, 0], [1, 2], [0, 1], [0, 0]]) },
  { name: 'mirror pad, reflect', xShape: [1, 4, 5, 2], affine: true, f: (x) => tf.mirrorPad(x, [[0, 0], [1, 3], [2, 0], [0, 0]], 'reflect') },
  { name: 'mirror pad, symmetric', xShape: [1, 4, 5, 2], affine: true, f: (x) => tf.mirrorPad(x, [[0, 0], [3, 1], [0, 5], [0, 1]], 'symmetric') },
  {
    name: 'squeeze-excite (global mean × multiply)', xShape: [1, 5, 5, 4], affine: false,
    f: (x) => tf.mul(x, tf.sigmoid(tf.matMul(tf.reshape(tf.mean(x, [1, 2]), [1, 4]), w([4, 4], 41) as tf.Tensor2D)).reshape([1, 1, 1, 4])),
  },
  {
    name: 'hard swish', xShape: [1, 4, 4, 3], affine: false,
    f: (x) => tf.mul(x, tf.div(tf.relu6(tf.add(tf.mul(x, 3), 3)), 6)),
    plain: (x) => tf.mul(x, tf.clipByValue(tf.add(tf.mul(x, 0.5), 0.5), 0, 1)),
  },
  {
    name: 'clip by value (Keras ReLU max_value)', xShape: [1, 4, 4, 3], affine: false,
    f: (x) => tf.clipByValue(tf.mul(x, 3), -1, 1.5),
    plain: (x) => tf.minimum(tf.maximum(tf.mul(x, 3), -1), 1.5),
  },
  {
    name: 'max pool 2×2, signed input', xShape: [1, 6, 6, 3], affine: false,
    f: (x) => tf.maxPool(x4(x), 2, 2, 'valid'),
    plain: (x) => tf.max(tf.reshape(x, [1, 3, 2, 3, 2, 3]), [2, 4]),
  },
  {
    name: 'max pool 3×3, stride 2, same, signed input', xShape: [1, 7, 7, 2], affine: false,
    f: (x) => tf.maxPool(x4(x), 3, 2, 'same'),
    plain: (x) => {
      // The nine strided views of the padded input, one per window offset; max over them.
      const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], -100);
      const views = [];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) views.push(tf.stridedSlice(padded, [0, i, j, 0], [1, i + 7, j + 7, 2], [1, 2, 2, 1]));
      return tf.max(tf.stack(views), 0);
    },
  },
  { name: 'swish', xShape: [1, 4, 4, 3], affine: false, f: (x) => tf.mul(tf.mul(x, 2), tf.sigmoid(tf.mul(x, 2))) },
  { name: 'GELU (tanh form)', xShape: [1, 4, 4, 3], affine: false, f: (x) => tf.mul(tf.mul(x, 1.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(tf.mul(x, 1.5), tf.mul(0.044715, tf.pow(tf.mul(x, 1.5), 3))))))) },
  ...fusedCases(),
];
