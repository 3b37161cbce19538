// The parts of a PNG file around the deflate step, so that each caller picks its compressor: the core's
// encodePng (fflate, runs anywhere) and the Node writer of many wide pictures (node:zlib on libuv's threads).
// Scanlines are built a row at a time with typed-array copies: the per-byte buffer writes of a generic encoder
// cost about as much as the compression itself on a 1812 × 224 top-k row.

export type PngFilter = 'none' | 'paeth';

export interface PngScanlines {
  /** 3 (RGB) or 4 (RGBA) bytes per pixel. */
  channels: 3 | 4;
  /** Each row as its filter byte then the filtered bytes: what zlib compresses into IDAT. */
  data: Uint8Array;
}

/** True when every pixel's alpha is 255: the picture loses nothing as RGB, and a quarter of the bytes. */
export function isOpaque(rgba: Uint8Array | Uint8ClampedArray): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/**
 * The filtered scanlines of an RGBA picture, RGBA or (`dropAlpha`, for opaque pictures) RGB. Paeth predicts each
 * byte from its left, upper and upper-left neighbours: flat areas and smooth photos become runs of small values
 * that deflate well and fast.
 */
export function pngScanlines(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  options: { dropAlpha: boolean; filter: PngFilter },
): PngScanlines {
  checkSize(rgba, width, height);
  const channels = options.dropAlpha ? 3 : 4;
  const stride = width * channels;
  const data = new Uint8Array(height * (stride + 1));
  let prev = new Uint8Array(stride);
  let cur = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const src = y * width * 4;
    if (channels === 4) {
      cur.set(rgba.subarray(src, src + stride));
    } else {
      for (let x = 0, s = src, d = 0; x < width; x++, s += 4, d += 3) {
        cur[d] = rgba[s] as number;
        cur[d + 1] = rgba[s + 1] as number;
        cur[d + 2] = rgba[s + 2] as number;
      }
    }
    const o = y * (stride + 1) + 1;
    if (options.filter === 'none') {
      data[o - 1] = 0;
      data.set(cur, o);
    } else {
      data[o - 1] = 4;
      paethRow(cur, prev, channels, data, o);
    }
    [prev, cur] = [cur, prev];
  }
  return { channels, data };
}

function paethRow(cur: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array, o: number): void {
  // The first pixel has no left neighbours (a = c = 0): Paeth predicts the byte above.
  for (let i = 0; i < bpp; i++) out[o + i] = ((cur[i] as number) - (prev[i] as number)) & 255;
  for (let i = bpp; i < cur.length; i++) {
    const a = cur[i - bpp] as number;
    const b = prev[i] as number;
    const c = prev[i - bpp] as number;
    const pa = Math.abs(b - c);
    const pb = Math.abs(a - c);
    const pc = Math.abs(a + b - 2 * c);
    const predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    out[o + i] = ((cur[i] as number) - predicted) & 255;
  }
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Signature, IHDR (8 bits per channel, no interlace), one IDAT holding `zlibData`, IEND. */
export function pngFile(width: number, height: number, channels: 3 | 4, zlibData: Uint8Array): Uint8Array {
  const out = new Uint8Array(SIGNATURE.length + (12 + 13) + (12 + zlibData.length) + 12);
  out.set(SIGNATURE, 0);
  let at = SIGNATURE.length;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8;
  header[9] = channels === 4 ? 6 : 2; // truecolour with alpha : truecolour
  at = chunk(out, at, 'IHDR', header);
  at = chunk(out, at, 'IDAT', zlibData);
  chunk(out, at, 'IEND', new Uint8Array(0));
  return out;
}

function chunk(out: Uint8Array, at: number, type: string, body: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(at, body.length);
  for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
  out.set(body, at + 8);
  view.setUint32(at + 8 + body.length, crc32(out, at + 4, at + 8 + body.length));
  return at + 12 + body.length;
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  const table = (crcTable ??= makeCrcTable());
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = (table[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

export function checkSize(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || rgba.length !== width * height * 4) {
    throw new RangeError(`encodePng: ${rgba.length} bytes do not make a ${width}×${height} RGBA image.`);
  }
}
