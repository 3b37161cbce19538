/**
 * Checks a BMP's header against its length before bmp-ts reads it, and says where its pixels are. bmp-ts
 * ignores the header's pixel offset (it reads on right after the palette), treats any unknown bit depth as 32,
 * and reads past the end through Node's Buffer, whose range error would reach the user; so the offset,
 * depth, compression, palette and row sizes are checked here. Errors are clauses for decodeImage's sentence.
 */
export interface BmpLayout {
  /** Where bmp-ts will start reading pixels: after the headers, masks and palette. */
  pixelsAfterPalette: number;
  /** Where the header says the pixels are. */
  pixelOffset: number;
}

const HEADER_SIZES = new Set([40, 52, 56, 108, 124]);
const DEPTHS = new Set([1, 4, 8, 16, 24, 32]);
const RGB = 0;
const RLE8 = 1;
const RLE4 = 2;
const BITFIELDS = 3;
const ALPHA_BITFIELDS = 6;

export function checkBmpLayout(b: Uint8Array): BmpLayout {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 14 + 40) throw new Error('it is cut short inside its header');
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (!HEADER_SIZES.has(headerSize)) throw new Error(`its ${headerSize}-byte info header is not one of the Windows BMP headers Layer Lens reads`);
  const width = view.getInt32(18, true);
  const height = Math.abs(view.getInt32(22, true));
  const depth = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colors = view.getUint32(46, true);
  if (!DEPTHS.has(depth)) throw new Error(`its bit depth of ${depth} is not a BMP one`);
  const rle = (compression === RLE8 && depth === 8) || (compression === RLE4 && depth === 4);
  const masks = compression === BITFIELDS || compression === ALPHA_BITFIELDS;
  if (!(compression === RGB || rle || (masks && (depth === 16 || depth === 32)))) {
    throw new Error(`its compression type ${compression} with ${depth} bits a pixel is not supported`);
  }
  if (colors > (depth <= 8 ? 1 << depth : 256)) throw new Error(`its palette claims ${colors} colours`);

  // Mirrors bmp-ts's reading order: the info header, colour masks when the header or compression has them,
  // then the palette (its declared colours, else 2^depth entries for depths up to 8).
  let at = 14 + Math.max(headerSize, 40 + (masks ? 12 : 0) + (compression === ALPHA_BITFIELDS ? 4 : 0));
  if (depth <= 8 || colors > 0) at += 4 * (colors === 0 ? 1 << depth : colors);
  if (at > b.length) throw new Error('it is cut short inside its header or palette');
  if (pixelOffset >= b.length) throw new Error(`its pixel data offset ${pixelOffset} lies beyond its end at ${b.length} bytes`);
  if (pixelOffset < at) throw new Error(`its pixel data offset ${pixelOffset} points inside its ${at}-byte header and palette`);

  if (!rle) {
    // The last row's padding is often left off; every other row is padded to 4 bytes.
    const rowBytes = Math.ceil((width * depth) / 32) * 4;
    const needed = rowBytes * (height - 1) + Math.ceil((width * depth) / 8);
    const present = b.length - pixelOffset;
    if (present < needed) {
      throw new Error(`its ${width} × ${height} pixels need ${needed.toLocaleString('en')} bytes but only ${present.toLocaleString('en')} follow its pixel offset, so the file is cut short`);
    }
  }
  return { pixelsAfterPalette: at, pixelOffset };
}

/** The file with any gap between the palette and the pixels left out, so that bmp-ts finds the pixels. */
export function withPixelsAfterPalette(b: Uint8Array, layout: BmpLayout): Uint8Array {
  if (layout.pixelOffset === layout.pixelsAfterPalette) return b;
  const out = new Uint8Array(b.length - (layout.pixelOffset - layout.pixelsAfterPalette));
  out.set(b.subarray(0, layout.pixelsAfterPalette));
  out.set(b.subarray(layout.pixelOffset), layout.pixelsAfterPalette);
  return out;
}
