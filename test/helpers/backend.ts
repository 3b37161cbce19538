import { join } from 'node:path';
import { initBackend } from '../../src/core/backend';
import type { BackendStatus } from '../../src/shared/backend';
import { repoRoot } from './paths';

/** Activates a TF.js backend for a test file; wasm loads its .wasm files from node_modules. */
export function useBackend(name: 'wasm' | 'cpu'): Promise<BackendStatus> {
  return initBackend(name, { wasmDir: join(repoRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') });
}
