// Node-only: runs the helper script with the user's Python as a child process. Its stdout carries JSON lines
// (progress, then one result or error); its stderr is only for the log. A signal or the time bound ends the whole
// process tree; the script also ends itself when its parent is gone.
import { spawn } from 'node:child_process';
import { LayerLensError } from '../../../shared/errors';
import { TORCH_HELPER_PY } from './torchHelperPy';

/** What the script reported as its failure: a kind the caller turns into a sentence, and fields that go with it. */
export interface HelperFailure {
  kind: string;
  /** The exception's type and last line, quoted in a sentence where it explains the failure. */
  detail?: string;
  [field: string]: unknown;
}

export type HelperOutcome = { ok: true; result: Record<string, unknown> } | { ok: false; failure: HelperFailure };

export interface HelperRun {
  python: string;
  args: string[];
  /** What is being done, as the subject of a sentence ("Converting model.pt"), for time-out and crash messages. */
  what: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** Each line the script wrote to stderr (torch's warnings, tracebacks): for a log, never for the user. */
  onLog?: (line: string) => void;
}

/** The process ids the runner has started and not yet seen end (tests check that none outlive a cancel). */
export const liveHelperPids = new Set<number>();

const STDERR_KEEP = 16 * 1024;

export function runTorchHelper(run: HelperRun): Promise<HelperOutcome> {
  if (run.signal?.aborted) return Promise.reject(cancelled(run.what));
  return new Promise((resolve, reject) => {
    // Its own process group, so that a kill reaches whatever the model's code started (data loader workers).
    const child = spawn(run.python, ['-u', '-', ...run.args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
      env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    });
    if (child.pid !== undefined) liveHelperPids.add(child.pid);
    let outcome: HelperOutcome | undefined;
    let settled = false;
    let stderrTail = '';
    let stdoutRest = '';
    let stderrRest = '';
    const finish = (err: LayerLensError | undefined, value?: HelperOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value as HelperOutcome);
    };
    const onAbort = () => {
      killTree(child.pid);
      finish(cancelled(run.what));
    };
    const timer = setTimeout(() => {
      killTree(child.pid);
      finish(new LayerLensError('conversionFailed', `${run.what} took longer than ${minutes(run.timeoutMs)}, so it was stopped.`));
    }, run.timeoutMs);
    run.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdoutRest += chunk;
      let nl: number;
      while ((nl = stdoutRest.indexOf('\n')) >= 0) {
        const line = stdoutRest.slice(0, nl);
        stdoutRest = stdoutRest.slice(nl + 1);
        const message = parseLine(line);
        if (!message) continue;
        if (message.type === 'progress' && typeof message.message === 'string') run.onProgress?.(message.message);
        else if (message.type === 'result' && isRecord(message.result)) outcome = { ok: true, result: message.result };
        else if (message.type === 'error' && typeof message.kind === 'string') outcome = { ok: false, failure: message as HelperFailure };
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_KEEP);
      stderrRest += chunk;
      const lines = stderrRest.split('\n');
      stderrRest = lines.pop() ?? '';
      for (const line of lines) run.onLog?.(line);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) liveHelperPids.delete(child.pid);
      const why = err.code === 'ENOENT' ? 'was not found' : err.code === 'EACCES' ? 'cannot be run (permission denied)' : `could not be started (${err.code ?? 'unknown reason'})`;
      finish(new LayerLensError('noPython', `The Python ${run.python} ${why}.`));
    });
    child.on('close', (code, sig) => {
      if (child.pid !== undefined) liveHelperPids.delete(child.pid);
      if (stderrRest) run.onLog?.(stderrRest);
      if (outcome) return finish(undefined, outcome);
      // No answer: the interpreter died (out of memory, a crash in native code) or is not a Python at all.
      const last = lastLine(stderrTail);
      const how = sig ? `was ended by ${sig}` : `stopped with exit code ${code}`;
      finish(new LayerLensError('conversionFailed', `${run.what} failed: ${run.python} ${how} without an answer${last ? ` (its last words: "${last}")` : ''}.`));
    });
    // The script goes in on stdin: nothing has to be written to disk or found beside the bundle. A Python that
    // exits before reading it all closes the pipe; its exit is reported above, not this write's EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(TORCH_HELPER_PY);
  });
}

/** Ends a process and its group (POSIX) or its tree (Windows). */
export function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    try {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    } catch {
      // Already gone.
    }
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function cancelled(what: string): LayerLensError {
  return new LayerLensError('cancelled', `${what} was cancelled.`);
}

function minutes(ms: number): string {
  const m = ms / 60_000;
  return m >= 1 ? `${Math.round(m)} minute${Math.round(m) === 1 ? '' : 's'}` : `${Math.round(ms / 1000)} seconds`;
}

function parseLine(line: string): Record<string, unknown> | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The last non-empty line of a text, cut to 200 characters. */
export function lastLine(text: string): string {
  const line = text.trim().split('\n').pop()?.trim() ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
