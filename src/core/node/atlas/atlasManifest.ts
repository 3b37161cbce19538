// atlas-manifest.json: the model summary and settings every page of the site needs, written before any unit. The
// same for every shard of one job (it lists the whole work list's layers), so merged shards render as one run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATLAS_GENERATOR, type AtlasManifest, type AtlasSettings } from '../../atlas/atlasTypes';
import { layerSlug, channelsOf, type AtlasItem } from '../../atlas/workList';
import type { ModelInfo } from '../../../shared/model';
import { LayerLensError } from '../../../shared/errors';
import { writeFileAtomic } from '../writeFileAtomic';

export const MANIFEST_FILE = 'atlas-manifest.json';
/** An atlas written before its manifest recorded the batch ran every layer in groups of 32 units. */
const BATCH_BEFORE_IT_WAS_RECORDED = 32;

export function atlasManifest(info: ModelInfo, work: readonly AtlasItem[], settings: AtlasSettings): AtlasManifest {
  const counts = new Map<string, number>();
  for (const item of work) counts.set(item.layerId, (counts.get(item.layerId) ?? 0) + 1);
  const layers = info.layers
    .filter((l) => counts.has(l.id))
    .map((l) => ({ id: l.id, slug: layerSlug(l.id), className: l.className, kind: l.kind, outputShape: l.outputShape, channels: channelsOf(l), units: counts.get(l.id) ?? 0 }));
  return {
    generator: ATLAS_GENERATOR,
    // Its name, never its path: the site must not depend on where the model was on the machine.
    model: { name: info.name, format: info.format, inputShape: info.inputShape, paramCount: info.paramCount, layerCount: info.layers.length },
    settings,
    layers,
  };
}

export function readAtlasManifest(outDir: string): AtlasManifest {
  const file = join(outDir, MANIFEST_FILE);
  let parsed: AtlasManifest;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as AtlasManifest;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LayerLensError('notFound', code === 'ENOENT' ? `${outDir} holds no ${MANIFEST_FILE}: it is not an atlas folder.` : `${file} could not be read as an atlas manifest.`);
  }
  if (parsed?.generator !== ATLAS_GENERATOR || !Array.isArray(parsed.layers)) throw new LayerLensError('badArgument', `${file} is not a Layer Lens atlas manifest.`);
  return parsed;
}

/**
 * The batch of the atlas already in `outDir` (a run to resume): the one its manifest records, 32 for a manifest
 * written before the batch was recorded, undefined when there is no atlas.
 */
export function existingAtlasBatch(outDir: string): number | undefined {
  const file = join(outDir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const settings = (JSON.parse(readFileSync(file, 'utf8')) as Partial<AtlasManifest>).settings;
    const batch = settings?.batch;
    if (settings && batch === undefined) return BATCH_BEFORE_IT_WAS_RECORDED;
    return Number.isSafeInteger(batch) && (batch as number) > 0 ? batch : undefined;
  } catch {
    return undefined; // writeOrCheckManifest refuses the folder in one sentence
  }
}

/**
 * Writes the manifest, or checks the one already there: a folder holding an atlas of another model or other
 * settings is refused before any work, since resuming into it would mix two atlases.
 */
export function writeOrCheckManifest(outDir: string, manifest: AtlasManifest): void {
  const file = join(outDir, MANIFEST_FILE);
  const text = manifestText(manifest);
  if (existsSync(file)) {
    const old = readFileSync(file, 'utf8');
    if (old === text) return;
    // The same atlas from before the batch was recorded, resumed with that batch: its units stay; record the batch.
    if (manifest.settings.batch === BATCH_BEFORE_IT_WAS_RECORDED && old === manifestText(withoutBatch(manifest))) {
      writeFileAtomic(file, text);
      return;
    }
    throw new LayerLensError('badArgument', `${outDir} holds an atlas made with another model or other settings (${differences(old, manifest)}): choose another output folder (--out) or delete that one.`);
  }
  writeFileAtomic(file, text);
}

type ManifestBeforeBatch = Omit<AtlasManifest, 'settings'> & { settings: Omit<AtlasSettings, 'batch'> };

function manifestText(manifest: AtlasManifest | ManifestBeforeBatch): string {
  return `${JSON.stringify(manifest, null, 1)}\n`;
}

function withoutBatch(manifest: AtlasManifest): ManifestBeforeBatch {
  const { batch: _batch, ...settings } = manifest.settings;
  return { ...manifest, settings };
}

function differences(oldText: string, manifest: AtlasManifest): string {
  let old: AtlasManifest;
  try {
    old = JSON.parse(oldText) as AtlasManifest;
  } catch {
    return 'its manifest is unreadable';
  }
  if (old.settings && old.settings.batch === undefined) old.settings.batch = BATCH_BEFORE_IT_WAS_RECORDED;
  if (JSON.stringify(old.model) !== JSON.stringify(manifest.model)) return `model ${old.model?.name} there`;
  const diffs = Object.keys(manifest.settings)
    .filter((k) => JSON.stringify(old.settings?.[k as keyof AtlasSettings]) !== JSON.stringify(manifest.settings[k as keyof AtlasSettings]))
    .map((k) => `${k} ${JSON.stringify(old.settings?.[k as keyof AtlasSettings])} there`);
  return diffs.length ? diffs.join(', ') : 'other layers or units';
}
