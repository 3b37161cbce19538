// The latest actmax picture of each unit, findable by (model, layer, unit). The result cache (resultCache.ts) is
// keyed by the whole request, so it cannot answer "any picture of channel 7 of conv2"; this index can. One small
// file per unit — `<hash of model path, stamp, layer>-<unit>.llunit` — so a layer is one readdir away, a newer run
// of the same unit replaces its file atomically, and two windows never rewrite a shared index file.
// The model's identity (src/shared/modelIdentity.ts, the contents of model, weights and sidecar) is part of the
// key: retrained weights miss.
// Node only; no vscode.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ActmaxObjectiveSpec, ActmaxResult, ActmaxSettings } from '../../shared/actmax';
import { frameHeader, readFrameHeader } from '../storage/framedFile';

const MAGIC = 'LLU1';
const EXT = '.llunit';
/** Folder of the index inside the actmax cache folder (the cache prunes only its own `*.actmax` files). */
export const UNIT_INDEX_FOLDER = 'units';
/** Oldest entries go when the index passes this size: ~650 pictures at 224 px, tens of thousands at 28 px. */
export const DEFAULT_UNIT_INDEX_BYTES = 128 * 1024 * 1024;
/** Pictures larger than this (either side) are stored averaged down by a whole factor: rows show them at ≤ 320 px. */
export const UNIT_IMAGE_MAX_SIDE = 256;
/** Temporary files older than this are leftovers of a crashed write. */
const STALE_TMP_MS = 60 * 60 * 1000;

export interface UnitImage {
  layerId: string;
  unit: number;
  width: number;
  height: number;
  /** RGBA, width × height × 4. */
  rgba: Uint8ClampedArray;
  /** The objective kind and preset that made it (for a caption). */
  objective: string;
  preset: string;
  /** Date.now() when it was recorded. */
  recordedAt: number;
}

interface Header {
  magic: string;
  modelPath: string;
  stamp: string;
  layerId: string;
  unit: number;
  width: number;
  height: number;
  objective: string;
  preset: string;
  recordedAt: number;
}

export function unitIndexDir(actmaxCacheDir: string): string {
  return join(actmaxCacheDir, UNIT_INDEX_FOLDER);
}

/**
 * Which unit each image of a run pictures, or undefined where it pictures none: only objectives that maximize one
 * unit of one layer (channel, channel RMS, neuron, class logit) give "the channel's picture"; a negative, a sum, a
 * direction, DeepDream or diversity do not.
 */
export function unitsOfRun(settings: Pick<ActmaxSettings, 'layerId' | 'units' | 'objective'>): ({ layerId: string; unit: number } | undefined)[] {
  return settings.units.map((batchUnit) => unitOf(settings.objective, settings.layerId, batchUnit));
}

function unitOf(objective: ActmaxObjectiveSpec, layerId: string, batchUnit: number): { layerId: string; unit: number } | undefined {
  switch (objective.kind) {
    case 'channel':
    case 'channelRms':
    case 'neuron':
      return { layerId: objective.layerId ?? layerId, unit: objective.unit ?? batchUnit };
    case 'classLogit':
      return { layerId: objective.layerId ?? layerId, unit: objective.classIndex ?? batchUnit };
    default:
      return undefined;
  }
}

/** Averages factor × factor blocks (the last partial block included); factor 1 returns the input. */
export function shrinkRgba(rgba: Uint8ClampedArray, width: number, height: number, factor: number): { rgba: Uint8ClampedArray; width: number; height: number } {
  if (factor <= 1) return { rgba, width, height };
  const w = Math.ceil(width / factor);
  const h = Math.ceil(height / factor);
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const y1 = Math.min(height, (y + 1) * factor);
    for (let x = 0; x < w; x++) {
      const x1 = Math.min(width, (x + 1) * factor);
      const sum = [0, 0, 0, 0];
      let n = 0;
      for (let sy = y * factor; sy < y1; sy++) {
        for (let sx = x * factor; sx < x1; sx++) {
          const i = (sy * width + sx) * 4;
          for (let c = 0; c < 4; c++) sum[c] = (sum[c] as number) + (rgba[i + c] as number);
          n++;
        }
      }
      for (let c = 0; c < 4; c++) out[(y * w + x) * 4 + c] = Math.round((sum[c] as number) / n);
    }
  }
  return { rgba: out, width: w, height: h };
}

/** The file-name prefix of one layer of one model version; paths are resolved so `a/../m.onnx` finds `m.onnx`. */
function layerPrefix(modelPath: string, stamp: string, layerId: string): string {
  return createHash('sha256').update(JSON.stringify([resolve(modelPath), stamp, layerId])).digest('hex').slice(0, 32);
}

