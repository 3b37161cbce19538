import { join } from 'node:path';
import { initBackend } from '../../src/core/backend';
import { loadNativeKernels } from '../../src/core/native/loadNativeKernelsNode';
import type { BackendStatus } from '../../src/shared/backend';
import { repoRoot } from './paths';

/**
 * Activates a TF.js backend for a test file; wasm loads its .wasm files from node_modules. TF.js's own kernels
 * unless `nativeKernels` is set (then dist/layer_lens_kernels.node, built by `npm run build`, must load).
 */
export async function useBackend(name: 'wasm' | 'cpu', options: { nativeKernels?: boolean } = {}): Promise<BackendStatus> {
  const status = await initBackend(name, {
    wasmDir: join(repoRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'),
    nativeKernels: options.nativeKernels ? () => loadNativeKernels(join(repoRoot, 'dist')) : undefined,
    nativeThreads: 2,
  });
  if (options.nativeKernels && !status.kernels?.startsWith('native')) throw new Error(`native kernels did not start: ${status.kernels}`);
  return status;
}
