// Registers the native addon's kernels (nativeKernelFuncs.ts: Conv2D, FusedConv2D with bias + linear/ReLU,
// Conv2DBackpropInput, the depthwise convs and their input gradient (depthwiseKernelFuncs.ts), MaxPool,
// MaxPoolGrad, Relu, BatchMatMul, Slice, SplitV, per-channel Add/Multiply/Sub, ClipByValue and Relu6
// (elementwiseKernelFuncs.ts), Transpose, PadV2 and Concat (memoryOpsKernelFuncs.ts), per-channel RealDiv
// (pixelKernelFuncs.ts)) in place of TF.js's own on the wasm and cpu backends, plus kernels of our own for the
// actmax rotation and the Sigmoid gradient. Why: the actmax step, feature maps and top-k
// spend most of their time in convolutions, where wasm's 128-bit SIMD reaches a fraction of the CPU's
// AVX2/AVX-512 rate. Everything above the kernels (ops, gradients, the ONNX executor) is unchanged; any
// call a native kernel does not cover (another dtype or data format, PReLU, an unexpected backend object) runs
// TF.js's own kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tensorAccess, type TensorAccess } from './backendTensors';
import type { NativeKernelsBinding } from './nativeKernelsBinding';
import { NATIVE_KERNEL_FUNCS, type KernelArgs } from './nativeKernelFuncs';
import { cpuDelegate } from './cpuDelegate';
import { nativeDepthwiseGradConfig } from './depthwiseGradient';
import { nativeSigmoidGradConfig, SIGMOID_GRAD_KERNEL, sigmoidGradKernel } from './pixelKernelFuncs';

const BACKENDS = ['wasm', 'cpu'] as const;
const KERNELS = Object.keys(NATIVE_KERNEL_FUNCS);
/** Kernels a backend may lack, registered there with the cpu kernel as the fallback. */
const CPU_DELEGATED = new Set(['DepthwiseConv2dNativeBackpropInput']);

let installed: {
  binding: NativeKernelsBinding;
  originals: KernelConfig[];
  added: { kernelName: string; backendName: string }[];
  depthwiseGrad: GradConfig | undefined;
  sigmoidGrad: GradConfig | undefined;
} | null = null;

/** Installs the native kernels (idempotent); returns a line for the backend status, e.g. "native conv (AVX-512, 2 threads)". */
export function installNativeKernels(binding: NativeKernelsBinding, threads: number): string {
  binding.setThreads(Math.max(1, threads));
  if (!installed) {
    const originals: KernelConfig[] = [];
    const added: { kernelName: string; backendName: string }[] = [];
    for (const backendName of BACKENDS) {
      for (const kernelName of KERNELS) {
        const original = tf.getKernel(kernelName, backendName);
        if (!original) {
          // wasm has no depthwise input gradient of its own: the native one is it, and what it does not cover
          // runs the cpu kernel. Uninstalling takes it away again (nothing of TF.js's to put back).
          if (!CPU_DELEGATED.has(kernelName) || backendName === 'cpu' || !tf.getKernel(kernelName, 'cpu')) continue;
          tf.registerKernel({ kernelName, backendName, kernelFunc: nativeKernel(binding, kernelName, backendName, cpuDelegate(kernelName)) });
          added.push({ kernelName, backendName });
          continue;
        }
        originals.push(original);
        tf.unregisterKernel(kernelName, backendName);
        // The original's setupFunc stays: the backend may not have started yet, and its fallback needs it.
        tf.registerKernel({ ...original, kernelFunc: nativeKernel(binding, kernelName, backendName, original.kernelFunc) });
      }
    }
    for (const backendName of BACKENDS) {
      tf.registerKernel({ kernelName: SHEAR_KERNEL, backendName, kernelFunc: (args) => shearKernel(binding, backendName, args) });
    }
    // The registered depthwise gradient (TF.js's, or one installed before this) with its input gradient on the native kernel.
    const depthwiseGrad = tf.getGradient('DepthwiseConv2dNative');
    if (depthwiseGrad) tf.registerGradient(nativeDepthwiseGradConfig(depthwiseGrad, BACKENDS));
    // The sigmoid's gradient (the actmax image's last op) as one native pass instead of TF.js's three.
    const sigmoidGrad = tf.getGradient('Sigmoid');
    const hasSigmoidGrad = typeof binding.sigmoidGrad === 'function';
    if (hasSigmoidGrad) {
      for (const backendName of BACKENDS) {
        tf.registerKernel({ kernelName: SIGMOID_GRAD_KERNEL, backendName, kernelFunc: (args) => sigmoidGradKernel(binding, args, accessOrThrow(backendName, args.backend)) });
      }
    }
    if (sigmoidGrad) tf.registerGradient(nativeSigmoidGradConfig(sigmoidGrad, BACKENDS, hasSigmoidGrad));
    installed = { binding, originals, added, depthwiseGrad, sigmoidGrad };
  }
  const info = binding.info();
  return `native conv (${info.isa}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`;
}

