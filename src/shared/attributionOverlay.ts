// An attribution map drawn over the input it explains: the map's colours (a colormap over its value range)
// blended into the input picture at an opacity. Pure (no DOM, no TF.js), so the panel, the report and the CLI
// draw the same picture for the same map.
import type { AttributionMap } from './attribution';
import { applyColormap, isDiverging, symmetricRange, type ColormapName, type ValueRange } from './colormap';

/** The colormap the panel and the report start with: dark for no attribution, bright for the most. */
export const ATTRIBUTION_COLORMAP: ColormapName = 'inferno';

/** The range the colours span: min..max of the map (NaN left out), or symmetric around zero for a diverging colormap. */
export function attributionRange(data: ArrayLike<number>, colormap: ColormapName): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return { min: 0, max: 0 };
  return isDiverging(colormap) ? symmetricRange({ min, max }) : { min, max };
}

/**
 * RGBA at the map's resolution: `input` (RGBA, any size: sampled nearest when it differs from the map's) with
 * the coloured map blended in at `opacity` (0..1). NaN values leave the input as it is.
 */
export function blendAttribution(
  input: { width: number; height: number; rgba: ArrayLike<number> },
  map: Pick<AttributionMap, 'width' | 'height' | 'data'>,
  colormap: ColormapName,
  opacity: number,
  range: ValueRange = attributionRange(map.data, colormap),
): Uint8ClampedArray<ArrayBuffer> {
  const colours = applyColormap(map.data, colormap, range);
  const { width, height } = map;
  const out = new Uint8ClampedArray(width * height * 4);
  const sameSize = input.width === width && input.height === height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const i = sameSize ? o : (Math.floor((y * input.height) / height) * input.width + Math.floor((x * input.width) / width)) * 4;
      const a = colours[o + 3] === 0 ? 0 : opacity;
      for (let c = 0; c < 3; c++) out[o + c] = (1 - a) * input.rgba[i + c]! + a * colours[o + c]!;
      out[o + 3] = 255;
    }
  }
  return out;
}

/** A horizontal colour bar, low on the left: `width` × `height` RGBA. */
export function colourBarRgba(colormap: ColormapName, width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  const ramp = new Float32Array(width).map((_, i) => (width > 1 ? i / (width - 1) : 0));
  const row = applyColormap(ramp, colormap, { min: 0, max: 1 });
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) rgba.set(row, y * width * 4);
  return rgba;
}

/** A value short enough for a colour bar's label: 3 significant digits, an exponent when tiny or huge. */
export function formatAttributionValue(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
}
