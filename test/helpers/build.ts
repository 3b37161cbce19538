import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

let built = false;

/**
 * Builds dist/ once per test process, so engine tests run the same bundle the extension ships. Under
 * scripts/runUnitTests.mjs the runner has built it once for every file (LAYER_LENS_TEST_DIST_BUILT=1).
 */
export function ensureBuilt(): void {
  if (built || process.env.LAYER_LENS_TEST_DIST_BUILT === '1') return;
  execFileSync(process.execPath, [join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot, stdio: 'pipe' });
  built = true;
}
