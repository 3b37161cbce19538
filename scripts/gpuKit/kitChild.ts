// Runs this same bundle again as a child process (TF.js backends are global and Dawn's device is per process, so
// every backend choice and the parity run need a fresh process), with a time limit, collecting its stdout.
import { spawn } from 'node:child_process';

export interface ChildRun {
  stdout: string;
  stderr: string;
  code: number | null;
  timedOut: boolean;
}

export function runSelf(args: string[], env: NodeJS.ProcessEnv, limitMs: number, onLine?: (line: string) => void): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) onLine?.(l);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending) onLine?.(pending);
      resolve({ stdout, stderr, code, timedOut });
    });
  });
}
