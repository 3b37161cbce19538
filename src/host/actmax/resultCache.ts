// Finished actmax runs on disk (the extension's global storage), so that a run the user repeats — or an atlas
// reopened tomorrow — shows at once. One file per run, keyed by the model's identity (its files' contents) and
// the complete request (layer, units, objective, preset, overrides). Node only; no vscode.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ActmaxRequest, ActmaxResult, ActmaxSettings } from '../../shared/actmax';
import type { InputSize } from '../../shared/inputSize';
import { modelIdentity } from '../../shared/modelIdentity';
import { ActmaxUnitIndex, unitIndexDir, unitsOfRun } from './unitIndex';
import { announceUnitsRecorded } from './unitsRecorded';
import { frameHeader, readFrameHeader } from '../storage/framedFile';

const MAGIC = 'LLAM1';
/** Oldest files go when the folder passes this size. */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * The model's identity (src/shared/modelIdentity.ts: a hash of the model file, its weights, sidecar and labels),
 * the same one the engine's top-k cache uses: retraining or editing any of them misses the cache. Files are hashed
 * again only when one of them changed (mtime or size).
 */
export function modelStamp(modelPath: string): Promise<string> {
  const dir = dirname(modelPath);
  return modelIdentity({
    path: modelPath,
    read: async (name) => {
      // Only regular files: a FIFO or a device named like a sidecar must not block the extension host.
      const path = join(dir, name);
      if (!(await stat(path)).isFile()) throw new Error(`${path} is not a regular file`);
      return readFile(path);
    },
    stamp: (name) => {
      try {
        const s = statSync(join(dir, name));
        return s.isFile() ? `${s.mtimeMs}:${s.size}` : undefined;
      } catch {
        return undefined;
      }
    },
  });
}

/**
 * The cache key of one run: a hash of the model path, its stamp, the full request (JSON, keys sorted) and the input
 * size chosen for a model that does not fix one (runs at different sizes are different pictures). Without a chosen
 * size the key is what it always was: the model's sidecar (part of the stamp) or the default decides the size.
 * How often frames were sent does not change the result, so it is left out.
 */
export function actmaxCacheKey(modelPath: string, stamp: string, request: ActmaxRequest, inputSize?: InputSize): string {
  const { frameEvery: _frames, ...overrides } = request.overrides ?? {};
  const keyed = { ...request, overrides };
  const parts: unknown[] = [modelPath, stamp, keyed];
  if (inputSize) parts.push({ inputSize: [inputSize.height, inputSize.width] });
  return createHash('sha256').update(stableJson(parts)).digest('hex').slice(0, 40);
}

/** JSON with object keys sorted, so that the same settings in another order give the same key. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

interface Header {
  magic: string;
  width: number;
  height: number;
  units: number;
  steps: number;
  msPerStep: number;
  settings: ActmaxSettings;
}

/** [u32 header length][header JSON][images: units × h × w × 4 bytes][history: units × steps float32]. */
export function encodeResult(result: ActmaxResult): Uint8Array {
  const steps = result.objectiveHistory[0]?.length ?? 0;
  const header: Header = { magic: MAGIC, width: result.width, height: result.height, units: result.images.length, steps, msPerStep: result.msPerStep, settings: result.settings };
  const head = frameHeader(header);
  const imageBytes = result.width * result.height * 4;
  // Float32 data must start on a 4-byte boundary to be viewed in place.
  const headerEnd = align4(head.length);
  const historyStart = align4(headerEnd + imageBytes * header.units);
  const out = new Uint8Array(historyStart + header.units * steps * 4);
  out.set(head.bytes, 0);
  result.images.forEach((img, i) => out.set(img.subarray(0, imageBytes), headerEnd + i * imageBytes));
  result.objectiveHistory.forEach((h, i) => out.set(new Uint8Array(h.buffer, h.byteOffset, steps * 4), historyStart + i * steps * 4));
  return out;
}

/** The inverse of encodeResult; undefined for a truncated or foreign file. */
export function decodeResult(bytes: Uint8Array): ActmaxResult | undefined {
  const frame = readFrameHeader<Header>(bytes, MAGIC);
  if (!frame) return undefined;
  const { header } = frame;
  const imageBytes = header.width * header.height * 4;
  const headerEnd = align4(frame.bodyStart);
  const historyStart = align4(headerEnd + imageBytes * header.units);
  if (bytes.length !== historyStart + header.units * header.steps * 4) return undefined;
  const copy = new Uint8Array(bytes); // own, aligned buffer
  const images = Array.from({ length: header.units }, (_, i) => new Uint8ClampedArray(copy.buffer, headerEnd + i * imageBytes, imageBytes));
  const objectiveHistory = Array.from({ length: header.units }, (_, i) => new Float32Array(copy.buffer, historyStart + i * header.steps * 4, header.steps));
  return { images, width: header.width, height: header.height, objectiveHistory, msPerStep: header.msPerStep, settings: header.settings };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

export class ActmaxResultCache {
  constructor(
    private readonly dir: string,
    private readonly maxBytes = DEFAULT_CACHE_BYTES,
  ) {}

  private file(key: string): string {
    return join(this.dir, `${key}.actmax`);
  }

  async get(key: string): Promise<ActmaxResult | undefined> {
    try {
      return decodeResult(new Uint8Array(await readFile(this.file(key))));
    } catch {
      return undefined;
    }
  }

  /**
   * Written to a temporary name and renamed: a reader never sees half a file, even across windows. With `source`,
   * each unit's picture is also filed in the per-unit index (unitIndex.ts), where the Top Images panel finds it.
   */
  async put(key: string, result: ActmaxResult, source?: { modelPath: string; stamp: string }): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(key);
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, encodeResult(result));
    await rename(tmp, target);
    await this.prune();
    if (!source) return;
    const written = await new ActmaxUnitIndex(unitIndexDir(this.dir)).record(source.modelPath, source.stamp, result);
    if (written > 0) announceUnitsRecorded(source.modelPath, [...new Set(unitsOfRun(result.settings).flatMap((u) => (u ? [u.layerId] : [])))]);
  }

  /** Deletes the least recently written runs until the folder fits in maxBytes. */
  async prune(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.actmax'));
    } catch {
      return;
    }
    const files = await Promise.all(
      names.map(async (n) => {
        const s = await stat(join(this.dir, n)).catch(() => undefined);
        return { path: join(this.dir, n), size: s?.size ?? 0, mtime: s?.mtimeMs ?? 0 };
      }),
    );
    files.sort((a, b) => b.mtime - a.mtime);
    let total = 0;
    for (const f of files) {
      total += f.size;
      if (total > this.maxBytes) await unlink(f.path).catch(() => undefined);
    }
  }
}
