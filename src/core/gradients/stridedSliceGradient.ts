// StridedSlice's gradient, which TF.js lacks on every backend ("gradient function not found for StridedSlice"):
// GraphModels use the op for crops, `x[:, ::2]`-style subsampling and channel splits. dy goes back where the
// slice read it: zeros inserted between its elements along strided axes, reversed along negative ones, then
// padded out to the input's shape. TF.js's own slice_util resolves the masks exactly as the forward op does.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';

interface StridedSliceAttrs {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/** Elements a dense axis slice [begin, end) with `stride` reads. */
function sliceLength(begin: number, end: number, stride: number): number {
  const interval = end - begin;
  if (interval === 0 || interval < 0 !== stride < 0) return 0;
  return Math.ceil(Math.abs(interval) / Math.abs(stride));
}

export function stridedSliceInputGrad(dy: tf.Tensor, xShape: number[], a: StridedSliceAttrs): tf.Tensor {
  return tf.tidy(() => {
    const info = tf.slice_util.sliceInfo(
      xShape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask,
    );
    // The shape with x's rank that the slice read: shrunk axes kept as 1, new axes left out.
    const sizes = xShape.map((_, i) => sliceLength(info.begin[i] as number, info.end[i] as number, info.strides[i] as number));
    if (sizes.some((s) => s === 0)) return tf.zeros(xShape, dy.dtype);
    let g = tf.reshape(dy, sizes);
    const pads: [number, number][] = [];
    for (let i = 0; i < xShape.length; i++) {
      const n = sizes[i] as number;
      const s = info.strides[i] as number;
      let first = info.begin[i] as number;
      if (s < 0) {
        // Read downwards from `begin`: the same elements upwards from the last one read.
        g = tf.reverse(g, i);
        first += (n - 1) * s;
      }
      const step = Math.abs(s);
      if (step > 1 && n > 1) g = spreadAxis(g, i, step);
      const covered = (n - 1) * step + 1;
      pads.push([first, (xShape[i] as number) - first - covered]);
    }
    return tf.pad(g, pads);
  });
}

/** Inserts step − 1 zeros after each element along `axis`, dropping the trailing ones. */
function spreadAxis(g: tf.Tensor, axis: number, step: number): tf.Tensor {
  const shape = g.shape;
  const n = shape[axis] as number;
  const withSlot = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
  const padSlot: [number, number][] = withSlot.map((_, j) => (j === axis + 1 ? [0, step - 1] : [0, 0]));
  const spread = tf.reshape(tf.pad(tf.reshape(g, withSlot), padSlot), [...shape.slice(0, axis), n * step, ...shape.slice(axis + 1)]);
  const size = [...shape];
  size[axis] = (n - 1) * step + 1;
  return tf.slice(spread, shape.map(() => 0), size);
}

export const stridedSliceGradConfig: GradConfig = {
  kernelName: 'StridedSlice',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => stridedSliceInputGrad(dy as tf.Tensor, x.shape, attrs as unknown as StridedSliceAttrs) };
  },
};
