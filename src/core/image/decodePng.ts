import { convertIndexedToRgb, decode } from 'fast-png';
import { checkPngData } from './pngData';
import type { DecodedImage } from './types';

/**
 * PNG of any bit depth (1–16) and colour type (gray, gray+alpha, RGB, RGBA, palette with or without tRNS).
 * The chunks and the inflated size are checked first, so that a file cut short or a zlib bomb is refused
 * before fast-png inflates everything into memory; an embedded colour profile (unused) is left out.
 */
export function decodePng(bytes: Uint8Array): DecodedImage {
  const png = decode(checkPngData(bytes));
  const { width, height } = png;
  const n = width * height;

  if (png.palette) {
    // Palette entries are [r, g, b] or, with a tRNS chunk, [r, g, b, a].
    const rgb = convertIndexedToRgb(png);
    const per = png.palette[0]?.length ?? 3;
    const out = new Uint8ClampedArray(n * 4);
    for (let i = 0; i < n; i++) {
      out[i * 4] = rgb[i * per];
      out[i * 4 + 1] = rgb[i * per + 1];
      out[i * 4 + 2] = rgb[i * per + 2];
      out[i * 4 + 3] = per === 4 ? rgb[i * per + 3] : 255;
    }
    return { width, height, channels: per === 4 ? 4 : 3, format: 'png', data: out, maxValue: 255 };
  }

  const channels = png.channels; // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
  const samples = png.depth < 8 ? unpackBits(png.data as Uint8Array, width, height, png.depth) : png.data;
  const sixteen = png.depth === 16;
  const max = sixteen ? 65535 : 255;
  const out = sixteen ? new Uint16Array(n * 4) : new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    const o = i * 4;
    if (channels <= 2) {
      const g = samples[s];
      out[o] = g;
      out[o + 1] = g;
      out[o + 2] = g;
      out[o + 3] = channels === 2 ? samples[s + 1] : max;
    } else {
      out[o] = samples[s];
      out[o + 1] = samples[s + 1];
      out[o + 2] = samples[s + 2];
      out[o + 3] = channels === 4 ? samples[s + 3] : max;
    }
  }
  const fileChannels = channels === 1 ? 1 : channels === 3 ? 3 : 4;
  return { width, height, channels: fileChannels, format: 'png', data: out, maxValue: sixteen ? 65535 : 255 };
}

/** Gray images of 1, 2 or 4 bits come packed, rows padded to a byte; spread them to 0..255. */
function unpackBits(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  const gain = 255 / mask;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      const v = (byte >> (8 - depth - (bit & 7))) & mask;
      out[y * width + x] = Math.round(v * gain);
    }
  }
  return out;
}
