// `npm run zoo` (and the zoo test, on demand): makes the conformance zoo into .cache/zoo/<key>/ unless that zoo
// exists, with makeZoo.ts (TF.js in Node, nothing downloaded). Older zoos (other keys) and half-made ones of
// killed runs are removed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, zooCacheDir, zooCacheRoot, zooKey, zooReady, zooScriptDir } from './zooCache.mjs';

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function removeStale() {
  if (!existsSync(zooCacheRoot)) return;
  const key = zooKey();
  for (const name of readdirSync(zooCacheRoot)) {
    const stale = name.includes('.tmp-') ? !isRunning(Number(name.split('.tmp-')[1])) : name !== key;
    if (stale) rmSync(join(zooCacheRoot, name), { recursive: true, force: true });
  }
}

const dir = zooCacheDir();
if (zooReady()) {
  removeStale();
  console.log(`zoo: ${dir} is up to date`);
} else {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const t0 = Date.now();
  console.log(`zoo: making ${dir}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(zooScriptDir, 'makeZoo.ts'), tmp], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    console.error(`zoo: makeZoo.ts failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  removeStale();
  console.log(`zoo: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
