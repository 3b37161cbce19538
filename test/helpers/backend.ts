import { startNodeBackend } from '../../src/core/node/startNodeBackend';
import type { BackendStatus } from '../../src/shared/backend';

/**
 * Activates a TF.js backend for a test file, started as the engine starts it but on one wasm thread (tests share
 * the machine); wasm loads its .wasm files from node_modules. TF.js's own kernels unless `nativeKernels` is set
 * (then dist/layer_lens_kernels.node, built by `npm run build`, must load, on 2 threads).
 */
export async function useBackend(name: 'wasm' | 'cpu', options: { nativeKernels?: boolean } = {}): Promise<BackendStatus> {
  const status = await startNodeBackend(name, { threads: 1, nativeThreads: 2, nativeKernels: options.nativeKernels === true });
  if (options.nativeKernels && !status.kernels?.startsWith('native')) throw new Error(`native kernels did not start: ${status.kernels}`);
  return status;
}
