// One temporary folder per test run. The runners (runUnitTests.mjs, vscodeTest/run.mjs) make it, point
// TMPDIR/TMP/TEMP at it for themselves and every process they start (tests, engines, CLIs, Python, Chromium,
// code-server and its extension host), and remove it when they end, whether the tests passed, failed or the run was
// interrupted. So a run leaves the machine's temp folder as it found it without each test cleaning up after itself.
// Caches meant to outlive a run live under the repository's .cache/, never in the temp folder.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

// Short on purpose: Unix socket paths are limited to 107 bytes, and code-server (vscode-ipc-<uuid>.sock) and munged
// (the Slurm test) put theirs in folders under this one.
export const RUN_TMP_PREFIX = 'lltmp-';
// Written into every run folder, so that someone finding one knows what made it.
export const RUN_TMP_MARK = '.layer-lens-test-run';

const made = new Set();

/** Makes a run folder `<parent>/lltmp-XXXXXX` and returns its path. */
export function makeRunTmp(parent = tmpdir()) {
  const dir = mkdtempSync(join(resolve(parent), RUN_TMP_PREFIX));
  // Readable like any folder (mkdtemp makes it 0700): munged runs as the munge user and must reach the Slurm
  // test's folder inside.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, RUN_TMP_MARK), `made by ${process.argv[1] ?? 'node'} (pid ${process.pid}) at ${new Date().toISOString()}\n`);
  made.add(dir);
  return dir;
}

/** The variables that make a process and its children put temporary files in `dir`. */
export function tmpEnv(dir) {
  return { TMPDIR: dir, TMP: dir, TEMP: dir };
}

/**
 * Removes a folder that makeRunTmp made in this process, and only such a folder: anything else throws before a
 * file is touched. A process of the run that still holds files there (a daemon, a browser on its way out) never
 * makes the removal fail the run: it is retried, and what cannot go is reported. Returns true when it is gone.
 */
export function removeRunTmp(dir) {
  const path = resolve(dir);
  if (!made.has(path) || !basename(path).startsWith(RUN_TMP_PREFIX)) {
    throw new Error(`${path} is not a run folder made by this process; not removing it`);
  }
  made.delete(path);
  try {
    // rmSync removes symbolic links, never what they point to, so nothing outside the folder goes.
    rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    return true;
  } catch (err) {
    process.stderr.write(`test temp folder ${path} not fully removed: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  }
}

/**
 * Makes the run folder, points this process's environment (so every child inherits it) at it, and removes it when
 * this process exits (process.exit or the end of the event loop; a signal handler must call process.exit for it).
 * With `keep`, the folder stays and its path is returned for a look afterwards.
 */
export function useRunTmp({ keep = false, parent = tmpdir() } = {}) {
  const dir = makeRunTmp(parent);
  Object.assign(process.env, tmpEnv(dir));
  if (!keep) process.once('exit', () => removeRunTmp(dir));
  return dir;
}

