// Depthwise convolutions on the native kernels (native/depthwiseConv.cc): DepthwiseConv2dNative,
// FusedDepthwiseConv2D (bias + linear/ReLU/ReLU6 fused into the store) and DepthwiseConv2dNativeBackpropInput.
// Why: MobileNet-style nets run a depthwise conv per block, and wasm has no input-gradient kernel for one at
// all. Each function returns null for a call it does not cover (another dtype or data format, another
// activation, PReLU weights, a bias that is not one value per output channel), and TF.js's kernel runs instead.
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { TensorAccess } from './backendTensors';
import type { NativeKernelsBinding } from './nativeKernelsBinding';
import type { KernelArgs } from './nativeKernelFuncs';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil';

interface DepthwiseAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: Rounding;
  activation?: string;
}

/** The addon's activation codes (depthwiseConv.h). */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2 };

function geometry(info: tf.backend_util.Conv2DInfo): Int32Array {
  return Int32Array.of(
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left,
  );
}

const isFloat4d = (t: TensorInfo | undefined): t is TensorInfo => !!t && t.dtype === 'float32' && t.shape.length === 4;

export function depthwiseConv2d(binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess, fused: boolean): TensorInfo | null {
  const { x, filter, bias, preluActivationWeights } = args.inputs;
  if (!isFloat4d(x) || !isFloat4d(filter) || preluActivationWeights) return null;
  const attrs = args.attrs as unknown as DepthwiseAttrs;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const activation = ACTIVATIONS[fused ? (attrs.activation ?? 'linear') : 'linear'];
  if (activation === undefined || x.shape[3] !== filter.shape[2]) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, true, 'channelsLast',
  );
  if (fused && bias && (bias.dtype !== 'float32' || bias.shape.reduce((a, b) => a * b, 1) !== info.outChannels)) return null;
  if (info.outHeight <= 0 || info.outWidth <= 0) return null;
  return access.output(info.outShape, (out) =>
    binding.depthwiseConv2d(access.view(x), access.view(filter), out, geometry(info), fused && bias ? access.view(bias) : null, activation),
  );
}

export function depthwiseConv2dBackpropInput(binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess): TensorInfo | null {
  const { dy, filter } = args.inputs;
  if (!isFloat4d(dy) || !isFloat4d(filter)) return null;
  const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || attrs.inputShape?.length !== 4 || attrs.inputShape[3] !== filter.shape[2]) return null;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, true, 'channelsLast',
  );
  if (info.batchSize !== dy.shape[0] || info.outHeight !== dy.shape[1] || info.outWidth !== dy.shape[2] || info.outChannels !== dy.shape[3]) return null;
  return access.output(attrs.inputShape, (dx) => binding.depthwiseConv2dBackpropInput(access.view(dy), access.view(filter), dx, geometry(info)));
}
