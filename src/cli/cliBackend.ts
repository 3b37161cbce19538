import { startNodeBackend } from '../core/node/startNodeBackend';
import type { BackendPreference, BackendStatus } from '../shared/backend';
import { oneOf } from './cliArgs';

/**
 * The CLI runs the core in its own process as the engine does: wasm by default (its .wasm files beside the
 * bundle) on the engine's default thread count, with the native conv kernels when they were built.
 */
export async function startBackend(value: unknown): Promise<BackendStatus> {
  const preference = oneOf<BackendPreference>(value, 'backend', ['auto', 'wasm', 'cpu', 'tensorflow'], 'wasm');
  return startNodeBackend(preference);
}
