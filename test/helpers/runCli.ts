import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

const bundle = join(repoRoot, 'dist/cli.js');
let entry: string[] | undefined;

/** The newest modification time of any file below `dir`. */
function newestBelow(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestBelow(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * How to start the CLI: the esbuild bundle users run when it is newer than every source file (`npm test` builds
 * first; a start costs ~0.4 s of CPU), else the source through tsx (~3 s of CPU a start), so an edit made since
 * the last build is what a targeted run tests.
 */
function cliEntry(): string[] {
  if (entry) return entry;
  const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= newestBelow(join(repoRoot, 'src'));
  entry = fresh ? [bundle] : ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];
  return entry;
}

/** Runs the real CLI, as a user would run `layer-lens …`. */
export function runCli(args: string[], timeoutMs = 120_000): CliRun {
  const r = spawnSync(process.execPath, [...cliEntry(), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A refused argument: exit status 2 and one sentence, `layer-lens <command>: ….`, returned without the prefix. */
export function cliRefusal(args: string[]): string {
  const r = runCli(args);
  assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], new RegExp(`^layer-lens ${args[0]}: .*\\.$`));
  return lines[0].slice(`layer-lens ${args[0]}: `.length);
}
