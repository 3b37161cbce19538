// Builders of small image files for the decoder tests: real encoders where a library has one, hand-built
// bytes where the point is a header the encoders would never write (EXIF, huge sizes, BMP variants).
import { readFileSync } from 'node:fs';
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';
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

// ---- Hostile files: each is what a broken or malicious file would hold, built in code so that nothing large
// ---- lives in the repository.

/** A PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)) >>> 0);
  return out;
}

/**
 * A zlib bomb as a PNG: the header says `width` × `height` 8-bit RGBA, the IDAT holds a zlib stream of
 * `inflatedMiB` MiB of zeros. The stream is one ~1 KB compressed MiB repeated (a sync-flushed deflate block
 * of zeros refers back only to zeros, so copies chain), so a 1 GiB bomb takes about 1 MB and no time to build.
 */
export function pngBomb(inflatedMiB: number, width = 16, height = 16): Uint8Array {
  const mib = deflateRawSync(new Uint8Array(2 ** 20), { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const zlib = new Uint8Array(2 + mib.length * inflatedMiB + 2 + 4);
  zlib.set([0x78, 0xda]);
  for (let i = 0; i < inflatedMiB; i++) zlib.set(mib, 2 + i * mib.length);
  zlib.set([0x03, 0x00], 2 + mib.length * inflatedMiB); // a final, empty fixed-Huffman block
  // Adler-32 of n zeros: a = 1, b = n mod 65521.
  new DataView(zlib.buffer).setUint32(zlib.length - 4, (((inflatedMiB * 2 ** 20) % 65521) * 65536 + 1) >>> 0);
  return pngWithIdat(width, height, 6, zlib);
}

/** Signature, IHDR (8 bits, the colour type given), one IDAT holding `zlib`, IEND. */
export function pngWithIdat(width: number, height: number, colorType: number, zlib: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  return Buffer.concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** Offset of a GIF's first image descriptor (0x2C) after the header and global palette; GifWriter writes no extension before it. */
function gifDescriptorAt(g: Uint8Array): number {
  const paletteBytes = g[10]! & 0x80 ? 3 * 2 ** ((g[10]! & 7) + 1) : 0;
  const at = 13 + paletteBytes;
  if (g[at] !== 0x2c) throw new Error(`fixture: no image descriptor at ${at}`);
  return at;
}

/** A GIF whose first frame's descriptor claims `frameWidth` × `frameHeight` at (x, y), on an unchanged screen. */
export function gifWithFrameSize(g: Uint8Array, frameWidth: number, frameHeight: number, x = 0, y = 0): Uint8Array {
  const out = g.slice();
  const v = new DataView(out.buffer);
  const at = gifDescriptorAt(out);
  v.setUint16(at + 1, x, true);
  v.setUint16(at + 3, y, true);
  v.setUint16(at + 5, frameWidth, true);
  v.setUint16(at + 7, frameHeight, true);
  return out;
}

/** A GIF whose screen is `width` × `height` (the frame keeps its own descriptor). */
export function gifWithScreen(g: Uint8Array, width: number, height: number): Uint8Array {
  const out = g.slice();
  new DataView(out.buffer).setUint16(6, width, true);
  new DataView(out.buffer).setUint16(8, height, true);
  return out;
}

/** A BMP whose header puts the pixels at `offset`, the file unchanged. */
export function bmpWithPixelOffset(b: Uint8Array, offset: number): Uint8Array {
  const out = b.slice();
  new DataView(out.buffer).setUint32(10, offset, true);
  return out;
}

/** The same BMP with `gap` junk bytes between its palette and its pixels, and the header's offset saying so. */
export function bmpWithGap(b: Uint8Array, gap: number): Uint8Array {
  const offset = new DataView(b.buffer, b.byteOffset).getUint32(10, true);
  const out = new Uint8Array(b.length + gap);
  out.set(b.subarray(0, offset));
  out.fill(0xee, offset, offset + gap);
  out.set(b.subarray(offset), offset + gap);
  new DataView(out.buffer).setUint32(10, offset + gap, true);
  new DataView(out.buffer).setUint32(2, out.length, true);
  return out;
}

/** A good PNG with an iCCP chunk (keyword "icc") after its IHDR whose zlib profile inflates to `inflatedMiB` MiB. */
export function pngWithProfileBomb(good: Uint8Array, inflatedMiB: number): Uint8Array {
  const bomb = pngBomb(inflatedMiB);
  const idatData = bomb.subarray(8 + 25 + 8, bomb.length - 12 - 4); // signature, IHDR chunk, IDAT length + type
  const iccp = pngChunk('iCCP', Buffer.concat([Buffer.from('icc\0', 'latin1'), new Uint8Array([0]), idatData]));
  return Buffer.concat([good.subarray(0, 33), iccp, good.subarray(33)]);
}
