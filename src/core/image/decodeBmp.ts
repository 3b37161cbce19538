import { decode } from 'bmp-ts';
import { checkBmpLayout, withPixelsAfterPalette } from './bmpLayout';
import type { DecodedImage } from './types';

type BmpInput = Parameters<typeof decode>[0];

/**
 * BMP (1/4/8/16/24/32 bits, RLE4/RLE8, bitfields, top-down or bottom-up) through bmp-ts.
 * bmp-ts reads through Node's Buffer, which the engine and the CLI have; where there is none (a webview, a
 * worker) a BMP is refused in one sentence. It is asked for its ABGR layout: its RGBA path misplaces bytes for
 * 1-bit images.
 */
export function decodeBmp(bytes: Uint8Array): DecodedImage {
  const file = withPixelsAfterPalette(bytes, checkBmpLayout(bytes));
  // Looked up, not named: src/core outside src/core/node must not depend on Node's globals.
  const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, offset: number, length: number): BmpInput } }).Buffer;
  if (!NodeBuffer) throw new Error("BMP decoding needs Node's Buffer, which this runtime lacks");
  const bmp = readPixels(NodeBuffer.from(file.buffer, file.byteOffset, file.byteLength));
  const { width, height } = bmp;
  const n = width * height;
  const abgr = bmp.data;
  const out = new Uint8ClampedArray(n * 4);
  // Only 32-bit files can carry alpha; many write 0 there meaning "unused", so all-zero alpha means opaque.
  let alphaSeen = false;
  if (bmp.bitPP === 32) {
    for (let i = 0; i < n && !alphaSeen; i++) alphaSeen = abgr[i * 4] !== 0;
  }
  let gray = !!bmp.palette && bmp.palette.length > 0 && bmp.bitPP <= 8;
  for (let i = 0; i < n; i++) {
    const s = i * 4;
    out[s] = abgr[s + 3];
    out[s + 1] = abgr[s + 2];
    out[s + 2] = abgr[s + 1];
    out[s + 3] = alphaSeen ? abgr[s] : 255;
    if (gray && (out[s] !== out[s + 1] || out[s] !== out[s + 2])) gray = false;
  }
  return { width, height, channels: alphaSeen ? 4 : gray ? 1 : 3, format: 'bmp', data: out, maxValue: 255 };
}

/** Only run-length data can still run past the end after checkBmpLayout; Node's range error says it badly. */
function readPixels(buffer: BmpInput): ReturnType<typeof decode> {
  try {
    return decode(buffer, { toRGBA: false });
  } catch (e) {
    if (e instanceof RangeError) throw new Error('its run-length pixel data runs past its end');
    throw e;
  }
}
