// Runs loadInChild.ts on a list of model paths with a deadline and returns each path's outcome; a path whose
// load never finished is reported as hung.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';

export interface LoadOutcome {
  path: string;
  ok: boolean;
  hung?: boolean;
  code?: string;
  message?: string;
}

export function loadAllInChild(paths: string[], timeoutMs = 90_000): Map<string, LoadOutcome> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/unit/model/loadInChild.ts'), ...paths], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  const out = new Map<string, LoadOutcome>();
  let started: string | undefined;
  for (const line of (r.stdout ?? '').split('\n')) {
    if (!line.startsWith('{')) continue;
    const j = JSON.parse(line) as LoadOutcome & { start?: string };
    if (j.start) started = j.start;
    else out.set(j.path, j);
  }
  if (started && !out.has(started)) out.set(started, { path: started, ok: false, hung: true });
  if (out.size === 0) throw new Error(`the loader child printed nothing: ${r.stderr ?? ''}`);
  return out;
}
