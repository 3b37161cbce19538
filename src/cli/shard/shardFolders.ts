// Shard folders on disk: where a shard writes (OUT/shard-i-of-n/), its manifest and its DONE marker, the re-run
// rule (a finished shard with the same manifest is skipped; one of another run is refused, never overwritten), and
// the merge's reading of many shard folders with every refusal in one sentence that names the folder.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DONE_FILE, MANIFEST_FILE, manifestMismatch, manifestText, parseManifest, shardCoverage, type ShardManifest } from '../../core/shard/manifest';
import { shardFolderName, type ShardSpec } from '../../core/shard/shardSpec';
import { LayerLensError } from '../../shared/errors';
import { writeFileAtomic } from '../outputFiles';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface ShardFolder {
  dir: string;
  manifest: ShardManifest;
}

/**
 * Opens this shard's folder under `outDir`: `done` when a finished shard of the same run is already there (the
 * caller skips the work); otherwise the manifest is written first, so a half-written folder still says which run
 * it belongs to. A folder holding another run's shard is refused rather than mixed with this one.
 */
export function openShard(outDir: string, spec: ShardSpec, manifest: ShardManifest): { dir: string; done: boolean } {
  const dir = join(outDir, shardFolderName(spec));
  const manifestPath = join(dir, MANIFEST_FILE);
  if (existsSync(manifestPath)) {
    const old = parseManifest(readFileSync(manifestPath, 'utf8'));
    const differs = old ? manifestMismatch(old, manifest) ?? (old.shard !== manifest.shard ? 'the shard index differs' : undefined) : 'its manifest is unreadable';
    if (differs) throw new LayerLensError('badArgument', `${dir} holds a shard of another run (${differs}): remove it or choose another --out.`);
    if (existsSync(join(dir, DONE_FILE))) return { dir, done: true };
  } else {
    writeFileAtomic(manifestPath, manifestText(manifest));
  }
  return { dir, done: false };
}

/** Marks the shard complete: the last file written, after everything it vouches for. */
export function finishShard(dir: string): void {
  writeFileAtomic(join(dir, DONE_FILE), 'done\n');
}

/**
 * The shards named on the merge's command line — each a shard folder, or a folder holding `shard-*` folders —
 * checked to be one complete run: every manifest readable and finished, all agreeing, every index there once.
 * Sorted by shard index.
 */
export function readShards(paths: readonly string[]): ShardFolder[] {
  if (paths.length === 0) throw new LayerLensError('badArgument', 'merge needs at least one SHARD_DIR.');
  const dirs = paths.map((p) => resolve(p)).flatMap(expand);
  const shards = dirs.map((dir): ShardFolder => {
    let text: string;
    try {
      text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
    } catch {
      throw new LayerLensError('notFound', `${dir} is not a shard folder (it has no ${MANIFEST_FILE}).`);
    }
    const manifest = parseManifest(text);
    if (!manifest) throw new LayerLensError('badArgument', `${join(dir, MANIFEST_FILE)} is not a Layer Lens shard manifest.`);
    if (!existsSync(join(dir, DONE_FILE))) throw new LayerLensError('badArgument', `${dir} is unfinished (no ${DONE_FILE} marker): run shard ${manifest.shard + 1} of ${manifest.shardCount} again, then merge.`);
    return { dir, manifest };
  });
  const first = shards[0] as ShardFolder;
  for (const s of shards.slice(1)) {
    const differs = manifestMismatch(first.manifest, s.manifest);
    if (differs) throw new LayerLensError('badArgument', `${s.dir} is from another run than ${first.dir}: ${differs}.`);
  }
  const count = first.manifest.shardCount;
  const { missing, repeated } = shardCoverage(shards.map((s) => s.manifest.shard), count);
  if (repeated.length > 0) {
    const i = repeated[0] as number;
    const where = shards.filter((s) => s.manifest.shard === i).map((s) => s.dir).join(' and ');
    throw new LayerLensError('badArgument', `Shard ${i + 1} of ${count} is given twice (${where}).`);
  }
  if (missing.length > 0) {
    const names = missing.map((i) => shardFolderName({ index: i, count })).join(', ');
    throw new LayerLensError('notFound', `${missing.length} of ${count} shards are missing (${names}, expected beside ${first.dir}).`);
  }
  return shards.sort((a, b) => a.manifest.shard - b.manifest.shard);
}

/** A shard folder itself, or the shard-i-of-n folders inside a folder given as the --out of the shards. */
function expand(dir: string): string[] {
  if (existsSync(join(dir, MANIFEST_FILE))) return [dir];
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new LayerLensError('badArgument', `${dir} is a file, not a shard folder.`);
    names = readdirSync(dir);
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    throw new LayerLensError('notFound', `The shard folder ${dir} does not exist.`);
  }
  const inside = names.filter((n) => /^shard-\d+-of-\d+$/.test(n)).sort((a, b) => shardNumber(a) - shardNumber(b));
  if (inside.length === 0) throw new LayerLensError('notFound', `${dir} is not a shard folder (it has no ${MANIFEST_FILE} and no shard-i-of-n folders).`);
  return inside.map((n) => join(dir, n));
}

function shardNumber(name: string): number {
  return Number(/^shard-(\d+)/.exec(name)?.[1] ?? 0);
}
