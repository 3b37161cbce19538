// Builders of small image files for the decoder tests: real encoders where a library has one, hand-built
// bytes where the point is a header the encoders would never write (EXIF, huge sizes, BMP variants).
import { readFileSync } from 'node:fs';
import { encode as encodePngLib } from 'fast-png';
import type { ImageData as PngImageData } from 'fast-png';
import { encode as encodeJpegLib } from 'jpeg-js';
import { GifWriter } from 'omggif';

export function png(img: PngImageData): Uint8Array {
  return encodePngLib(img);
}

export function jpeg(rgba: Uint8Array, width: number, height: number, quality = 100): Uint8Array {
  const out = encodeJpegLib({ data: Buffer.from(rgba), width, height }, quality);
  return new Uint8Array(out.data);
}

/** Inserts an EXIF APP1 segment holding only an Orientation tag right after a JPEG's SOI marker. */
export function withExifOrientation(jpg: Uint8Array, orientation: number): Uint8Array {
  const tiff = [
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD0 at offset 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00, // Orientation, SHORT, 1 value
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ];
  const payload = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00, ...tiff]; // "Exif\0\0"
  const len = payload.length + 2;
  const app1 = [0xff, 0xe1, len >> 8, len & 0xff, ...payload];
  return new Uint8Array([...jpg.subarray(0, 2), ...app1, ...jpg.subarray(2)]);
}

export function gif(width: number, height: number, indices: number[], palette: number[], transparent?: number): Uint8Array {
  const buf = new Uint8Array(1024 + width * height * 2);
  const writer = new GifWriter(buf, width, height, { palette });
  writer.addFrame(0, 0, width, height, indices, transparent === undefined ? {} : { transparent });
  return buf.slice(0, writer.end());
}

/** A BMP with a BITMAPINFOHEADER (40 bytes), bottom-up unless topDown, 24 bits, or 8 bits with a palette. */
export function bmp(opts: { width: number; height: number; rgb?: number[]; indices?: number[]; palette?: number[][]; topDown?: boolean }): Uint8Array {
  const { width, height } = opts;
  const bpp = opts.indices ? 8 : 24;
  const rowBytes = Math.ceil((width * bpp) / 8 / 4) * 4;
  const paletteBytes = opts.palette ? opts.palette.length * 4 : 0;
  const offset = 14 + 40 + paletteBytes;
  const size = offset + rowBytes * height;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b[0] = 0x42;
  b[1] = 0x4d;
  v.setUint32(2, size, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, opts.topDown ? -height : height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bpp, true);
  v.setUint32(34, rowBytes * height, true);
  if (opts.palette) {
    v.setUint32(46, opts.palette.length, true);
    opts.palette.forEach(([r, g, bl], i) => b.set([bl, g, r, 0], 54 + i * 4));
  }
  for (let y = 0; y < height; y++) {
    const fileRow = opts.topDown ? y : height - 1 - y;
    for (let x = 0; x < width; x++) {
      const at = offset + fileRow * rowBytes;
      if (opts.indices) b[at + x] = opts.indices[y * width + x];
      else {
        const [r, g, bl] = (opts.rgb ?? []).slice((y * width + x) * 3, (y * width + x) * 3 + 3);
        b.set([bl, g, r], at + x * 3);
      }
    }
  }
  return b;
}

let webpEncoderReady: Promise<(data: { data: Uint8ClampedArray; width: number; height: number }, opts: object) => Promise<ArrayBuffer>> | undefined;

/** WebP through the same libwebp build the decoder uses (its encoder half). */
export async function webp(rgba: Uint8Array, width: number, height: number, lossless: boolean): Promise<Uint8Array> {
  webpEncoderReady ??= (async () => {
    const lib = await import('@jsquash/webp/encode.js');
    const wasm = readFileSync(require.resolve('@jsquash/webp/codec/enc/webp_enc.wasm'));
    const mod = await (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<unknown> } }).WebAssembly.compile(wasm);
    await (lib.init as unknown as (m: unknown) => Promise<unknown>)(mod);
    return lib.default as unknown as (data: { data: Uint8ClampedArray; width: number; height: number }, opts: object) => Promise<ArrayBuffer>;
  })();
  const encode = await webpEncoderReady;
  const data = new Uint8ClampedArray(rgba);
  const out = await encode({ data, width, height }, lossless ? { lossless: 1, exact: 1 } : { quality: 90 });
  return new Uint8Array(out);
}

/** Signature + IHDR of a PNG that claims a size, with no pixel data at all. */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const v = new DataView(b.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  b.set([8, 6, 0, 0, 0], 24); // 8-bit RGBA; CRC left zero: nothing may read that far
  return b;
}
