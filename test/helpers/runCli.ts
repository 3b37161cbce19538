import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI from source (tsx), as a user would run `layer-lens …`. */
export function runCli(args: string[], timeoutMs = 120_000): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