export function encodeUnit(header: Header, rgba: Uint8ClampedArray): Uint8Array {
  const head = frameHeader(header);
  const out = new Uint8Array(head.length + rgba.length);
  out.set(head.bytes, 0);
  out.set(rgba, head.length);
  return out;
}

/** The inverse of encodeUnit; undefined for a truncated or foreign file. */
export function decodeUnit(bytes: Uint8Array): { header: Header; rgba: Uint8ClampedArray } | undefined {
  const frame = readFrameHeader<Header>(bytes, MAGIC);
  if (!frame || bytes.length !== frame.bodyStart + frame.header.width * frame.header.height * 4) return undefined;
  return { header: frame.header, rgba: new Uint8ClampedArray(bytes.slice(frame.bodyStart)) };
}

export class ActmaxUnitIndex {
  constructor(
    private readonly dir: string,
    private readonly maxBytes = DEFAULT_UNIT_INDEX_BYTES,
  ) {}

  /** Records every unit a finished run pictures (a newer run of a unit replaces the older); returns how many. */
  async record(modelPath: string, stamp: string, result: ActmaxResult): Promise<number> {
    const targets = unitsOfRun(result.settings);
    let written = 0;
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      const image = result.images[i];
      if (!target || !image || image.length !== result.width * result.height * 4) continue;
      if (written === 0) await mkdir(this.dir, { recursive: true });
      const factor = Math.ceil(Math.max(result.width, result.height) / UNIT_IMAGE_MAX_SIDE);
      const small = shrinkRgba(image, result.width, result.height, factor);
      const header: Header = {
        magic: MAGIC,
        modelPath: resolve(modelPath),
        stamp,
        layerId: target.layerId,
        unit: target.unit,
        width: small.width,
        height: small.height,
        objective: result.settings.objective.kind,
        preset: result.settings.preset,
        recordedAt: Date.now(),
      };
      await this.writeAtomic(this.file(modelPath, stamp, target.layerId, target.unit), encodeUnit(header, small.rgba));
      written++;
    }
    if (written > 0) await this.prune();
    return written;
  }

  /** The latest picture of one unit of this model version, or undefined. */
  async get(modelPath: string, stamp: string, layerId: string, unit: number): Promise<UnitImage | undefined> {
    const found = await this.read(this.file(modelPath, stamp, layerId, unit), modelPath, stamp, layerId);
    return found?.unit === unit ? found : undefined;
  }

  /** Every unit of a layer that has a picture, by unit number. */
  async layer(modelPath: string, stamp: string, layerId: string): Promise<UnitImage[]> {
    const prefix = `${layerPrefix(modelPath, stamp, layerId)}-`;
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.startsWith(prefix) && n.endsWith(EXT));
    } catch {
      return [];
    }
    const found = await Promise.all(names.map((n) => this.read(join(this.dir, n), modelPath, stamp, layerId)));
    return found.filter((u): u is UnitImage => u !== undefined).sort((a, b) => a.unit - b.unit);
  }

  /** Deletes the least recently written entries until the folder fits in maxBytes; removes stale temp files. */
  async prune(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const now = Date.now();
    const files = await Promise.all(
      names.map(async (n) => {
        const s = await stat(join(this.dir, n)).catch(() => undefined);
        return { name: n, path: join(this.dir, n), size: s?.size ?? 0, mtime: s?.mtimeMs ?? 0 };
      }),
    );
    for (const f of files) if (f.name.endsWith('.tmp') && now - f.mtime > STALE_TMP_MS) await unlink(f.path).catch(() => undefined);
    const entries = files.filter((f) => f.name.endsWith(EXT)).sort((a, b) => b.mtime - a.mtime);
    let total = 0;
    for (const f of entries) {
      total += f.size;
      if (total > this.maxBytes) await unlink(f.path).catch(() => undefined);
    }
  }

  private file(modelPath: string, stamp: string, layerId: string, unit: number): string {
    return join(this.dir, `${layerPrefix(modelPath, stamp, layerId)}-${unit}${EXT}`);
  }

  /** Written to a temporary name and renamed: a reader in another window never sees half a file. */
  private async writeAtomic(target: string, bytes: Uint8Array): Promise<void> {
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, target);
  }

  private async read(path: string, modelPath: string, stamp: string, layerId: string): Promise<UnitImage | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch {
      return undefined;
    }
    const decoded = decodeUnit(bytes);
    if (!decoded) return undefined;
    const { header: h, rgba } = decoded;
    // The name is a hash prefix: check the header too, so a collision can never show another model's picture.
    if (h.modelPath !== resolve(modelPath) || h.stamp !== stamp || h.layerId !== layerId) return undefined;
    return { layerId: h.layerId, unit: h.unit, width: h.width, height: h.height, rgba, objective: h.objective, preset: h.preset, recordedAt: h.recordedAt };
  }
}
