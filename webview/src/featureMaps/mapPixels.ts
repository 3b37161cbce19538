// One channel of an H × W × C layer coloured into RGBA, read in place with a stride (no copy of the channel).
import { applyColormap, type ColormapName, type ValueRange } from '../../../src/shared/colormap';

export interface MapGeometry {
  height: number;
  width: number;
  channels: number;
}

export function channelRgba(
  data: Float32Array,
  geometry: MapGeometry,
  channel: number,
  colormap: ColormapName,
  range: ValueRange,
  out?: Uint8ClampedArray,
): Uint8ClampedArray {
  const count = geometry.height * geometry.width;
  return applyColormap(data, colormap, range, { start: channel, stride: geometry.channels, count, out });
}

/** Alpha-blends `top` over `base` (both RGBA, same size) with `opacity` 0..1: what the detail view shows. */
export function blendOver(base: Uint8ClampedArray, top: Uint8ClampedArray, opacity: number, out = new Uint8ClampedArray(base.length)): Uint8ClampedArray {
  const a = Math.max(0, Math.min(1, opacity));
  for (let i = 0; i < base.length; i += 4) {
    const t = a * (top[i + 3] / 255);
    out[i] = base[i] * (1 - t) + top[i] * t;
    out[i + 1] = base[i + 1] * (1 - t) + top[i + 1] * t;
    out[i + 2] = base[i + 2] * (1 - t) + top[i + 2] * t;
    out[i + 3] = 255;
  }
  return out;
}
