// The manifest of a sharded run: everything that decides a shard's output, written beside it. Two shards merge
// only when their manifests agree on all of it but the shard index; a re-run skips a finished shard only when the
// manifest it would write is the one on disk. Plain data and logic; hashing and files are the Node side's
// (src/cli/shard/).

export const MANIFEST_FILE = 'shard-manifest.json';
/** Written last, after every other file of the shard: its presence means the shard is complete. */
export const DONE_FILE = 'DONE';
export const MANIFEST_FORMAT = 'layer-lens-shard/1';

export type ShardKind = 'topk' | 'atlas';

export interface ShardManifest {
  format: typeof MANIFEST_FORMAT;
  /** The command whose work was sharded. */
  kind: ShardKind;
  /** The model's identity (src/shared/modelIdentity.ts): a hash of its files' contents. */
  modelHash: string;
  /** The images, relative to their folder, '/'-separated, sorted: the order ties are broken in. */
  images: string[];
  /** Every setting that changes the output (layer, k, input preprocessing, steps, …), keys sorted. */
  settings: Record<string, unknown>;
  /** SHA-256 of the whole work list (all shards' items, in order). */
  workListHash: string;
  workItems: number;
  /** Items per indivisible group (a batch); shards hold whole groups. */
  groupSize: number;
  shardCount: number;
  /** 0-based index of the shard this manifest belongs to. */
  shard: number;
}

/** The JSON text of a manifest: keys sorted at every depth, so equal manifests are equal bytes. */
export function manifestText(manifest: ShardManifest): string {
  return `${JSON.stringify(sortKeys(manifest), null, 1)}\n`;
}

/**
 * Reads a manifest's JSON; undefined when it is not one (a truncated file, another tool's JSON). The caller names
 * the folder in its sentence.
 */
export function parseManifest(text: string): ShardManifest | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const m = json as Partial<ShardManifest>;
  const ok = m.format === MANIFEST_FORMAT && (m.kind === 'topk' || m.kind === 'atlas') && typeof m.modelHash === 'string'
    && Array.isArray(m.images) && m.images.every((i) => typeof i === 'string') && typeof m.settings === 'object' && m.settings !== null
    && typeof m.workListHash === 'string' && isCount(m.workItems) && isCount(m.groupSize) && isCount(m.shardCount) && isCount(m.shard)
    && (m.shard as number) < (m.shardCount as number);
  return ok ? (m as ShardManifest) : undefined;
}

/**
 * What differs between two manifests apart from the shard index, as a clause ("the model differs", "the settings
 * differ (k: 4 vs 9)"); undefined when they describe the same run.
 */
export function manifestMismatch(a: ShardManifest, b: ShardManifest): string | undefined {
  if (a.kind !== b.kind) return `the command differs (${a.kind} vs ${b.kind})`;
  if (a.modelHash !== b.modelHash) return 'the model differs (its files\' contents)';
  if (a.shardCount !== b.shardCount) return `the number of shards differs (${a.shardCount} vs ${b.shardCount})`;
  if (!sameJson(a.images, b.images)) return `the images differ (${a.images.length} vs ${b.images.length} files${a.images.length === b.images.length ? ', other names' : ''})`;
  const keys = [...new Set([...Object.keys(a.settings), ...Object.keys(b.settings)])].sort();
  const setting = keys.find((k) => !sameJson(a.settings[k], b.settings[k]));
  if (setting !== undefined) return `the settings differ (${setting}: ${short(a.settings[setting])} vs ${short(b.settings[setting])})`;
  if (a.workListHash !== b.workListHash || a.workItems !== b.workItems || a.groupSize !== b.groupSize) return 'the work list differs';
  return undefined;
}

/**
 * Which shard indexes are missing from a set of manifests of one run (all agreeing, see manifestMismatch), and
 * which appear twice.
 */
export function shardCoverage(indexes: readonly number[], count: number): { missing: number[]; repeated: number[] } {
  const seen = new Map<number, number>();
  for (const i of indexes) seen.set(i, (seen.get(i) ?? 0) + 1);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  const repeated = [...seen].filter(([, n]) => n > 1).map(([i]) => i).sort((p, q) => p - q);
  return { missing, repeated };
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function short(v: unknown): string {
  const text = v === undefined ? 'unset' : JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** A copy with object keys sorted at every depth (arrays keep their order). */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}
