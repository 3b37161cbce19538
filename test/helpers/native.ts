// Whether this checkout has the native kernels addon. npm run build compiles it wherever a C++ compiler exists
// (the "native kernels build" test fails when it should have and did not); elsewhere the suites that need it
// are skipped, as the product then runs TF.js's kernels.
import { join } from 'node:path';
import { locateNativeKernels } from '../../src/core/node/loadNativeKernelsNode';
import { repoRoot } from './paths';

export const nativeKernelsBuilt = locateNativeKernels(join(repoRoot, 'dist')) !== undefined;

/** node:test options for a suite that needs the addon. */
export const needsNativeKernels = { skip: nativeKernelsBuilt ? false : 'the native kernels addon was not built (no C++ compiler)' } as const;
