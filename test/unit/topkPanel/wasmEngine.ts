// The engine as the host runs it, for the topk.find tests: the built engine bundle in a child process on the wasm
// backend, driven by the host's EngineClient. Build first (ensureBuilt); dispose the client after the file's tests.
import { join } from 'node:path';
import { EngineClient } from '../../../src/host/engine/engineClient';
import { repoRoot } from '../../helpers/paths';

export function startWasmEngine(): EngineClient {
  return new EngineClient({
    enginePath: join(repoRoot, 'dist/engine.js'),
    log: () => undefined,
    onStart: async (c) => void (await c.request('init', { backend: 'wasm' })),
    answerCancelWithinMs: 2000,
  });
}
