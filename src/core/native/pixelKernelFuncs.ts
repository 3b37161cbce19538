// Kernels of activation maximization's image path on the native addon (native/pixelOps.cc), each the bits of what
// it replaces: RealDiv by a per-channel vector or a scalar (input normalization's (x − mean) / std: TF.js wasm
// runs a [32, 224, 224, 3] / [3] division through its generic broadcast, ~60 ms, forward and again in the
// gradient), matrix products with K and N of at most 4 (the colour decorrelation's [N·H·W, 3] × [3, 3], which the
// tiled product pads 12-fold), and the sigmoid's gradient (one pass instead of TF.js's sub, mul, mul).
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { TensorAccess } from './backendTensors';
import { isChannelVector, MIN_VALUES } from './elementwiseKernelFuncs';
import type { NativeKernelsBinding } from './nativeKernelsBinding';
import type { KernelArgs } from './nativeKernelFuncs';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Largest K and N of `smallMatMul` (kSmallMatMulMax in native/pixelOps.h). */
export const SMALL_MATMUL_MAX = 4;

export function realDiv(binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess): TensorInfo | null {
  const { a, b } = args.inputs;
  // An addon built before these kernels lacks them: TF.js's kernel runs.
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || typeof binding.channelDivide !== 'function') return null;
  const [full, v, reversed] = isChannelVector(a, b) ? [a, b, false] : isChannelVector(b, a) ? [b, a, true] : [null, null, false];
  if (!full || !v || size(full.shape) < MIN_VALUES || size(v.shape) === size(full.shape)) return null;
  return access.output([...full.shape], (out) => binding.channelDivide(access.view(full), access.view(v), out, reversed));
}

/**
 * `op(a) · op(b)` for a float32 a of rows × K (no batch broadcast of b) and a 2-D b with K, N ≤ SMALL_MATMUL_MAX, or
 * null. Rounds as the tiled product does (native/pixelOps.h), so results do not depend on which one ran.
 */
export function smallMatMul(binding: NativeKernelsBinding, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, access: TensorAccess): TensorInfo | null {
  if (transposeA || b.shape.length !== 2 || typeof binding.smallMatMul !== 'function') return null;
  const K = a.shape[a.shape.length - 1]!;
  const N = transposeB ? b.shape[0]! : b.shape[1]!;
  if (K > SMALL_MATMUL_MAX || N > SMALL_MATMUL_MAX || (transposeB ? b.shape[1] : b.shape[0]) !== K) return null;
  const rows = size(a.shape) / K;
  if (rows * N < MIN_VALUES) return null;
  const bv = access.view(b);
  // b as K × N row-major (9 values at most 16: transposing them here is free).
  const matrix = transposeB ? Float32Array.from({ length: K * N }, (_, i) => bv[(i % N) * K + Math.floor(i / N)]!) : Float32Array.from(bv);
  return access.output([...a.shape.slice(0, -1), N], (out) => binding.smallMatMul(access.view(a), K, matrix, N, out));
}

/** TF.js has no sigmoid-gradient kernel: this one is ours, registered on wasm and cpu with the native kernels. */
export const SIGMOID_GRAD_KERNEL = 'LayerLensSigmoidGrad';

export function sigmoidGradKernel(binding: NativeKernelsBinding, args: KernelArgs, access: TensorAccess): TensorInfo {
  const { y, dy } = args.inputs;
  if (!y || !dy || y.dtype !== 'float32' || dy.dtype !== 'float32' || size(y.shape) !== size(dy.shape)) {
    throw new Error(`${SIGMOID_GRAD_KERNEL} needs float32 y and dy of one size`);
  }
  return access.output([...y.shape], (out) => binding.sigmoidGrad(access.view(y), access.view(dy), out));
}

/**
 * The registered Sigmoid gradient, wrapped while the native kernels are installed: dy · (y · (1 − y)) as one kernel
 * call on the backends that have it (the same bits: each of TF.js's three ops rounds to float32 as the loop does),
 * the wrapped gradient elsewhere and for other dtypes.
 */
export function nativeSigmoidGradConfig(wrapped: GradConfig, backends: readonly string[], available: boolean): GradConfig {
  return {
    ...wrapped,
    gradFunc: (dy, saved, attrs) => {
      const [y] = saved;
      const native = available && !Array.isArray(dy) && backends.includes(tf.getBackend()) && y?.dtype === 'float32' && dy.dtype === 'float32' && size(y.shape) >= MIN_VALUES;
      if (!native) return wrapped.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(SIGMOID_GRAD_KERNEL, { y: y!, dy: dy as tf.Tensor }) as tf.Tensor };
    },
  };
}
