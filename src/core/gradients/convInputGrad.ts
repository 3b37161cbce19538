// The input gradient of a conv (plain or depthwise, any stride, dilation and padding) as a forward conv of dy with
// the spatially flipped kernel. Why: TF.js has no gradient for dilated convs on any backend, wasm has no
// DepthwiseConv2dNativeBackpropInput kernel, and wasm runs forward convs through XNNPACK while its backprop
// kernels are plain loops (docs/tfjs-facts.md). Used by the registered gradients (convGradients.ts) and by the
// ONNX importer's convs (src/core/onnx/convKernels.ts).
import * as tf from '@tensorflow/tfjs-core';
import { readsSynchronously } from '../onCpuBackend';
import { heldGradientKernel } from './heldKernels';

export type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

export interface ConvGradGeometry {
  strides: [number, number];
  dilations: [number, number];
  /** Padding of the forward conv above and left of the input (what it adds below/right does not matter). */
  top: number;
  left: number;
}

/**
 * dy spread onto the input grid (one value every `stride` rows/cols, zeros between) and the padding that makes
 * a stride-1 conv of it with the flipped [kh, kw] kernel (dilated like the forward one) produce the input
 * gradient of height H, width W. Positive padding is left to the conv (no padded copy); a crop is done here.
 */
export function spreadForInputGrad(
  dy: tf.Tensor4D, H: number, W: number, kh: number, kw: number, g: ConvGradGeometry,
): { d: tf.Tensor4D; pad: ExplicitPad | 'valid' } {
  let d = dy;
  const [n, ho, wo, c] = d.shape;
  const [sh, sw] = g.strides;
  if (sh > 1 || sw > 1) {
    // The trailing stride − 1 zero rows/cols stay and are taken off the bottom/right padding below (no slice).
    // Two rank-4 pads, not one rank-6 pad: TF.js's webgpu backend writes invalid WGSL for a rank-6 Pad
    // ("cannot index type 'vec6'"; docs/webgpu.md).
    const cols = tf.pad(tf.reshape(d, [n * ho, wo, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]);
    const rows = tf.pad(tf.reshape(cols, [n, ho, 1, wo * sw * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]);
    d = tf.reshape(rows, [n, ho * sh, wo * sw, c]);
  }
  const [dh, dw] = g.dilations;
  const top = dh * (kh - 1) - g.top;
  const left = dw * (kw - 1) - g.left;
  const bottom = H + g.top - ho * sh;
  const right = W + g.left - wo * sw;
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return { d, pad: [[0, 0], [top, bottom], [left, right], [0, 0]] };
  return { d: padOrCrop(d, top, bottom, left, right), pad: 'valid' };
}

/**
 * Input gradient of a 1×1 conv (any stride and padding; a 1×1 kernel has no dilation to speak of) with filter
 * [1, 1, I, O]: dy · Wᵀ as one matrix product reading the kernel as it is, placed back onto the H × W input grid.
 * No flipped or transposed copy of the kernel is made: matMul reads it transposed (most of a MobileNet's weights
 * are 1×1 kernels).
 */
export function pointwiseInputGrad(dy: tf.Tensor4D, H: number, W: number, filter: tf.Tensor4D, g: ConvGradGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, ho, wo, O] = dy.shape;
    const I = filter.shape[2];
    const flat = tf.matMul(tf.reshape(dy, [n * ho * wo, O]) as tf.Tensor2D, tf.reshape(filter, [I, O]) as tf.Tensor2D, false, true);
    const { d, pad } = spreadForInputGrad(tf.reshape(flat, [n, ho, wo, I]) as tf.Tensor4D, H, W, 1, 1, g);
    if (pad === 'valid') return d;
    const [, [top, bottom], [left, right]] = pad;
    return padOrCrop(d, top, bottom, left, right);
  });
}

/** Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor. */
export function padOrCrop(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  let y = x;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    y = tf.pad(y, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = y.shape;
    const t0 = Math.max(0, -top);
    const l0 = Math.max(0, -left);
    y = tf.slice(y, [0, t0, l0, 0], [n, h - t0 - Math.max(0, -bottom), w - l0 - Math.max(0, -right), c]);
  }
  return y;
}

