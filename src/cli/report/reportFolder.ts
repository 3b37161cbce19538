// Where a report is written: into a hidden staging folder beside --out, moved into place only when index.html is
// complete. An interrupted or crashed run therefore never leaves images without an index in --out, and a user's
// folder is never written into: --out must be new, empty, or a previous Layer Lens report (which is replaced).
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LayerLensError } from '../../shared/errors';
import { REPORT_GENERATOR } from './html';

/** Every file name a report writes (and the temp files of an atomic write). */
const REPORT_FILE = /^(index\.html|classes(\.full)?\.png|(kernels|maps|atlas|topk|attribution)-[\w.-]+\.png|\.\d+\.\d+\.tmp)$/;
const STAGING = 'layer-lens-partial';
const REPLACED = 'layer-lens-old';

export interface StagedReport {
  /** Write the report here. */
  readonly dir: string;
  /** Moves the finished report to --out, replacing a previous report there. */
  commit(): void;
  /** Removes everything written so far; --out stays as it was. */
  discard(): void;
}

/** Checks --out before any work: one sentence when it cannot take a report. */
export function checkReportTarget(target: string): void {
  let entries: string[];
  try {
    const stat = lstatSync(target);
    if (stat.isSymbolicLink()) throw new LayerLensError('badArgument', `--out ${target} is a symbolic link; give the folder it points to, or a new folder.`);
    if (!stat.isDirectory()) throw new LayerLensError('badArgument', `--out ${target} is a file, not a folder.`);
    entries = readdirSync(target);
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new LayerLensError('notFound', `--out ${target} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  const foreign = entries.find((name) => !isReportFile(target, name));
  if (foreign !== undefined) {
    throw new LayerLensError('badArgument', `--out ${target} already holds files that are not a Layer Lens report (such as ${foreign}); give a new or empty folder, or a previous report's.`);
  }
}

function isReportFile(dir: string, name: string): boolean {
  if (!REPORT_FILE.test(name)) return false;
  const path = join(dir, name);
  try {
    if (!lstatSync(path).isFile()) return false;
    return name !== 'index.html' || readFileSync(path, 'utf8').includes(REPORT_GENERATOR);
  } catch {
    return false;
  }
}

/** Creates the staging folder beside `target` (after removing ones that runs no longer alive left behind). */
export function stageReport(target: string): StagedReport {
  const parent = dirname(target);
  const base = basename(target);
  const staging = join(parent, `.${base}.${STAGING}-${process.pid}`);
  try {
    mkdirSync(parent, { recursive: true });
    removeLeftovers(parent, base);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
  } catch (e) {
    throw new LayerLensError('notFound', `Could not create a folder beside --out ${target} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  removeWhenGone(staging);
  return {
    dir: staging,
    commit() {
      // Checked again: files may have been put into --out while the report ran.
      checkReportTarget(target);
      const old = join(parent, `.${base}.${REPLACED}-${process.pid}`);
      let replaced = false;
      try {
        renameSync(target, old);
        replaced = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new LayerLensError('notFound', `Could not replace ${target} (${(e as NodeJS.ErrnoException).code ?? 'error'}); the new report is in ${staging}.`);
      }
      try {
        renameSync(staging, target);
      } catch (e) {
        if (replaced) renameSync(old, target);
        throw new LayerLensError('notFound', `Could not move the report to ${target} (${(e as NodeJS.ErrnoException).code ?? 'error'}); it is in ${staging}.`);
      }
      if (replaced) rmSync(old, { recursive: true, force: true });
    },
    discard() {
      rmSync(staging, { recursive: true, force: true });
    },
  };
}

/** Staging and replaced folders of this --out whose run has ended (killed, or crashed) are removed. */
function removeLeftovers(parent: string, base: string): void {
  const prefix = `.${base}.`;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const m = new RegExp(`^(${STAGING}|${REPLACED})-(\\d+)$`).exec(name.slice(prefix.length));
    if (m && !isAlive(Number(m[2]))) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A small detached process removes the staging folder once this process is gone without moving it into place
 * (Ctrl-C, SIGTERM, a crash, the OOM killer). The report installs no signal handler of its own: a handler runs
 * only when the event loop is free, and one step of a large model can hold it for minutes, so Ctrl-C must keep
 * its default effect of ending the process at once.
 */
function removeWhenGone(staging: string): void {
  const script = `const fs = require('node:fs');
const [pid, dir] = process.argv.slice(1);
const alive = () => { try { process.kill(Number(pid), 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (!fs.existsSync(dir)) return clearInterval(timer);
  if (!alive()) { fs.rmSync(dir, { recursive: true, force: true }); clearInterval(timer); }
}, 300);`;
  try {
    spawn(process.execPath, ['-e', script, String(process.pid), staging], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    // Without it a leftover staging folder is still removed by the next report into the same folder.
  }
}
