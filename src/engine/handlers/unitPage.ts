// "Open Unit" in the engine: one unit's atlas page content (actmax at every seed and a diversity batch, the quality
// badge, dataset examples with receptive-field crops, kernel, strongest inputs, statistics) computed by the atlas's
// own compute for a work list of that one unit, into the host's cache folder. A unit whose folder is complete is
// read back without any work, so two windows (or a panel reopened while the engine ran) never compute it twice.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { channelsOf, type AtlasItem } from '../../core/atlas/workList';
import type { UnitRecord } from '../../core/atlas/atlasTypes';
import { computeAtlasUnits, unitDir } from '../../core/node/atlas/computeAtlasUnits';
import { modelInputSpec } from '../../core/node/imageFiles';
import { listImageFiles } from '../../core/node/nodeTopk';
import { LayerLensError } from '../../shared/errors';
import type { UnitPageParams, UnitPageProgress, UnitPageRecord, UnitPageResult } from '../../shared/unitProtocol';
import type { ModelCache } from '../modelCache';

export interface UnitPageHandlerOptions {
  signal?: AbortSignal;
  onProgress?: (p: UnitPageProgress) => void;
}

export async function unitPageHandler(models: Pick<ModelCache, 'get'>, params: UnitPageParams, options: UnitPageHandlerOptions = {}): Promise<UnitPageResult> {
  const { layerId, unit, outDir, settings } = params;
  const model = await models.get(params.modelPath);
  const layer = model.info.layers.find((l) => l.id === layerId);
  if (!layer) throw new LayerLensError('unknownLayer', `${model.info.name} has no layer "${layerId}".`);
  if (layer.kind === 'input') throw new LayerLensError('badArgument', `${layerId} is the input of ${model.info.name}: it has no units to show.`);
  const channels = channelsOf(layer);
  if (channels === 0) throw new LayerLensError('unresolvedShape', `${layerId} of ${model.info.name} has no fixed channel count, so its units cannot be shown.`);
  if (unit >= channels) throw new LayerLensError('badArgument', `${layerId} of ${model.info.name} has ${channels} units (0–${channels - 1}); there is no unit ${unit}.`);
  const spec = await modelInputSpec(model, params.inputSettings);
  const dataset = datasetOf(params.imagesDir);
  const item: AtlasItem = { layerId, unit };
  const k = dataset.images > 0 ? settings.k : 0;
  options.onProgress?.({ message: `Computing ${layerId} unit ${unit}…`, fraction: 0 });
  // Every actmax step reports its share; a message goes out per whole percent, not per step.
  let shown = -1;
  const runs = settings.seeds + (settings.diversity > 1 ? 1 : 0);
  await computeAtlasUnits({ model, spec, work: [item] }, [item], outDir, {
    settings: { ...settings, k, images: dataset.images, size: [spec.height, spec.width] },
    imagesDir: dataset.images > 0 ? params.imagesDir : undefined,
    signal: options.signal,
    onProgress: (p) => {
      // The batch-level 'done' comes only at the end of this one unit; the top-k phase has no share to give.
      if (p.phase.startsWith('top-k')) options.onProgress?.({ message: progressText(p.phase, layerId, unit) });
    },
    onStep: (share) => {
      const percent = Math.floor(share * 100);
      if (percent === shown) return;
      shown = percent;
      const run = Math.min(runs - 1, Math.floor(share * runs));
      const what = run < settings.seeds ? `feature visualization ${run + 1} of ${settings.seeds}` : `diversity batch of ${settings.diversity}`;
      options.onProgress?.({ message: `${layerId} unit ${unit}: ${what} (${percent}%)…`, fraction: share });
    },
  });
  const dir = unitDir(outDir, item);
  const record: UnitPageRecord = readRecord(dir);
  return { record, unitDir: dir, images: dataset.images, ...(dataset.note ? { datasetNote: dataset.note } : {}) };
}

/** The images of the Top Images folder; a folder that is gone or empty gives a page without dataset examples and says why. */
function datasetOf(imagesDir: string | undefined): { images: number; note?: string } {
  if (!imagesDir) return { images: 0 };
  try {
    const images = listImageFiles(imagesDir).length;
    return images > 0 ? { images } : { images: 0, note: `${imagesDir} holds no image now, so the page has no dataset examples.` };
  } catch {
    return { images: 0, note: `${imagesDir} cannot be read now, so the page has no dataset examples.` };
  }
}

function progressText(phase: string, layerId: string, unit: number): string {
  return `${layerId} unit ${unit}: dataset examples, ${phase.replace(/^top-k: /, '')} read…`;
}

/** unit.json as the compute wrote it; typed through the core's UnitRecord so the shared copy cannot drift. */
function readRecord(dir: string): UnitRecord {
  return JSON.parse(readFileSync(join(dir, 'unit.json'), 'utf8')) as UnitRecord;
}
