// Phase 2 of an atlas: the site (index.html, layer/*.html, unit/*/*.html, atlas.json) from what is on disk —
// atlas-manifest.json and units/*/*/unit.json — and nothing else: no clock, no absolute path, a fixed order. So a
// site merged from shards' units/ folders is byte for byte the one a single run writes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AtlasManifest, UnitRecord } from '../../atlas/atlasTypes';
import { LayerLensError } from '../../../shared/errors';
import { writeFileAtomic } from '../writeFileAtomic';
import { readAtlasManifest } from './atlasManifest';
import { badgeRatios, indexPage, layerPage, unitPage } from '../../atlas/atlasPages';

export interface AtlasSiteSummary {
  index: string;
  layers: number;
  units: number;
  missing: number;
}

/** unit.json of every unit the manifest lists that is there, per layer, by unit index. */
export function readUnitRecords(outDir: string, manifest: AtlasManifest): Map<string, UnitRecord[]> {
  const out = new Map<string, UnitRecord[]>();
  for (const layer of manifest.layers) {
    const records: UnitRecord[] = [];
    for (let u = 0; u < layer.units; u++) {
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

export function renderAtlasSite(outDir: string): AtlasSiteSummary {
  const manifest = readAtlasManifest(outDir);
  const records = readUnitRecords(outDir, manifest);
  const has = (layerId: string, unit: number): boolean => (records.get(layerId) ?? []).some((r) => r.unit === unit);
  let units = 0;
  let missing = 0;
  const layersJson = manifest.layers.map((layer) => {
    const list = records.get(layer.id) ?? [];
    units += list.length;
    missing += layer.units - list.length;
    writeFileAtomic(join(outDir, 'layer', `${layer.slug}.html`), layerPage(manifest, layer, list));
    for (const r of list) writeFileAtomic(join(outDir, 'unit', layer.slug, `${r.unit}.html`), unitPage(manifest, layer, r, has));
    const done = new Set(list.map((r) => r.unit));
    return {
      id: layer.id,
      page: `layer/${layer.slug}.html`,
      className: layer.className,
      outputShape: layer.outputShape,
      channels: layer.channels,
      units: list.map((r) => {
        const dir = `units/${layer.slug}/${r.unit}/`;
        const ratios = badgeRatios(r);
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
    };
  });
  writeFileAtomic(join(outDir, 'atlas.json'), `${JSON.stringify({ generator: manifest.generator, model: manifest.model, settings: manifest.settings, index: 'index.html', layers: layersJson }, null, 1)}\n`);
  const index = join(outDir, 'index.html');
  writeFileAtomic(index, indexPage(manifest, records));
  return { index, layers: manifest.layers.length, units, missing };
}
