// The native kernels as TF.js kernel functions: each reads its tensors in place (backendTensors.ts), checks
// that the call is one it covers (dtype, layout, shapes, sizes worth packing) and returns null otherwise, so
// that installNativeKernels.ts runs TF.js's own kernel instead.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { TensorAccess } from './backendTensors';
import type { NativeKernelsBinding, PackedFilter } from './nativeKernelsBinding';
import { depthwiseConv2d, depthwiseConv2dBackpropInput } from './depthwiseKernelFuncs';
import { add, clipByValue, multiply, relu6, sub } from './elementwiseKernelFuncs';
import { concat, padV2, transpose } from './memoryOpsKernelFuncs';
import { realDiv, smallMatMul } from './pixelKernelFuncs';

export type KernelArgs = Parameters<KernelFunc>[0];
export type NativeKernelFunc = (binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess, fused: boolean) => TensorInfo | TensorInfo[] | null;

// Packed kernels, keyed by the filter tensor's data: TF.js never changes a tensor's values in place, and a
// disposed tensor's dataId is never reused, so an entry can only go stale by being garbage-collected with it.
const packedFilters = new WeakMap<object, PackedFilter>();
/** Largest kernel or matrix packed (and so copied) for the native products: 16 M floats, 64 MB. */
const MAX_PACKED_FLOATS = 1 << 24;
const packedTransposed = new WeakMap<object, PackedFilter>();

type Access = TensorAccess;
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

function convGeometry(info: tf.backend_util.Conv2DInfo): Int32Array {
  return Int32Array.of(
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left,
  );
}

function conv2d(binding: NativeKernelsBinding, args: KernelArgs, access: Access, fused: boolean): TensorInfo | null {
  const { x, filter, bias, preluActivationWeights } = args.inputs;
  if (!x || !filter || x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4) return null;
  const attrs = args.attrs as NamedAttrMap & {
    strides: number | [number, number];
    pad: Pad;
    dataFormat?: 'NHWC' | 'NCHW';
    dilations?: number | [number, number];
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    activation?: string;
  };
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const activation = fused ? (attrs.activation ?? 'linear') : 'linear';
  if (activation !== 'linear' && activation !== 'relu') return null;
  if (preluActivationWeights) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  if (bias && (bias.dtype !== 'float32' || bias.shape.reduce((a, b) => a * b, 1) !== info.outChannels)) return null;
  const geometry = convGeometry(info);
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  if (K * info.outChannels > MAX_PACKED_FLOATS) return null;
  return access.output(info.outShape, (out) => {
    let packed = packedFilters.get(filter.dataId);
    if (!packed) {
      packed = binding.packFilter(access.view(filter), K, info.outChannels);
      packedFilters.set(filter.dataId, packed);
    }
    binding.conv2d(access.view(x), packed, out, geometry, bias ? access.view(bias) : null, activation === 'relu');
  });
}

