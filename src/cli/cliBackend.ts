import { startNodeBackend } from '../core/node/startNodeBackend';
import type { BackendPreference, BackendStatus } from '../shared/backend';
import { oneOf } from './cliArgs';

/**
 * The CLI runs the core in its own process as the engine does, and by default chooses as the extension's `auto`
 * does: a hardware WebGPU adapter, else wasm (its .wasm files beside the bundle) on the engine's default thread
 * count with the native conv kernels when they were built, else cpu; never a software GPU adapter (slower than
 * wasm). A backend asked for that cannot run is said in one line on stderr, never swallowed.
 */
export async function startBackend(value: unknown): Promise<BackendStatus> {
  const preference = oneOf<BackendPreference>(value, 'backend', ['auto', 'webgpu', 'wasm', 'cpu', 'tensorflow'], 'auto');
  const status = await startNodeBackend(preference, {
    // The VS Code engine is the one place a native TF.js binding is loaded (docs/architecture.md).
    loadNative: async () => ({ error: 'the command line does not load @tensorflow/tfjs-node or tfjs-node-gpu (only the VS Code engine does)' }),
  });
  if (status.notHonoured) process.stderr.write(`layer-lens: ${status.notHonoured}\n`);
  return status;
}
