import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

let built = false;

/** Builds dist/ once per test process, so engine tests run the same bundle the extension ships. */
export function ensureBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, [join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot, stdio: 'pipe' });
  built = true;
}
