// Cached top-k results. One slot per (model bytes, layer, k, input spec), so re-running after a folder changed
// replaces the old entry instead of piling up; the slot records a digest of the folder listing (paths, sizes,
// mtimes) and is a hit only when the listing is unchanged. Storage is injected (the engine gives its
// globalStorage folder, the CLI --cache DIR); the store must write atomically.
import type { InputSpec } from '../../shared/model';
import type { TopkResult } from '../../shared/topk';

/** Where cache files live: names are hex digests + '.json'. `write` must replace the file atomically. */
export interface TopkCacheStore {
  read(name: string): Promise<Uint8Array | undefined>;
  write(name: string, bytes: Uint8Array): Promise<void>;
}

export interface TopkCacheKey {
  modelHash: string;
  layerId: string;
  files: readonly { path: string; size: number; mtimeMs: number }[];
  k: number;
  spec: InputSpec;
}

/** Bump when TopkResult or the way it is computed changes: old entries then miss. */
const FORMAT = 1;

interface CacheFile {
  format: number;
  listing: string;
  result: TopkResult;
}

export class TopkCache {
  constructor(private readonly store: TopkCacheStore) {}

  /** The cached result for exactly this key, marked `fromCache`, or undefined. A damaged file is a miss. */
  async lookup(key: TopkCacheKey): Promise<TopkResult | undefined> {
    const [name, listing] = await Promise.all([slotName(key), listingDigest(key)]);
    const bytes = await this.store.read(name);
    if (!bytes) return undefined;
    try {
      const file = JSON.parse(new TextDecoder().decode(bytes)) as CacheFile;
      if (file.format !== FORMAT || file.listing !== listing || !file.result) return undefined;
      return { ...file.result, fromCache: true };
    } catch {
      return undefined;
    }
  }

  async save(key: TopkCacheKey, result: TopkResult): Promise<void> {
    const [name, listing] = await Promise.all([slotName(key), listingDigest(key)]);
    const file: CacheFile = { format: FORMAT, listing, result: { ...result, fromCache: false } };
    await this.store.write(name, new TextEncoder().encode(JSON.stringify(file)));
  }
}

/** The file name of a key's slot (exported for tests and for "clear cache"). */
export async function slotName(key: TopkCacheKey): Promise<string> {
  const { height, width, channels, channelOrder, resize, scale, mean, std } = key.spec;
  const spec = { height, width, channels, channelOrder, resize, scale, mean, std };
  return `${await sha256Hex(JSON.stringify([FORMAT, key.modelHash, key.layerId, key.k, spec]))}.json`;
}

function listingDigest(key: TopkCacheKey): Promise<string> {
  const lines = key.files.map((f) => `${f.path}\t${f.size}\t${f.mtimeMs}`);
  return sha256Hex(lines.join('\n'));
}

/** WebCrypto: present in Node 20 and in browsers, so the core stays free of node:crypto. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