/** Geometry of a TF.js conv call (its `pad` in any form TF.js takes) for an NHWC input of shape `xShape`. */
export function convGradGeometry(
  xShape: number[], filterShape: number[], strides: number | [number, number], dilations: number | [number, number] | undefined,
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding, dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined, depthwise: boolean,
): ConvGradGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    strides, dilations ?? 1, pad, dimRoundingMode, depthwise, 'channelsLast',
  );
  return {
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/**
 * A [kh, kw, I, O] kernel rotated by 180° in its two spatial axes, and with I and O swapped when `transpose`,
 * held while gradients run (heldKernels.ts). Made in JavaScript: on wasm, Reverse is an element-by-element loop
 * (1.4 s of an InceptionV3 input gradient for its 22 M kernel weights), Slice copies its whole input per call and
 * Gather was slower still.
 */
export function flippedKernel(filter: tf.Tensor4D, transpose: boolean): tf.Tensor4D {
  return heldGradientKernel(filter, transpose ? 'flip-transpose' : 'flip', () => flipKernel(filter, transpose));
}

/** `flippedKernel` made now, not held (caller disposes). */
export function flipKernel(filter: tf.Tensor4D, transpose: boolean): tf.Tensor4D {
  const [kh, kw, I, O] = filter.shape;
  const shape: [number, number, number, number] = transpose ? [kh, kw, O, I] : [kh, kw, I, O];
  // On a GPU backend the filter may be a value the GPU computed (a GraphModel's Mul of constants), which has no
  // synchronous read; Reverse is a cheap kernel there, so no JavaScript copy is needed.
  if (filter.dtype !== 'float32' || !readsSynchronously()) {
    return tf.tidy(() => {
      const flipped = tf.reverse(filter, [0, 1]);
      return (transpose ? tf.transpose(flipped, [0, 1, 3, 2]) : flipped) as tf.Tensor4D;
    });
  }
  const src = filter.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  const taps = kh * kw;
  const tap = I * O;
  for (let t = 0; t < taps; t++) {
    const from = t * tap;
    const to = (taps - 1 - t) * tap;
    if (!transpose) {
      out.set(src.subarray(from, from + tap), to);
      continue;
    }
    for (let i = 0; i < I; i++) {
      for (let o = 0; o < O; o++) out[to + o * I + i] = src[from + i * O + o] as number;
    }
  }
  return tf.tensor4d(out, shape);
}

/** Input gradient of conv2d(x, filter) (NHWC, HWIO filter): a conv of spread dy with the flipped, transposed filter. */
export function conv2dInputGrad(dy: tf.Tensor4D, xShape: number[], filter: tf.Tensor4D, g: ConvGradGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const flipped = flippedKernel(filter, true);
    const { d, pad } = spreadForInputGrad(dy, xShape[1] as number, xShape[2] as number, kh, kw, g);
    return tf.conv2d(d, flipped, 1, pad, 'NHWC', g.dilations);
  });
}

/**
 * Input gradient of depthwiseConv2d(x, filter) (NHWC, filter [kh, kw, C, M]): a depthwise conv of spread dy
 * (C·M channels) with the flipped filter, then the M products of each input channel summed.
 */
export function depthwiseInputGrad(dy: tf.Tensor4D, xShape: number[], filter: tf.Tensor4D, g: ConvGradGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, C, M] = filter.shape;
    const flipped = tf.reshape(flippedKernel(filter, false), [kh, kw, C * M, 1]) as tf.Tensor4D;
    const [n, H, W] = xShape as [number, number, number, number];
    const { d, pad } = spreadForInputGrad(dy, H, W, kh, kw, g);
    const y = tf.depthwiseConv2d(d, flipped, 1, pad, 'NHWC', g.dilations);
    return M === 1 ? y : (tf.sum(tf.reshape(y, [n, H, W, C, M]), 4) as tf.Tensor4D);
  });
}
