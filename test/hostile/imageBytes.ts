// Image files for the corpus: real encoders for valid images, hand-built bytes for the headers and bodies an
// encoder would never write (bombs, lying sizes, pixel offsets beyond the file).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createDeflate } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { GifWriter } from 'omggif';
import { repoRoot } from '../helpers/paths';

/** A sample digit of the shipped MNIST model (28×28 PNG). */
export function digitPng(digit: number, variant: 'a' | 'b' = 'a'): Uint8Array {
  return new Uint8Array(readFileSync(join(repoRoot, `models/mnist-cnn/samples/digit-${digit}-${variant}.png`)));
}

/** A smooth test pattern, RGBA. */
export function pattern(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      rgba.set([(x * 255) / width, (y * 255) / height, ((x + y) * 127) / (width + height), 255], i);
    }
  }
  return rgba;
}

export function pngRgba(width: number, height: number, depth: 8 | 16 = 8): Uint8Array {
  const rgba = pattern(width, height);
  const data = depth === 8 ? rgba : Uint16Array.from(rgba, (v) => v * 257);
  return encodePng({ width, height, data, channels: 4, depth });
}

export function jpeg(width: number, height: number): Uint8Array {
  return new Uint8Array(encodeJpeg({ data: Buffer.from(pattern(width, height)), width, height }, 90).data);
}

export function gif(width: number, height: number): Uint8Array {
  const buf = new Uint8Array(1024 + width * height * 2);
  const palette = Array.from({ length: 256 }, (_, i) => (i << 16) | (i << 8) | i);
  const writer = new GifWriter(buf, width, height, { palette });
  writer.addFrame(0, 0, width, height, Array.from({ length: width * height }, (_, i) => i & 0xff));
  return buf.slice(0, writer.end());
}

/** A 24-bit bottom-up BMP; `lie` overrides header fields after the fact. */
export function bmp(width: number, height: number, lie: { offset?: number; width?: number; height?: number; bpp?: number } = {}): Uint8Array {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + rowBytes * height;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b[0] = 0x42;
  b[1] = 0x4d;
  v.setUint32(2, size, true);
  v.setUint32(10, lie.offset ?? 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, lie.width ?? width, true);
  v.setInt32(22, lie.height ?? height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, lie.bpp ?? 24, true);
  v.setUint32(34, rowBytes * height, true);
  for (let i = 54; i < size; i++) b[i] = (i * 31) & 0xff;
  return b;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(Buffer.from(type, 'ascii'), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A PNG from raw chunks: its IHDR says width×height, 8-bit gray; IDAT holds `idat` as given. */
export function pngFromParts(width: number, height: number, idat: Uint8Array | null): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (idat) parts.push(chunk('IDAT', idat));
  parts.push(chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** A PNG whose header says 16×16 but whose pixel data inflates to `inflated` bytes (a decompression bomb). */
export function pngBomb(inflated: number): Promise<Uint8Array> {
  let made = bombs.get(inflated);
  if (!made) bombs.set(inflated, (made = makePngBomb(inflated)));
  return made;
}

const bombs = new Map<number, Promise<Uint8Array>>();

async function makePngBomb(inflated: number): Promise<Uint8Array> {
  // Zeros deflate ~1000:1; streamed in 16 MiB pieces so that the generator never holds the inflated size.
  const piece = new Uint8Array(16 * 1024 * 1024);
  async function* zeros(): AsyncGenerator<Uint8Array> {
    for (let done = 0; done < inflated; done += piece.length) yield piece.subarray(0, Math.min(piece.length, inflated - done));
  }
  const out: Buffer[] = [];
  const deflate = createDeflate({ level: 9, strategy: constants.Z_RLE });
  deflate.on('data', (b: Buffer) => out.push(b));
  await pipeline(Readable.from(zeros()), deflate);
  return pngFromParts(16, 16, Buffer.concat(out));
}
