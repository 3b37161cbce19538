// Node-only: loads the native kernels addon built by scripts/buildNative.mjs. The bundles find it beside
// themselves in dist/; running from source (tsx: tests, bench) finds the repository's dist/.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { NativeKernelsBinding } from '../native/nativeKernelsBinding';

export const NATIVE_KERNELS_FILE = 'layer_lens_kernels.node';

export function locateNativeKernels(besideDir: string): string | undefined {
  return [join(besideDir, NATIVE_KERNELS_FILE), join(__dirname, '../../../dist', NATIVE_KERNELS_FILE)].find((p) => existsSync(p));
}

/**
 * The addon, or why it is not used. LAYER_LENS_NATIVE_KERNELS=0 turns it off (benchmarks compare both paths).
 */
export function loadNativeKernels(besideDir: string): NativeKernelsBinding | { error: string } {
  if (process.env.LAYER_LENS_NATIVE_KERNELS === '0') return { error: 'turned off (LAYER_LENS_NATIVE_KERNELS=0)' };
  const path = locateNativeKernels(besideDir);
  if (!path) return { error: `${NATIVE_KERNELS_FILE} was not built (no C++ compiler when the extension was built)` };
  try {
    // A require made at run time keeps esbuild from trying to bundle the binary.
    const binding = createRequire(__filename)(path) as NativeKernelsBinding;
    // The portable C++ kernel (no AVX2) multiplies at ~9 GFLOP/s here, below wasm's SIMD: keep TF.js's kernels
    // then, unless a test asks for it.
    if (binding.info().isa === 'portable' && process.env.LAYER_LENS_NATIVE_ISA !== 'portable') {
      return { error: 'this CPU has neither AVX2 nor AVX-512, where TF.js\'s wasm kernels are faster' };
    }
    return binding;
  } catch (e) {
    return { error: `${path} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}

/**
 * Threads for the native kernels: `layerLens.wasmThreads` when set (≥ 1), else every core up to 8. Unlike
 * wasm's (kept at 2 by default), these kernels scale with cores and run only while the user waits on a result.
 */
export function nativeThreadsFor(setting: number | undefined, cores: number = cpus().length): number {
  if (setting !== undefined && Number.isFinite(setting) && setting >= 1) return Math.min(64, Math.floor(setting));
  return Math.max(1, Math.min(8, cores));
}
