// Registered gradients for Conv2D and DepthwiseConv2dNative that give an input gradient for every stride,
// dilation and padding, on every backend. TF.js's own assert dilation 1 for both, and its depthwise input
// gradient needs a kernel wasm lacks. The input gradient is a forward conv with the flipped kernel
// (convInputGrad.ts); the filter gradient stays TF.js's (a thunk: never run while the weights are constants,
// since the tape only asks for gradients of inputs on the path from the image).
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { nativeKernelsInstalled } from '../native/installNativeKernels';
import { conv2dInputGrad, convGradGeometry, depthwiseInputGrad } from './convInputGrad';

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function isOne(v: number | [number, number] | undefined): boolean {
  return v === undefined || (Array.isArray(v) ? v.every((s) => s === 1) : v === 1);
}

function noFilterGrad(op: string): () => tf.Tensor {
  return () => {
    throw new Error(`the filter gradient of a dilated ${op} is not supported (only input gradients are)`);
  };
}

/**
 * Conv2D: TF.js's gradient where it is fast and right (dilation 1 on cpu, or with the native kernels, whose
 * Conv2DBackpropInput is the fast path); otherwise the flipped-kernel forward conv. On wasm that is every conv:
 * its Conv2DBackpropInput is a plain loop, 2.2 of nsfwjs MobileNetV2's 2.9 s per input gradient.
 */
export function conv2dGradConfig(stock: GradConfig): GradConfig {
  return {
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs: NamedAttrMap) => {
      const a = attrs as unknown as ConvAttrs;
      const dilated = !isOne(a.dilations);
      if (!dilated && (nativeKernelsInstalled() || tf.getBackend() !== 'wasm')) return stock.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const nchw = a.dataFormat === 'NCHW';
      const stockGrads = dilated ? null : (stock.gradFunc(dy, saved, attrs) as Record<string, () => tf.Tensor>);
      return {
        x: () => {
          const xShape = nchw ? [x.shape[0], x.shape[2], x.shape[3], x.shape[1]] : x.shape;
          const d = (nchw ? tf.transpose(dy as tf.Tensor, [0, 2, 3, 1]) : dy) as tf.Tensor4D;
          const g = convGradGeometry(xShape, filter.shape, a.strides, a.dilations, a.pad, a.dimRoundingMode, false);
          const dx = conv2dInputGrad(d, xShape, filter, g);
          return nchw ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
        },
        filter: stockGrads?.filter ?? noFilterGrad('conv2d'),
      };
    },
  };
}

/** DepthwiseConv2dNative: our input gradient always (wasm has no kernel for TF.js's); TF.js's filter gradient. */
export function depthwiseGradConfig(stock: GradConfig): GradConfig {
  return {
    kernelName: 'DepthwiseConv2dNative',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs: NamedAttrMap) => {
      const a = attrs as unknown as ConvAttrs;
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const stockGrads = isOne(a.dilations) ? (stock.gradFunc(dy, saved, attrs) as Record<string, () => tf.Tensor>) : null;
      return {
        x: () => {
          const g = convGradGeometry(x.shape, filter.shape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
          return depthwiseInputGrad(dy as tf.Tensor4D, x.shape, filter, g);
        },
        filter: stockGrads?.filter ?? noFilterGrad('depthwise conv'),
      };
    },
  };
}
