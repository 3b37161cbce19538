// The seam between the Top Images panel and activation maximization: the actmax picture of a channel, when one
// was computed before. Every finished actmax run (single or atlas batch) records its units in the per-unit index
// beside the actmax cache (src/host/actmax/unitIndex.ts); this reads it for the model as it is on disk now, so a
// retrained or edited model shows no stale pictures.
import { join } from 'node:path';
import type { TopkActmaxImage } from '../../shared/topkProtocol';
import { modelStamp } from '../actmax/resultCache';
import { ActmaxUnitIndex, shrinkRgba, unitIndexDir, type UnitImage } from '../actmax/unitIndex';

export interface ActmaxLookupContext {
  /** The extension's global storage folder (the actmax cache is its `actmax` subfolder). */
  storageDir: string;
}

/** Upper bound of the actmax pixels sent to the Top Images webview at once; larger sets are averaged down. */
export const TOPK_ACTMAX_BUDGET_BYTES = 16 * 1024 * 1024;

function indexOf(context: ActmaxLookupContext): ActmaxUnitIndex {
  return new ActmaxUnitIndex(unitIndexDir(join(context.storageDir, 'actmax')));
}

function toTopk(image: UnitImage): TopkActmaxImage {
  return { channel: image.unit, width: image.width, height: image.height, rgba: image.rgba };
}

export async function actmaxImageFor(context: ActmaxLookupContext, modelPath: string, layerId: string, channel: number): Promise<TopkActmaxImage | undefined> {
  const image = await indexOf(context).get(modelPath, await modelStamp(modelPath), layerId, channel);
  return image ? toTopk(image) : undefined;
}

/** The actmax pictures of every channel (0..channels−1) that has one, within the payload budget. */
export async function actmaxImagesFor(
  context: ActmaxLookupContext,
  modelPath: string,
  layerId: string,
  channels: number,
  budgetBytes = TOPK_ACTMAX_BUDGET_BYTES,
): Promise<TopkActmaxImage[]> {
  const found = (await indexOf(context).layer(modelPath, await modelStamp(modelPath), layerId)).filter((u) => u.unit >= 0 && u.unit < channels);
  return fitBudget(found.map(toTopk), budgetBytes);
}

/** The smallest whole shrink factor that brings all pictures within the budget (1 when they fit already). */
export function fitBudget(images: TopkActmaxImage[], budgetBytes: number): TopkActmaxImage[] {
  const bytesAt = (f: number): number => images.reduce((sum, i) => sum + Math.ceil(i.width / f) * Math.ceil(i.height / f) * 4, 0);
  let factor = 1;
  const largest = Math.max(1, ...images.map((i) => Math.max(i.width, i.height)));
  while (factor < largest && bytesAt(factor) > budgetBytes) factor++;
  if (factor === 1) return images;
  return images.map((i) => {
    const s = shrinkRgba(i.rgba, i.width, i.height, factor);
    return { channel: i.channel, width: s.width, height: s.height, rgba: s.rgba };
  });
}
