// The Unit panel's on-disk cache, under the extension's global storage: one folder per (model contents, page
// settings, dataset folder, input settings) — the engine writes units/<layer>/<unit>/ into it as the atlas does —
// so a unit opened again, in this window or a later one, is read from disk without the engine. The key holds the
// model's content identity (src/shared/modelIdentity.ts), so retrained weights or an edited sidecar miss.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputSpec } from '../../shared/model';
import type { UnitPageRecord, UnitPageSettings, UnitPicture } from '../../shared/unitProtocol';

/** Bump when what a unit's folder holds changes: old folders then miss. */
const FORMAT = 1;

export interface UnitCacheKey {
  /** The model's content identity. */
  modelStamp: string;
  settings: UnitPageSettings;
  /** The dataset folder, with its modification time (files added or removed at its top change it), or null. */
  images: { folder: string; mtimeMs: number } | null;
  inputSettings?: Partial<InputSpec>;
}

/** The cache folder for a key: `<root>/<sha256 of the key>`. */
export function unitCacheDir(root: string, key: UnitCacheKey): string {
  const { preset, steps, seeds, diversity, k } = key.settings;
  const text = JSON.stringify([FORMAT, key.modelStamp, preset, steps, seeds, diversity, k, key.images, key.inputSettings ?? null]);
  return join(root, createHash('sha256').update(text).digest('hex').slice(0, 32));
}

/** What the atlas names a layer's folder (core/atlas/workList.ts layerSlug; a unit test holds the two equal). */
export function unitFolderSlug(layerId: string): string {
  return layerId.replace(/[^\w.-]+/g, '_');
}

export function unitFolder(outDir: string, layerId: string, unit: number): string {
  return join(outDir, 'units', unitFolderSlug(layerId), String(unit));
}

export interface CachedUnit {
  record: UnitPageRecord;
  pictures: UnitPicture[];
}

/**
 * The unit's record and every picture it names, or undefined when its folder is not complete (unit.json is written
 * last) or does not hold this unit. Pictures are PNG bytes; the webview decodes them.
 */
export async function readUnitFolder(dir: string, layerId: string, unit: number): Promise<CachedUnit | undefined> {
  let record: UnitPageRecord;
  try {
    record = JSON.parse(await readFile(join(dir, 'unit.json'), 'utf8')) as UnitPageRecord;
  } catch {
    return undefined;
  }
  if (record.layerId !== layerId || record.unit !== unit || !Array.isArray(record.actmax)) return undefined;
  const names = [...record.actmax.map((a) => a.file), ...record.diversity, record.topPicture, record.kernel].filter((f): f is string => typeof f === 'string');
  const pictures: UnitPicture[] = [];
  for (const file of names) {
    // Names come from our own unit.json, but a file name is still kept to the folder.
    if (!/^[\w.-]+\.png$/.test(file)) return undefined;
    const path = join(dir, file);
    if (!(await stat(path).then((s) => s.isFile(), () => false))) return undefined;
    pictures.push({ file, png: new Uint8Array(await readFile(path)) });
  }
  return { record, pictures };
}
