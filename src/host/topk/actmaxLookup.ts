// The seam between the Top Images panel and activation maximization: the actmax picture of one channel, when
// one was computed before. The actmax cache (src/host/actmax/resultCache.ts) is keyed by a hash of the complete
// request (preset, objective, every unit of the batch), so it cannot be asked "any image for (model, layer,
// channel)" yet; until it exposes such a lookup this returns undefined and the rows start with the top images.
import type { TopkActmaxImage } from '../../shared/topkProtocol';

export interface ActmaxLookupContext {
  /** The extension's global storage folder (where the actmax cache lives). */
  storageDir: string;
}

export async function actmaxImageFor(
  _context: ActmaxLookupContext,
  _modelPath: string,
  _layerId: string,
  _channel: number,
): Promise<TopkActmaxImage | undefined> {
  return undefined;
}

/** The actmax pictures of every channel that has one (none yet: see actmaxImageFor). */
export async function actmaxImagesFor(context: ActmaxLookupContext, modelPath: string, layerId: string, channels: number): Promise<TopkActmaxImage[]> {
  const found: TopkActmaxImage[] = [];
  for (let c = 0; c < channels; c++) {
    const image = await actmaxImageFor(context, modelPath, layerId, c);
    if (image) found.push(image);
  }
  return found;
}
