// A cache folder named by a key (a hash of what makes it): made into a temporary folder beside it, which then takes
// its place, so a run killed half-way never leaves a folder that looks complete. Folders of other keys, and the
// temporary ones of runs no longer alive, only take space. Used by the ONNX fixtures and the conformance zoo.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Removes every folder under `root` but `key`'s, and the temporary ones whose run has ended. */
export function removeStaleFolders(root, key) {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const stale = name.includes('.tmp-') ? !isRunning(Number(name.split('.tmp-')[1])) : name !== key;
    if (stale) rmSync(join(root, name), { recursive: true, force: true });
  }
}

/**
 * Makes `dir` with `make(tmp)` (a spawnSync result: status 0 is success), then removes the stale folders beside it.
 * On failure prints `${label}: ${what} failed (exit N)` and exits 1. Returns the seconds it took.
 */
export function makeKeyedFolder({ dir, root, key, label, what, make }) {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const t0 = Date.now();
  const r = make(tmp);
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    console.error(`${label}: ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  removeStaleFolders(root, key);
  return (Date.now() - t0) / 1000;
}
