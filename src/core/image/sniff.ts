import type { ImageFormat } from './types';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** Formats we recognise only to name them in the error; they are not decoded. */
export type ForeignFormat = 'tiff' | 'heic' | 'avif' | 'ico' | 'psd';

/**
 * Reads the format and the pixel size from the first bytes of a file, without decoding pixels, so that
 * oversized images are refused cheaply. Returns null for bytes that are no supported image (or whose
 * header is cut short); `foreignFormat` says which unsupported format it is, if any.
 */
export function sniffImage(bytes: Uint8Array): ImageHeader | null {
  if (isPng(bytes)) return pngHeader(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegHeader(bytes);
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return gifHeader(bytes);
  if (ascii(bytes, 0, 2) === 'BM') return bmpHeader(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return webpHeader(bytes);
  return null;
}

/** The format whose magic bytes the file starts with, even when the header after them is cut short. */
export function formatFromMagic(bytes: Uint8Array): ImageFormat | null {
  if (isPng(bytes)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  // Not BMP: 'BM' alone is too common a start of a text file to call it a cut-short BMP.
  return null;
}

export function foreignFormat(bytes: Uint8Array): ForeignFormat | null {
  const head4 = ascii(bytes, 0, 4);
  if (head4 === 'II*\0' || head4 === 'MM\0*') return 'tiff';
  if (head4 === '8BPS') return 'psd';
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 1 && bytes[3] === 0) return 'ico';
  if (ascii(bytes, 4, 4) === 'ftyp') {
    const brand = ascii(bytes, 8, 4);
    if (brand.startsWith('avi')) return 'avif';
    if (brand.startsWith('hei') || brand.startsWith('mif') || brand.startsWith('hev')) return 'heic';
  }
  return null;
}

function isPng(b: Uint8Array): boolean {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return b.length >= 8 && sig.every((v, i) => b[i] === v);
}

function pngHeader(b: Uint8Array): ImageHeader | null {
  // IHDR must be the first chunk: length(4) 'IHDR'(4) width(4) height(4), big-endian.
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
  return { format: 'png', width: be32(b, 16), height: be32(b, 20) };
}

function jpegHeader(b: Uint8Array): ImageHeader | null {
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return null;
    const marker = b[p + 1];
    if (marker === 0xff) {
      p += 1; // fill byte
      continue;
    }
    // Markers without a length field.
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    const len = (b[p + 2] << 8) | b[p + 3];
    // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (p + 9 > b.length) return null;
      return { format: 'jpeg', height: (b[p + 5] << 8) | b[p + 6], width: (b[p + 7] << 8) | b[p + 8] };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan before any frame header: broken file
    p += 2 + len;
  }
  return null;
}

/** Number of colour components in a JPEG frame header (1 = gray), or 3 when it cannot be read. */
export function jpegComponents(b: Uint8Array): number {
  let p = 2;
  while (p + 4 <= b.length && b[p] === 0xff) {
    const marker = b[p + 1];
    if (marker === 0xff) {
      p += 1;
      continue;
    }
    const len = (b[p + 2] << 8) | b[p + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return b[p + 9] ?? 3;
    p += 2 + len;
  }
  return 3;
}

/**
 * Whether a JPEG's image data is complete: a start-of-scan marker, and after it an end-of-image marker (FF D9).
 * Inside entropy-coded data every FF byte is followed by 00 or a restart marker, so an FF D9 after the first
 * scan can only be the end of the image; an EXIF thumbnail's own FF D9 sits in a segment before it.
 */
export function jpegDataComplete(b: Uint8Array): 'complete' | 'noScan' | 'noEnd' {
  let p = 2;
  let scan = -1;
  while (p + 4 <= b.length && b[p] === 0xff) {
    const marker = b[p + 1];
    if (marker === 0xff || marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xda) {
      scan = p;
      break;
    }
    p += 2 + ((b[p + 2] << 8) | b[p + 3]);
  }
  if (scan < 0) return 'noScan';
  for (let i = b.length - 2; i > scan; i--) {
    if (b[i] === 0xff && b[i + 1] === 0xd9) return 'complete';
  }
  return 'noEnd';
}

function gifHeader(b: Uint8Array): ImageHeader | null {
  if (b.length < 10) return null;
  return { format: 'gif', width: le16(b, 6), height: le16(b, 8) };
}

function bmpHeader(b: Uint8Array): ImageHeader | null {
  if (b.length < 26) return null;
  const headerSize = le32(b, 14);
  if (headerSize === 12) return { format: 'bmp', width: le16(b, 18), height: le16(b, 20) }; // OS/2 BITMAPCOREHEADER
  if (headerSize < 40 || b.length < 26) return null;
  const height = le32(b, 22) | 0; // signed: negative means top-down rows
  return { format: 'bmp', width: le32(b, 18) | 0, height: Math.abs(height) };
}

function webpHeader(b: Uint8Array): ImageHeader | null {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && b.length >= 30) {
    // Lossy: frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { format: 'webp', width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
  }
  if (chunk === 'VP8L' && b.length >= 25) {
    if (b[20] !== 0x2f) return null;
    const bits = le32(b, 21);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && b.length >= 30) {
    return { format: 'webp', width: le24(b, 24) + 1, height: le24(b, 27) + 1 };
  }
  return null;
}

function ascii(b: Uint8Array, at: number, n: number): string {
  if (b.length < at + n) return '';
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[at + i]);
  return s;
}
function be32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}
function le16(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8);
}
function le24(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
}
function le32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}
