// Colormaps for feature maps and kernels. Pure functions over plain data (no TF.js, no DOM), so the engine,
// the CLI and the webview all draw with the same colours.
import { INFERNO_HEX, MAGMA_HEX, RDBU_HEX, VIRIDIS_HEX } from './colormapData';

export type ColormapName = 'viridis' | 'magma' | 'inferno' | 'gray' | 'rdbu';

export const COLORMAP_NAMES: readonly ColormapName[] = ['viridis', 'magma', 'inferno', 'gray', 'rdbu'];

/** Diverging maps are centred on zero: draw them with a symmetric range (see `symmetricRange`). */
export function isDiverging(name: ColormapName): boolean {
  return name === 'rdbu';
}

const cache = new Map<ColormapName, Uint8Array>();

/** 256 RGB triples (768 bytes) of a colormap, from low (index 0) to high (255). */
export function colormapLut(name: ColormapName): Uint8Array {
  let lut = cache.get(name);
  if (!lut) {
    lut = new Uint8Array(256 * 3);
    if (name === 'gray') {
      for (let i = 0; i < 256; i++) lut.set([i, i, i], i * 3);
    } else {
      const hex = { viridis: VIRIDIS_HEX, magma: MAGMA_HEX, inferno: INFERNO_HEX, rdbu: RDBU_HEX }[name];
      for (let i = 0; i < 768; i++) lut[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    }
    cache.set(name, lut);
  }
  return lut;
}

export interface ValueRange {
  min: number;
  max: number;
}

/** [-m, m] with m the largest magnitude in the range, so that zero sits in the middle of a diverging map. */
export function symmetricRange(range: ValueRange): ValueRange {
  const m = Math.max(Math.abs(range.min), Math.abs(range.max));
  return { min: -m, max: m };
}

/**
 * Colours `count` values read from `values` starting at `start` with `stride` (so one channel of an NHWC map
 * can be drawn without copying it out), into RGBA. Values are clamped to the range; a flat range
 * (min = max) gives the colour of the middle for diverging maps and the low end otherwise; NaN is transparent.
 */
export function applyColormap(
  values: ArrayLike<number>,
  name: ColormapName,
  range: ValueRange,
  options: { start?: number; stride?: number; count?: number; out?: Uint8ClampedArray } = {},
): Uint8ClampedArray {
  const start = options.start ?? 0;
  const stride = options.stride ?? 1;
  const count = options.count ?? Math.floor((values.length - start + stride - 1) / stride);
  const out = options.out ?? new Uint8ClampedArray(count * 4);
  const lut = colormapLut(name);
  const span = range.max - range.min;
  const flatIndex = isDiverging(name) ? 128 : 0;
  for (let i = 0; i < count; i++) {
    const v = values[start + i * stride];
    const o = i * 4;
    if (Number.isNaN(v)) {
      out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
      continue;
    }
    let idx = flatIndex;
    if (span > 0) {
      const t = (v - range.min) / span;
      idx = t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
    }
    out[o] = lut[idx * 3];
    out[o + 1] = lut[idx * 3 + 1];
    out[o + 2] = lut[idx * 3 + 2];
    out[o + 3] = 255;
  }
  return out;
}
