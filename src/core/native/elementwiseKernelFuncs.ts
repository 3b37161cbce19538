// Elementwise kernels on the native addon (native/channelBroadcast.cc): Add, Multiply and Sub of a tensor with a
// per-channel vector or a scalar, ClipByValue and Relu6. Why: Keras BatchNormalization runs as x · k + b
// (src/core/model/tfjsBatchNormEval.ts) and ReLU6 as a clip, once per layer forward and again in the gradient;
// on wasm these broadcast and clip calls took most of a MobileNetV2 Layers step. Same-shape binary ops (wasm's
// are fast), other broadcasts, other dtypes and small tensors return null: TF.js's kernel runs.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { TensorAccess } from './backendTensors';
import type { NativeKernelsBinding } from './nativeKernelsBinding';
import type { KernelArgs } from './nativeKernelFuncs';

/** Below this many values the call overhead outweighs the faster loop. */
export const MIN_VALUES = 1 << 14;

const ADD = 0;
const MULTIPLY = 1;
const SUBTRACT = 2;
const SUBTRACT_FROM = 3;

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Whether `v` broadcasts against `full` as one value per last-axis entry (or one value) without growing it. */
export function isChannelVector(full: TensorInfo, v: TensorInfo): boolean {
  const n = size(v.shape);
  if (n === 1) return v.shape.length <= full.shape.length;
  const channels = full.shape[full.shape.length - 1];
  if (n !== channels || v.shape.length > full.shape.length) return false;
  return v.shape.slice(0, -1).every((d) => d === 1) && v.shape[v.shape.length - 1] === channels;
}

function binary(binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess, op: number, reversed: number): TensorInfo | null {
  const { a, b } = args.inputs;
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const [full, v, code] = isChannelVector(a, b) ? [a, b, op] : isChannelVector(b, a) ? [b, a, reversed] : [null, null, op];
  if (!full || !v || size(full.shape) < MIN_VALUES || size(v.shape) === size(full.shape)) return null;
  return access.output([...full.shape], (out) => binding.channelBroadcast(access.view(full), access.view(v), out, code));
}

export const add = (binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess) => binary(binding, args, access, ADD, ADD);
export const multiply = (binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess) => binary(binding, args, access, MULTIPLY, MULTIPLY);
export const sub = (binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess) => binary(binding, args, access, SUBTRACT, SUBTRACT_FROM);

function clampTo(binding: NativeKernelsBinding, x: TensorInfo | undefined, access: TensorAccess, lo: number, hi: number): TensorInfo | null {
  if (!x || x.dtype !== 'float32' || size(x.shape) < MIN_VALUES || !(lo <= hi)) return null;
  return access.output([...x.shape], (out) => binding.clamp(access.view(x), out, lo, hi));
}

export function clipByValue(binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess): TensorInfo | null {
  const { clipValueMin, clipValueMax } = args.attrs as unknown as { clipValueMin: number; clipValueMax: number };
  return clampTo(binding, args.inputs.x, access, clipValueMin, clipValueMax);
}

export function relu6(binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess): TensorInfo | null {
  return clampTo(binding, args.inputs.x, access, 0, 6);
}
