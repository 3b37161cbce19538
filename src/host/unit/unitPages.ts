// The Unit panel's data, without vscode (unit tests drive it in plain Node): a unit's page from the on-disk cache
// when its folder is complete, else computed by the engine's `unit.page` into that folder and read back. Counts the
// engine runs, so a test can tell a cached answer from a computed one. While a page is computed, the unit's picture
// from an earlier Maximize Activation run (the per-unit actmax index) is there to show at once.
import { stat } from 'node:fs/promises';
import type { InputSpec } from '../../shared/model';
import type { UnitPageParams, UnitPageProgress, UnitPageResult, UnitPageSettings, UnitPageView, UnitPreview } from '../../shared/unitProtocol';
import { modelStamp } from '../actmax/resultCache';
import { ActmaxUnitIndex, unitIndexDir } from '../actmax/unitIndex';
import { readUnitFolder, unitCacheDir, unitFolder } from './unitCache';

export interface UnitEngine {
  request(
    method: 'unit.page',
    params: UnitPageParams,
    options: { signal?: AbortSignal; onProgress?: (p: UnitPageProgress) => void },
  ): Promise<UnitPageResult>;
}

export interface UnitTarget {
  modelPath: string;
  layerId: string;
  unit: number;
}

/** How a page is made besides its unit: settings, the dataset folder (last Top Images run), input settings. */
export interface UnitPageSource {
  settings: UnitPageSettings;
  imagesDir?: string;
  inputSettings?: Partial<InputSpec>;
  /** Units of the layer, passed through to the view. */
  layerUnits: number;
}

export class UnitPages {
  /** `unit.page` requests sent since this object was made. */
  engineRuns = 0;
  /** The settings each of those requests carried, in order (tests check what the panel asked for). */
  readonly engineSettings: UnitPageSettings[] = [];

  constructor(
    private readonly engine: UnitEngine,
    /** The cache root (global storage's `unit` folder). */
    private readonly root: string,
    /** The actmax cache folder, whose per-unit index holds pictures of earlier Maximize Activation runs. */
    private readonly actmaxCacheDir?: string,
    private readonly stampOf: (modelPath: string) => Promise<string> = modelStamp,
  ) {}

  /** The unit's picture from an earlier Maximize Activation run of this model version, or undefined. */
  async preview(target: UnitTarget): Promise<UnitPreview | undefined> {
    if (!this.actmaxCacheDir) return undefined;
    const image = await new ActmaxUnitIndex(unitIndexDir(this.actmaxCacheDir)).get(target.modelPath, await this.stampOf(target.modelPath), target.layerId, target.unit);
    return image && { width: image.width, height: image.height, rgba: image.rgba };
  }

  /** The page from disk, or undefined when it was never computed with these settings (no engine involved). */
  async cached(target: UnitTarget, source: UnitPageSource): Promise<UnitPageView | undefined> {
    const dir = await this.cacheDir(target.modelPath, source);
    const found = await readUnitFolder(unitFolder(dir, target.layerId, target.unit), target.layerId, target.unit);
    return found && { ...found, ...viewPart(source), images: found.record.stats?.images ?? 0, fromCache: true };
  }

  /** Computes the page in the engine (long-job lane; cancel through `signal`), then reads it back from its folder. */
  async compute(target: UnitTarget, source: UnitPageSource, options: { signal?: AbortSignal; onProgress?: (p: UnitPageProgress) => void } = {}): Promise<UnitPageView> {
    const outDir = await this.cacheDir(target.modelPath, source);
    this.engineRuns++;
    this.engineSettings.push({ ...source.settings });
    const result = await this.engine.request('unit.page', {
      ...target,
      outDir,
      settings: source.settings,
      ...(source.imagesDir ? { imagesDir: source.imagesDir } : {}),
      ...(source.inputSettings ? { inputSettings: source.inputSettings } : {}),
    }, options);
    const found = await readUnitFolder(unitFolder(outDir, target.layerId, target.unit), target.layerId, target.unit);
    // The engine's own answer when the folder cannot be read back here (a remote engine, a full disk).
    const view = found ?? { record: result.record, pictures: [] };
    return { ...view, ...viewPart(source), images: result.images, ...(result.datasetNote ? { datasetNote: result.datasetNote } : {}), fromCache: false };
  }

  private async cacheDir(modelPath: string, source: UnitPageSource): Promise<string> {
    const modelStampValue = await this.stampOf(modelPath);
    const images = source.imagesDir ? { folder: source.imagesDir, mtimeMs: await stat(source.imagesDir).then((s) => s.mtimeMs, () => -1) } : null;
    return unitCacheDir(this.root, { modelStamp: modelStampValue, settings: source.settings, images, inputSettings: source.inputSettings });
  }
}

function viewPart(source: UnitPageSource): Pick<UnitPageView, 'settings' | 'imagesDir' | 'layerUnits'> {
  return { settings: source.settings, imagesDir: source.imagesDir ?? null, layerUnits: source.layerUnits };
}
