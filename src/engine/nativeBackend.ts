// The one place a native TF.js binding is loaded. Both copies of tfjs-core (ours, bundled, and the binding's)
// share TF.js's global engine and kernel registry, so a backend the binding registers is visible to ours.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

const CANDIDATES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

export async function loadNativeBinding(userPath: string | undefined): Promise<{ gpu: boolean } | { error: string }> {
  const tried: string[] = [];
  for (const name of userPath ? [userPath, ...CANDIDATES] : CANDIDATES) {
    try {
      // A require made at run time keeps esbuild from bundling the optional binding.
      createRequire(__filename)(name);
      if (tf.findBackend('tensorflow')) return { gpu: name.includes('gpu') };
      tried.push(`${name} loaded but registered no 'tensorflow' backend`);
    } catch (e) {
      const code = (e as { code?: string }).code;
      tried.push(code === 'MODULE_NOT_FOUND' ? `${name} is not installed` : `${name} failed to load: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { error: tried.join('; ') };
}
