// Phase 2 of an atlas: the site (index.html, layer/*.html, unit/*/*.html, atlas.json) from what is on disk —
// atlas-manifest.json and units/*/*/unit.json — and nothing else: no clock, no absolute path, a fixed order. So a
// site merged from shards' units/ folders is byte for byte the one a single run writes.
// An atlas of thousands of units is thousands of pages (seconds of work): the render yields to the event loop every
// few milliseconds, so the engine answers a panel's request between pages and reads a cancel, which stops it there.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { throwIfAborted, yieldToEventLoop } from '../../abort';
import type { AtlasManifest, UnitRecord } from '../../atlas/atlasTypes';
import { LayerLensError } from '../../../shared/errors';
import { unitBadge } from '../../../shared/unitProtocol';
import { writeFileAtomic } from '../writeFileAtomic';
import { readAtlasManifest } from './atlasManifest';
import { indexPage, layerPage } from '../../atlas/atlasPages';
import { unitPage } from '../../atlas/atlasUnitPage';

export interface AtlasSiteSummary {
  index: string;
  layers: number;
  units: number;
  missing: number;
}

export interface AtlasRenderOptions {
  /** Stops the render at its next pause (a cancelled 'LayerLensError'); atlas.json and index.html come last. */
  signal?: AbortSignal;
  /** Called at each pause with the pages written so far of the site's unit and layer pages. */
  onPages?: (done: number, total: number) => void;
}

/** Between two pauses: short enough that a waiting request barely notices, long enough that pausing costs nothing. */
const PAUSE_EVERY_MS = 20;

/**
 * A pause point for a long loop of small steps: once every PAUSE_EVERY_MS it yields (in the engine, also to waiting
 * requests) and checks the signal; true when it did.
 */
function pacer(signal: AbortSignal | undefined): () => Promise<boolean> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < PAUSE_EVERY_MS) return false;
    await yieldToEventLoop();
    throwIfAborted(signal, 'Rendering the atlas site');
    last = Date.now();
    return true;
  };
}

/** unit.json of every unit the manifest lists that is there, per layer, by unit index. */
export async function readUnitRecords(outDir: string, manifest: AtlasManifest, pause: () => Promise<unknown> = async () => false): Promise<Map<string, UnitRecord[]>> {
  const out = new Map<string, UnitRecord[]>();
  for (const layer of manifest.layers) {
    const records: UnitRecord[] = [];
    for (let u = 0; u < layer.units; u++) {
      await pause();
      const file = join(outDir, 'units', layer.slug, String(u), 'unit.json');
      if (!existsSync(file)) continue;
      try {
        records.push(JSON.parse(readFileSync(file, 'utf8')) as UnitRecord);
      } catch {
        throw new LayerLensError('badArgument', `${file} is not a readable unit record: delete that unit's folder and run the atlas again to redo it.`);
      }
    }
    out.set(layer.id, records);
  }
  return out;
}

export async function renderAtlasSite(outDir: string, options: AtlasRenderOptions = {}): Promise<AtlasSiteSummary> {
  throwIfAborted(options.signal, 'Rendering the atlas site');
  const pause = pacer(options.signal);
  const manifest = readAtlasManifest(outDir);
  const records = await readUnitRecords(outDir, manifest, pause);
  const unitSets = new Map([...records].map(([id, list]) => [id, new Set(list.map((r) => r.unit))]));
  const has = (layerId: string, unit: number): boolean => unitSets.get(layerId)?.has(unit) ?? false;
  let units = 0;
  let missing = 0;
  let pages = 0;
  const totalPages = manifest.layers.reduce((n, l) => n + 1 + (records.get(l.id)?.length ?? 0), 0);
  const page = async (file: string, html: string): Promise<void> => {
    writeFileAtomic(file, html);
    pages++;
    if (await pause()) options.onPages?.(pages, totalPages);
  };
  const layersJson = [];
  for (const layer of manifest.layers) {
    const list = records.get(layer.id) ?? [];
    units += list.length;
    missing += layer.units - list.length;
    await page(join(outDir, 'layer', `${layer.slug}.html`), layerPage(manifest, layer, list));
    for (const r of list) await page(join(outDir, 'unit', layer.slug, `${r.unit}.html`), unitPage(manifest, layer, r, has));
    const done = unitSets.get(layer.id) ?? new Set<number>();
    layersJson.push({
      id: layer.id,
      page: `layer/${layer.slug}.html`,
      className: layer.className,
      outputShape: layer.outputShape,
      channels: layer.channels,
      units: list.map((r) => {
        const dir = `units/${layer.slug}/${r.unit}/`;
        const ratios = unitBadge(r);
        return {
          unit: r.unit,
          page: `unit/${layer.slug}/${r.unit}.html`,
          actmax: r.actmax.map((a) => ({ ...a, file: dir + a.file })),
          diversity: r.diversity.map((f) => dir + f),
          quality: { ...r.quality, ratio: ratios.q, robustRatio: ratios.r },
          top: r.top,
          topPicture: r.topPicture ? dir + r.topPicture : null,
          kernel: r.kernel ? dir + r.kernel : null,
          stats: r.stats,
          inputs: r.inputs,
        };
      }),
      missing: Array.from({ length: layer.units }, (_, u) => u).filter((u) => !done.has(u)),
    });
  }
  writeFileAtomic(join(outDir, 'atlas.json'), `${JSON.stringify({ generator: manifest.generator, model: manifest.model, settings: manifest.settings, index: 'index.html', layers: layersJson }, null, 1)}\n`);
  const index = join(outDir, 'index.html');
  writeFileAtomic(index, indexPage(manifest, records));
  return { index, layers: manifest.layers.length, units, missing };
}
