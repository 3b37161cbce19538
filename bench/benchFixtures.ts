// The ONNX models the benches time: the project's own fixtures (scripts/fixtures/), made first when missing.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES_MISSING, onnxFixturesCacheDir, onnxFixturesReady } from '../scripts/fixtures/fixturesCache.mjs';

export function benchFixturesDir(root: string): string {
  if (!onnxFixturesReady()) {
    const r = spawnSync(process.execPath, [join(root, 'scripts/fixtures/ensureFixtures.mjs')], { stdio: 'inherit' });
    if (r.status !== 0 || !onnxFixturesReady()) throw new Error(FIXTURES_MISSING);
  }
  return onnxFixturesCacheDir();
}
