// The registered gradient of DepthwiseConv2dNative, wrapped while the native kernels are installed: the input
// gradient becomes one DepthwiseConv2dNativeBackpropInput call (the native kernel: dy read in place, no
// zero-spread dy for strides, no flipped kernel made per step, dilations included); the filter gradient and any
// other data format keep the wrapped gradient's.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

interface DepthwiseAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function nativeDepthwiseGradConfig(wrapped: GradConfig, backends: readonly string[]): GradConfig {
  return {
    kernelName: 'DepthwiseConv2dNative',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs: NamedAttrMap) => {
      const grads = wrapped.gradFunc(dy, saved, attrs) as Record<string, () => tf.Tensor>;
      const a = attrs as unknown as DepthwiseAttrs;
      const [x, filter] = saved;
      const native = (a.dataFormat ?? 'NHWC') === 'NHWC' && backends.includes(tf.getBackend()) && x?.rank === 4 && x.dtype === 'float32';
      if (!native || Array.isArray(dy)) return grads;
      const inputShape = x.shape;
      return {
        ...grads,
        x: () => tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropInput', { dy, filter },
          { strides: a.strides, pad: a.pad, dilations: a.dilations ?? 1, dimRoundingMode: a.dimRoundingMode, inputShape } as unknown as NamedAttrMap,
        ) as tf.Tensor,
      };
    },
  };
}
