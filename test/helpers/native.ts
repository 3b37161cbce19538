// Whether this checkout has the native kernels addon. npm run build compiles it wherever a C++ compiler exists
// (the "native kernels build" test fails when it should have and did not); elsewhere the suites that need it
// are skipped, as the product then runs TF.js's kernels.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { installNativeKernels, uninstallNativeKernels } from '../../src/core/native/installNativeKernels';
import type { NativeKernelsBinding } from '../../src/core/native/nativeKernelsBinding';
import { loadNativeKernels, locateNativeKernels } from '../../src/core/node/loadNativeKernelsNode';
import { useBackend } from './backend';
import { repoRoot } from './paths';

export const nativeKernelsBuilt = locateNativeKernels(join(repoRoot, 'dist')) !== undefined;

/** node:test options for a suite that needs the addon. */
export const needsNativeKernels = { skip: nativeKernelsBuilt ? false : 'the native kernels addon was not built (no C++ compiler)' } as const;

/** Starts `backend` with the native kernels and returns the addon's binding (a failure that says why it did not load). */
export async function nativeBackend(backend: 'wasm' | 'cpu'): Promise<NativeKernelsBinding> {
  await useBackend(backend, { nativeKernels: true });
  const loaded = loadNativeKernels(join(repoRoot, 'dist'));
  assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
  return loaded;
}

/** Puts the addon's kernels back as the engine installs them (2 threads), after a suite swapped or counted them. */
export function restoreNativeKernels(binding: NativeKernelsBinding): void {
  uninstallNativeKernels();
  installNativeKernels(binding, 2);
}
