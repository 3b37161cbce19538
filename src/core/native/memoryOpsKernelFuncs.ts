// Transpose, PadV2 and Concat on the native addon (native/memoryOps.cc): TF.js wasm runs them single-threaded
// and generic (a [96, 224, 113] transpose at ~400 MB/s; the actmax transforms' pads, NHWC↔NCHW transposes and the
// inception blocks' concats took ~15 % of a batched step). They only move values, so float32 and int32 tensors
// are copied bit for bit; other dtypes, more than 8 axes and empty outputs (or a concat with one non-empty
// input) return null: TF.js's kernel runs.
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { TensorAccess, WordDtype } from './backendTensors';
import type { NativeKernelsBinding } from './nativeKernelsBinding';
import type { KernelArgs } from './nativeKernelFuncs';

/** Highest rank the addon's kernels take (kMaxMoveRank in native/memoryOps.h). */
const MAX_RANK = 8;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const movable = (t: TensorInfo | undefined, access: TensorAccess): t is TensorInfo => t !== undefined && t.shape.length <= MAX_RANK && access.holdsWords(t);

export function transpose(binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess): TensorInfo | null {
  const { x } = args.inputs;
  const { perm } = args.attrs as unknown as { perm: number[] };
  if (!movable(x, access) || !Array.isArray(perm) || perm.length !== x.shape.length) return null;
  const outShape = perm.map((p) => x.shape[p]!);
  if (size(outShape) === 0) return null;
  return access.wordsOutput(outShape, x.dtype as WordDtype, (out) => binding.transpose(access.words(x), Int32Array.from(x.shape), Int32Array.from(perm), out));
}

export function padV2(binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess): TensorInfo | null {
  const { x } = args.inputs;
  const { paddings, constantValue } = args.attrs as unknown as { paddings: [number, number][]; constantValue: number };
  if (!movable(x, access) || !Array.isArray(paddings) || paddings.length !== x.shape.length) return null;
  if (paddings.some((p) => !Number.isInteger(p[0]) || !Number.isInteger(p[1]) || p[0] < 0 || p[1] < 0)) return null;
  const outShape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
  if (size(outShape) === 0) return null;
  // -0 pads with +0 as TF.js's cpu kernel does (it fills only a non-zero value). TF.js wasm's result for -0 and
  // NaN depends on the fills used before (it reuses a cached pad operator whose value compares equal or unordered).
  const fill = constantValue === 0 ? 0 : constantValue;
  return access.wordsOutput(outShape, x.dtype as WordDtype, (out) =>
    binding.padConstant(access.words(x), Int32Array.from(x.shape), Int32Array.from(paddings, (p) => p[0]), Int32Array.from(paddings, (p) => p[1]), fill, out),
  );
}

export function concat(binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess): TensorInfo | null {
  // Concat's inputs are a list of tensors, not a map of names.
  const inputs = args.inputs as unknown as TensorInfo[];
  if (!Array.isArray(inputs) || inputs.length < 2) return null;
  const dtype = inputs[0]!.dtype;
  if (inputs.some((t) => t.dtype !== dtype || !movable(t, access))) return null;
  const axis = tf.util.parseAxisParam((args.attrs as unknown as { axis: number | number[] }).axis, inputs[0]!.shape)[0]!;
  const shapes = inputs.map((t) => t.shape);
  tf.backend_util.assertParamsConsistent(shapes, axis);
  const outShape = tf.backend_util.computeOutShape(shapes, axis);
  const filled = inputs.filter((t) => size(t.shape) > 0);
  if (filled.length < 2 || size(outShape) === 0) return null;
  const outer = size(outShape.slice(0, axis));
  return access.wordsOutput(outShape, dtype as WordDtype, (out) => binding.concat(filled.map((t) => access.words(t)), outer, out));
}
