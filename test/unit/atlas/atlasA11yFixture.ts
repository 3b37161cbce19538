// A synthetic atlas folder for the site's accessibility tests: a manifest and unit records written by hand (no model,
// no optimization, so it costs milliseconds), with what the pages must cope with — a layer of 12 units in three rows
// of four at the test's window width, one unit not computed (10), a weak badge, one unit with no picture, a second
// layer whose layer id needs a slug and whose units link back to the first, a layer with no dataset numbers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { ATLAS_GENERATOR, type AtlasManifest, type UnitRecord } from '../../../src/core/atlas/atlasTypes';

export const FIRST = 'conv1';
export const SECOND = 'block 2/conv';
export const SECOND_SLUG = 'block_2_conv';
export const FIRST_UNITS = 12;
export const NOT_COMPUTED = 10;
export const WEAK = 2;
export const NO_PICTURE = 9;

/** An 8×8 picture with structure (a ramp and a unit-dependent stripe), so each file differs. */
function picture(seed: number): Buffer {
  const data = new Uint8Array(8 * 8 * 3);
  for (let p = 0; p < 64; p++) {
    const x = p % 8;
    const y = Math.floor(p / 8);
    data[p * 3] = (x * 30 + seed * 17) % 256;
    data[p * 3 + 1] = (y * 30 + seed * 5) % 256;
    data[p * 3 + 2] = (x + y) % 4 === seed % 4 ? 255 : 40;
  }
  return Buffer.from(encode({ width: 8, height: 8, data, channels: 3, depth: 8 }));
}

function record(dir: string, layerId: string, unit: number, opts: { activation: number; top1: number | null; weak?: boolean; picture?: boolean; inputsFrom?: string }): UnitRecord {
  mkdirSync(dir, { recursive: true });
  const actmax = opts.picture === false ? [] : [0, 1].map((seed) => ({ file: `actmax-${seed}.png`, seed, activation: opts.activation - seed * 0.01 }));
  for (const a of actmax) writeFileSync(join(dir, a.file), picture(unit * 3 + a.seed));
  const diversity = ['diversity-0.png', 'diversity-1.png'];
  diversity.forEach((f, i) => writeFileSync(join(dir, f), picture(unit * 5 + i + 1)));
  const hasData = opts.top1 !== null;
  if (hasData) writeFileSync(join(dir, 'top.png'), picture(unit + 7));
  if (layerId === FIRST) writeFileSync(join(dir, 'kernel.png'), picture(unit + 11));
  const transformed = opts.weak ? opts.activation * 0.2 : opts.activation * 0.9;
  return {
    layerId,
    unit,
    actmax,
    diversity,
    quality: { activation: opts.activation, transformed, draws: 8, top1: opts.top1 },
    topPicture: hasData ? 'top.png' : null,
    top: hasData ? [{ file: '3/0001.png', value: opts.top1 as number, x: 4, y: 5 }, { file: '7/0002.png', value: (opts.top1 as number) / 2, x: 1, y: 2 }] : [],
    stats: hasData ? { mean: 0.25, max: opts.top1 as number, firing: 0.5, images: 12 } : null,
    kernel: layerId === FIRST ? 'kernel.png' : null,
    inputs: opts.inputsFrom ? { layerId: opts.inputsFrom, units: [{ unit: 3, weight: 0.9 }, { unit: NOT_COMPUTED, weight: 0.5 }] } : null,
  };
}

/** Writes the folder's manifest and units/ (what renderAtlasSite reads); the site itself is the caller's to render. */
export function writeSyntheticAtlas(outDir: string): void {
  const manifest: AtlasManifest = {
    generator: ATLAS_GENERATOR,
    model: { name: 'tiny <net>', format: 'layers', inputShape: [null, 8, 8, 3], paramCount: 1234, layerCount: 4 },
    settings: { preset: 'lucid', steps: 4, seeds: 2, diversity: 2, batch: 32, k: 2, images: 12, size: [8, 8] },
    layers: [
      { id: FIRST, slug: FIRST, className: 'Conv2D', kind: 'conv', outputShape: [null, 8, 8, 16], channels: 16, units: FIRST_UNITS },
      { id: SECOND, slug: SECOND_SLUG, className: 'Conv2D', kind: 'conv', outputShape: [null, 4, 4, 2], channels: 2, units: 2 },
    ],
  };
  writeFileSync(join(outDir, 'atlas-manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  const write = (layerSlug: string, r: UnitRecord): void => writeFileSync(join(outDir, 'units', layerSlug, String(r.unit), 'unit.json'), JSON.stringify(r));
  for (let u = 0; u < FIRST_UNITS; u++) {
    if (u === NOT_COMPUTED) continue;
    // Activations not in index order, so a sort by activation reorders the grid.
    const activation = 1 + ((u * 7) % FIRST_UNITS) / 4;
    write(FIRST, record(join(outDir, 'units', FIRST, String(u)), FIRST, u, { activation, top1: 3.5, weak: u === WEAK, picture: u !== NO_PICTURE }));
  }
  // The second layer: no dataset numbers (top1 null, the badge shows r alone), inputs from the first.
  for (let u = 0; u < 2; u++) write(SECOND_SLUG, record(join(outDir, 'units', SECOND_SLUG, String(u)), SECOND, u, { activation: 2 + u, top1: null, inputsFrom: FIRST }));
}
