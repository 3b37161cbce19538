// The conformance zoo (scripts/zoo/): made on first use into .cache/zoo/<hash of the generator>/ by the same script
// as `npm run zoo`, then read from its index.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ZooEntry } from '../../scripts/zoo/makeZoo';
import { zooCacheDir, zooReady } from '../../scripts/zoo/zooCache.mjs';
import { repoRoot } from './paths';

/** An entry of the zoo's index, as makeZoo.ts writes it, with its path made absolute. */
export interface ZooModel extends Omit<ZooEntry, 'path'> {
  /** Absolute path of model.json. */
  path: string;
}

let cached: { dir: string; models: ZooModel[]; generatedMs: number } | undefined;

/** The zoo's models, generating the zoo first when this checkout's generator has not made it yet. */
export function zooModels(): { dir: string; models: ZooModel[]; generatedMs: number } {
  if (cached) return cached;
  let generatedMs = 0;
  if (!zooReady()) {
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/zoo/ensureZoo.mjs')], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`making the zoo failed (node scripts/zoo/ensureZoo.mjs): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
    generatedMs = Date.now() - started;
  }
  const dir = zooCacheDir();
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { models: ZooEntry[] };
  // Paths in the index are relative to the zoo folder.
  const models = index.models.map((m) => ({ ...m, path: join(dir, m.path) }));
  cached = { dir, models, generatedMs };
  return cached;
}
