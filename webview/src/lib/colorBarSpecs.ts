// What the colour bar of each grid panel says: the ramp, the numbers at its ends and what range they are.
// With one range for the whole grid the ends are that range; with a range per tile, the hovered tile's (else the
// ends read min and max and the note says each tile has its own). Pure: unit-tested in Node.
import type { ChannelStats } from '../../../src/shared/activations';
import type { FeatureMapNormalize } from '../../../src/shared/featureMapsProtocol';
import type { ColormapName } from '../../../src/shared/colormap';
import type { KernelNormalization } from '../../../src/shared/kernelsProtocol';

/** What a colour bar shows (ColorBar draws it). */
export interface ColorBarSpec {
  colormap: ColormapName;
  /** Numbers at the ends; undefined when each tile has its own range (the note then says so). */
  min?: number;
  max?: number;
  /** What the range is, e.g. "per channel: each map from its min to its max". */
  note: string;
}

export function featureMapsBar(stats: ChannelStats, normalize: FeatureMapNormalize, colormap: ColormapName, hovered?: number): ColorBarSpec {
  if (normalize === 'layer') {
    let min = Infinity;
    let max = -Infinity;
    for (let c = 0; c < stats.min.length; c++) {
      if (stats.min[c]! < min) min = stats.min[c]!;
      if (stats.max[c]! > max) max = stats.max[c]!;
    }
    return Number.isFinite(min) && Number.isFinite(max)
      ? { colormap, min, max, note: 'one range for the whole layer' }
      : { colormap, note: 'no values' };
  }
  if (hovered !== undefined && hovered >= 0 && hovered < stats.min.length) {
    return { colormap, min: stats.min[hovered], max: stats.max[hovered], note: `channel ${hovered}; each map from its own min to its own max` };
  }
  return { colormap, note: 'each map from its own min to its own max (hover one for its numbers)' };
}

export interface KernelBarInput {
  mode: 'rgb' | 'perChannel' | 'mean';
  stats: { min: ArrayLike<number>; max: ArrayLike<number> };
}

/** Grey tiles: black −m, mid grey 0, white +m (m the largest |weight| of the filter or layer); RGB: lo..hi of each colour. */
export function kernelsBar(result: KernelBarInput, normalize: KernelNormalization, hovered?: number): ColorBarSpec {
  const n = result.stats.min.length;
  const rgb = result.mode === 'rgb';
  const ends = (f: number): { lo: number; hi: number } => ({ lo: result.stats.min[f] ?? 0, hi: result.stats.max[f] ?? 0 });
  const bar = (lo: number, hi: number, note: string): ColorBarSpec => {
    if (rgb) return { colormap: 'gray', min: lo, max: hi, note: `${note}; each of R, G, B from dark to bright` };
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    return { colormap: 'gray', min: -m, max: m, note: `${note}; mid grey is 0` };
  };
  if (normalize === 'layer') {
    let lo = Infinity;
    let hi = -Infinity;
    for (let f = 0; f < n; f++) {
      lo = Math.min(lo, ends(f).lo);
      hi = Math.max(hi, ends(f).hi);
    }
    return n > 0 ? bar(lo, hi, 'one range for the whole layer') : { colormap: 'gray', note: 'no weights' };
  }
  if (hovered !== undefined && hovered >= 0 && hovered < n) return bar(ends(hovered).lo, ends(hovered).hi, `filter ${hovered}, each filter its own range`);
  return { colormap: 'gray', note: rgb ? 'each filter from its own min to its own max (hover one for its numbers)' : 'each filter from −|w| max to +|w| max, mid grey 0 (hover one for its numbers)' };
}

/** A bar end: 4 significant digits, exponent for the very large or small. */
export function formatEnd(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}