/** Puts TF.js's own kernels back (tests compare the two). */
export function uninstallNativeKernels(): void {
  if (!installed) return;
  for (const original of installed.originals) {
    tf.unregisterKernel(original.kernelName, original.backendName);
    tf.registerKernel(original);
  }
  for (const { kernelName, backendName } of installed.added) tf.unregisterKernel(kernelName, backendName);
  if (installed.depthwiseGrad) tf.registerGradient(installed.depthwiseGrad);
  if (installed.sigmoidGrad) tf.registerGradient(installed.sigmoidGrad);
  for (const backendName of BACKENDS) {
    tf.unregisterKernel(SHEAR_KERNEL, backendName);
    if (tf.getKernel(SIGMOID_GRAD_KERNEL, backendName)) tf.unregisterKernel(SIGMOID_GRAD_KERNEL, backendName);
  }
  installed = null;
}

export function nativeKernelsInstalled(): boolean {
  return installed !== null;
}

/** A kernel of our own (TF.js has no such op): one line shear of the actmax rotation, see rotate.ts. */
const SHEAR_KERNEL = 'LayerLensShearLines';

/**
 * shearLines of src/core/actmax/rotate.ts on the native kernels: [N, R, L, C] → [N, R, lout, C], line r read at
 * j + offsets[r] with linear interpolation. Null when they are not installed for the active backend.
 */
export function nativeShearLines(x: tf.Tensor4D, offsets: Float64Array, lout: number): tf.Tensor4D | null {
  if (!installed || !(BACKENDS as readonly string[]).includes(tf.getBackend())) return null;
  return tf.engine().runKernel(SHEAR_KERNEL, { x }, { offsets: Array.from(offsets), lout }) as tf.Tensor4D;
}

function shearKernel(binding: NativeKernelsBinding, backendName: string, args: KernelArgs): TensorInfo {
  const { x } = args.inputs;
  const access = tensorAccess(backendName, args.backend);
  if (!x || x.dtype !== 'float32' || x.shape.length !== 4 || !access) throw new Error(`${SHEAR_KERNEL} needs a float32 [N, R, L, C] tensor on wasm or cpu`);
  const { offsets, lout } = args.attrs as unknown as { offsets: number[]; lout: number };
  const [n, rows, , c] = x.shape;
  return access.output([n, rows, lout, c], (out) => binding.shearLines(access.view(x), Int32Array.from(x.shape), Float64Array.from(offsets), lout, out));
}

/** The installed addon, for the few non-kernel helpers that use it directly (feature-map statistics). */
export function installedNativeBinding(): NativeKernelsBinding | null {
  return installed?.binding ?? null;
}

function accessOrThrow(backendName: string, backend: unknown): TensorAccess {
  const access = tensorAccess(backendName, backend);
  if (!access) throw new Error(`the native kernels cannot read ${backendName} tensors`);
  return access;
}

function nativeKernel(binding: NativeKernelsBinding, kernelName: string, backendName: string, fallback: KernelFunc): KernelFunc {
  const run = NATIVE_KERNEL_FUNCS[kernelName]!;
  return (args) => {
    const access = tensorAccess(backendName, args.backend);
    const result = access ? run(binding, args, access, kernelName.startsWith('Fused')) : null;
    return result ?? fallback(args);
  };
}
