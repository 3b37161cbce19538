// Runs hostile cases through the built CLI (dist/cli.js), at most two at a time, each under a time limit after
// which its whole process group is killed, and sums the verdicts per class.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';
import { HOSTILE_CLASSES } from './corpusTypes';
import type { CaseRun, HostileCase, HostileClass } from './corpusTypes';
import { FAILURE_LABELS, judge } from './judge';
import type { FailureKind, Verdict } from './judge';

export const cliPath = join(repoRoot, 'dist/cli.js');
export const DEFAULT_TIMEOUT_MS = Number(process.env.LAYER_LENS_HOSTILE_TIMEOUT_MS) || 30_000;
const STDOUT_CAP = 32 * 1024 * 1024;
/** How long a slow reader leaves stdout unread: long enough for the CLI to fill the pipe and try to exit. */
const SLOW_READER_MS = 3_000;

export interface CaseResult {
  c: HostileCase;
  run: CaseRun;
  verdict: Verdict;
}

export function runCase(c: HostileCase, root: string, timeoutMs = DEFAULT_TIMEOUT_MS, cli = cliPath): Promise<CaseRun> {
  const outDir = join(root, 'out', c.id);
  rmSync(outDir, { recursive: true, force: true });
  const env = { ...process.env };
  delete env.LAYER_LENS_DEBUG;
  const started = Date.now();
  const child = spawn(process.execPath, [cli, ...c.args], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const take = (chunk: Buffer): void => {
    if (stdout.length < STDOUT_CAP) stdout += chunk.toString('utf8');
  };
  if (c.stdout === 'slowReader') {
    // A 'readable' listener that reads nothing yet: the pipe fills and the CLI's writes wait (a 'data' listener
    // added later would be too late: node discards the unread output of a child that exited).
    let reading = false;
    const drain = (): void => {
      for (let chunk: Buffer | null; reading && (chunk = child.stdout.read() as Buffer | null) !== null; ) take(chunk);
    };
    child.stdout.on('readable', drain);
    setTimeout(() => {
      reading = true;
      drain();
    }, SLOW_READER_MS);
  }
  else if (c.stdout === 'closeEarly') child.stdout.once('data', (chunk: Buffer) => (take(chunk), child.stdout.destroy()));
  else child.stdout.on('data', take);
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 1024 * 1024) stderr += chunk.toString('utf8');
  });
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number | null, signal: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(guard);
      killGroup(); // a worker the CLI left behind must not outlive the case
      resolve({ status, signal: timedOut ? null : signal, stdout, stderr, ms: Date.now() - started, timedOut, outDir });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    // 'close' waits for the pipes; a grandchild holding them open must not stall the run past the limit.
    const guard = setTimeout(() => finish(null, null), timeoutMs + 10_000);
    child.on('error', (err) => {
      stderr += String(err);
      finish(null, null);
    });
    child.on('close', (status, signal) => finish(status, signal));
  });
}

/** Runs every case with `concurrency` workers; `onResult` sees each result as it lands. */
export async function runCorpus(
  cases: HostileCase[],
  root: string,
  opts: { concurrency?: number; timeoutMs?: number; cli?: string; onResult?: (r: CaseResult) => void } = {},
): Promise<CaseResult[]> {
  const cli = opts.cli ?? cliPath;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i]!;
      const run = await runCase(c, root, opts.timeoutMs, cli);
      results[i] = { c, run, verdict: judge(c, run) };
      opts.onResult?.(results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 2, 2) }, worker));
  return results;
}

export interface ClassTally {
  cls: HostileClass;
  total: number;
  passed: number;
  byKind: Partial<Record<FailureKind, number>>;
}

export function tally(results: CaseResult[]): ClassTally[] {
  return HOSTILE_CLASSES.map((cls) => {
    const mine = results.filter((r) => r.c.cls === cls);
    const byKind: Partial<Record<FailureKind, number>> = {};
    for (const r of mine) if (!r.verdict.ok) byKind[r.verdict.kind] = (byKind[r.verdict.kind] ?? 0) + 1;
    return { cls, total: mine.length, passed: mine.filter((r) => r.verdict.ok).length, byKind };
  }).filter((t) => t.total > 0);
}

export function summaryLines(results: CaseResult[]): string[] {
  const lines = tally(results).map((t) => {
    const kinds = Object.entries(t.byKind).map(([k, n]) => `${n} ${FAILURE_LABELS[k as FailureKind]}`);
    return `${t.cls.padEnd(6)} ${String(t.total).padStart(3)} cases: ${t.passed} passed${kinds.length ? `; ${kinds.join(', ')}` : ''}`;
  });
  const passed = results.filter((r) => r.verdict.ok).length;
  return [...lines, `hostile: ${passed} passed, ${results.length - passed} failed`];
}

/**
 * Copies dist/ (the CLI bundle, its wasm files, workers and native addon) to .cache/hostile-dist, so that a long
 * run is not disturbed by a rebuild of dist/ halfway; returns the copy's cli.js.
 */
export function snapshotDist(): string {
  const to = join(repoRoot, '.cache/hostile-dist');
  rmSync(to, { recursive: true, force: true });
  cpSync(join(repoRoot, 'dist'), to, { recursive: true, filter: (src) => !src.endsWith('.map') });
  return join(to, 'cli.js');
}

/** A shell command that reproduces one case (paths are absolute). */
export function reproduce(c: HostileCase): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const pipe = c.stdout === 'slowReader' ? ' | (sleep 3; cat) | tail -c 200' : c.stdout === 'closeEarly' ? ' | head -c 100' : '';
  return `timeout 60 node dist/cli.js ${c.args.map(q).join(' ')}${pipe}`;
}
