// The GPU kit's Python scripts as the kit tests run them: Debian's torch here (or LAYER_LENS_FIXTURES_PYTHON), no
// __pycache__ left in the repository, a missing package a failure that says what to install.
import { spawnSync } from 'node:child_process';

export const PYTHON = process.env.LAYER_LENS_FIXTURES_PYTHON ?? '/usr/bin/python3';
const ENV = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };

export interface PythonRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Throws `missing` when PYTHON cannot import every module of `modules`. */
export function requirePython(modules: readonly string[], missing: string): void {
  const probe = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error(missing);
}

/** PYTHON with `args`; throws when it does not finish within `timeoutMs`. */
export function runPython(args: readonly string[], timeoutMs: number): PythonRun {
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', env: ENV, timeout: timeoutMs });
  if (r.error) throw new Error(`${args[0]} did not finish: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