function conv2dBackpropInput(binding: NativeKernelsBinding, args: KernelArgs, access: Access): TensorInfo | null {
  const { dy, filter } = args.inputs;
  if (!dy || !filter || dy.dtype !== 'float32' || filter.dtype !== 'float32' || dy.shape.length !== 4) return null;
  const attrs = args.attrs as NamedAttrMap & {
    strides: number | [number, number];
    pad: Pad;
    dataFormat?: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  if (info.outHeight !== dy.shape[1] || info.outWidth !== dy.shape[2] || info.outChannels !== dy.shape[3]) return null;
  if (info.filterHeight * info.filterWidth * info.inChannels * info.outChannels > MAX_PACKED_FLOATS) return null;
  return access.output(attrs.inputShape, (dx) => {
    let packed = packedTransposed.get(filter.dataId);
    if (!packed) {
      packed = binding.packFilterTransposed(access.view(filter), info.outChannels, info.filterHeight * info.filterWidth * info.inChannels);
      packedTransposed.set(filter.dataId, packed);
    }
    binding.conv2dBackpropInput(access.view(dy), packed, dx, convGeometry(info));
  });
}

// Right-hand sides of matrix products by tensor data and orientation (a constant basis is packed once).
const packedRight = new WeakMap<object, { plain?: PackedFilter; transposed?: PackedFilter }>();

function batchMatMul(binding: NativeKernelsBinding, args: KernelArgs, access: Access): TensorInfo | null {
  const { a, b } = args.inputs;
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if ((transposeB ? b.shape[rb - 1] : b.shape[rb - 2]) !== K || M === 0 || K === 0 || N === 0) return null;
  // A few columns from a few (the colour decorrelation): one pass over A instead of a 12 × 32 tile per 12 rows.
  const small = smallMatMul(binding, a, b, transposeA, transposeB, access);
  if (small) return small;
  // Dot-product shapes (a few outputs over a long K, e.g. the ReLU redirect's per-item sums of squares) would
  // pad to a 12 × 32 tile and waste almost all of it: TF.js's kernel does those better.
  if (M * N < 256 && K > 256) return null;
  // A packed B is a copy kept as long as its tensor lives: not for huge weights (VGG's 25088 × 4096 fc would
  // double its 400 MB), nor for a few rows against a big matrix, which is memory-bound either way.
  if (K * N > MAX_PACKED_FLOATS || (M < 12 && K * N > 1 << 20)) return null;
  const batchDims = a.shape.slice(0, ra - 2);
  const batch = batchDims.reduce((p, q) => p * q, 1);
  // One B for every batch item (a plain 2-D B), or one B per item with the same batch dims; anything else
  // (broadcasting a batch of B over one A, mixed batch shapes) runs TF.js's kernel.
  const shared = rb === 2;
  if (!shared && (rb !== ra || b.shape.slice(0, rb - 2).some((d, i) => d !== batchDims[i]))) return null;
  const pack = (values: Float32Array): PackedFilter => (transposeB ? binding.packFilterTransposed(values, K, N) : binding.packFilter(values, K, N));
  return access.output([...batchDims, M, N], (out) => {
    const av = access.view(a);
    if (shared) {
      const entry = packedRight.get(b.dataId) ?? {};
      const key = transposeB ? 'transposed' : 'plain';
      const packed = entry[key] ?? (entry[key] = pack(access.view(b)));
      packedRight.set(b.dataId, entry);
      binding.matMul(av, batch, M, K, transposeA, packed, out);
      return;
    }
    const bv = access.view(b);
    for (let i = 0; i < batch; i++) {
      binding.matMul(av.subarray(i * M * K, (i + 1) * M * K), 1, M, K, transposeA, pack(bv.subarray(i * K * N, (i + 1) * K * N)), out.subarray(i * M * N, (i + 1) * M * N));
    }
  });
}

// wasm's Slice copies its whole input out of the heap on every call (~4 ms for one 224 px actmax crop).
function slice(binding: NativeKernelsBinding, args: KernelArgs, access: Access): TensorInfo | null {
  const { x } = args.inputs;
  if (!x || x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > 4) return null;
  const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
  const [b, s] = tf.slice_util.parseSliceParams(x, begin, size);
  return window4d(binding, access, x, b, s);
}

function window4d(binding: NativeKernelsBinding, access: Access, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const lead = 4 - x.shape.length;
  const four = (v: number[], fill: number) => Int32Array.from([...Array<number>(lead).fill(fill), ...v]);
  return access.output(size, (out) => binding.slice(access.view(x), four(x.shape, 1), four(begin, 0), four(size, 1), out));
}

// SplitV (the gradient of every inception concat) is wasm's Slice once per piece, each copying the whole input.
function splitV(binding: NativeKernelsBinding, args: KernelArgs, access: Access): TensorInfo[] | null {
  const { x } = args.inputs;
  if (!x || x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > 4) return null;
  const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
  const dim = tf.util.parseAxisParam(axis, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, dim);
  const begin = x.shape.map(() => 0);
  return sizes.map((piece) => {
    const size = [...x.shape];
    size[dim] = piece;
    const out = window4d(binding, access, x, [...begin], size);
    begin[dim] += piece;
    return out;
  });
}

function relu(binding: NativeKernelsBinding, args: KernelArgs, access: Access): TensorInfo | null {
  const { x } = args.inputs;
  if (!x || x.dtype !== 'float32') return null;
  return access.output(x.shape, (out) => binding.relu(access.view(x), out));
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function poolGeometry(shape: number[], attrs: PoolAttrs): { info: tf.backend_util.Conv2DInfo; geometry: Int32Array } {
  const info = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const geometry = Int32Array.of(
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.filterHeight,
    info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, info.padInfo.top,
    info.padInfo.left,
  );
  return { info, geometry };
}

function maxPool(binding: NativeKernelsBinding, args: KernelArgs, access: Access): TensorInfo | null {
  const { x } = args.inputs;
  if (!x || x.dtype !== 'float32' || x.shape.length !== 4) return null;
  const { info, geometry } = poolGeometry(x.shape, args.attrs as unknown as PoolAttrs);
  return access.output(info.outShape, (y) => binding.maxPool(access.view(x), y, geometry));
}

function maxPoolGrad(binding: NativeKernelsBinding, args: KernelArgs, access: Access): TensorInfo | null {
  const { dy, input } = args.inputs;
  if (!dy || !input || dy.dtype !== 'float32' || input.dtype !== 'float32' || input.shape.length !== 4) return null;
  const { geometry } = poolGeometry(input.shape, args.attrs as unknown as PoolAttrs);
  return access.output(input.shape, (dx) => binding.maxPoolGrad(access.view(input), access.view(dy), dx, geometry));
}

/** The kernels the addon replaces, by TF.js kernel name. */
export const NATIVE_KERNEL_FUNCS: Record<string, NativeKernelFunc> = {
  Conv2D: conv2d,
  FusedConv2D: conv2d,
  Conv2DBackpropInput: conv2dBackpropInput,
  DepthwiseConv2dNative: depthwiseConv2d,
  FusedDepthwiseConv2D: depthwiseConv2d,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dBackpropInput,
  MaxPool: maxPool,
  MaxPoolGrad: maxPoolGrad,
  Relu: relu,
  Relu6: relu6,
  ClipByValue: clipByValue,
  Add: add,
  Multiply: multiply,
  Sub: sub,
  RealDiv: realDiv,
  BatchMatMul: batchMatMul,
  Slice: slice,
  SplitV: splitV,
  Transpose: transpose,
  PadV2: padV2,
  Concat: concat,
};
