import { dirname } from 'node:path';
import { initBackend } from '../core/backend';
import { locateWasmDir } from '../core/io/wasmDir';
import type { BackendPreference, BackendStatus } from '../shared/backend';
import { oneOf } from './cliArgs';

/** The CLI runs the core in its own process: wasm by default, its .wasm files beside the bundle. */
export async function startBackend(value: unknown): Promise<BackendStatus> {
  const preference = oneOf<BackendPreference>(value, 'backend', ['auto', 'wasm', 'cpu', 'tensorflow'], 'wasm');
  return initBackend(preference, { wasmDir: locateWasmDir(dirname(__filename)) });
}
