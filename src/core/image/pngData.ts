import { Unzlib } from 'fflate';

/**
 * Checks a PNG's chunk layout and inflates its pixel data in bounded steps, stopping as soon as the data grows
 * past what the header's size allows. The decoder (fast-png) inflates the whole IDAT stream before it looks
 * at the size, so a 1 MB file whose header says 16 × 16 could make it allocate a gigabyte; after this check
 * its inflated data is known to be exactly the header's size. Throws an Error whose message is a clause for
 * decodeImage's sentence ("it is cut short inside its IDAT chunk").
 *
 * Returns the bytes to hand to fast-png: the file itself, or a copy without its iCCP chunks. fast-png
 * inflates an embedded colour profile in one go, with no bound, and the profile is not used here.
 */
export function checkPngData(bytes: Uint8Array): Uint8Array {
  const profiles: [number, number][] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: PngLayout | undefined;
  let expected = 0;
  let inflated = 0;
  let sawData = false;
  const inflater = new Unzlib((chunk) => {
    inflated += chunk.length;
  });

  let at = 8; // after the signature
  for (;;) {
    if (at + 8 > bytes.length) throw new Error('it is cut short before its IEND chunk');
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    const data = at + 8;
    if (length > bytes.length - data - 4) throw new Error(`it is cut short inside its ${printable(type)} chunk`);
    if (!header) {
      if (type !== 'IHDR' || length !== 13) throw new Error('its first chunk is not a 13-byte IHDR');
      header = readLayout(view, data);
      expected = pngDataBytes(header);
    } else if (type === 'IDAT') {
      sawData = true;
      feed(inflater, bytes.subarray(data, data + length), () => inflated, expected, header);
    } else if (type === 'IEND') {
      break;
    } else if (type === 'iCCP') {
      profiles.push([at, data + length + 4]);
    }
    at = data + length + 4; // chunk data, then its CRC
  }

  if (!sawData) throw new Error('it has no IDAT chunk, so no pixels');
  try {
    inflater.push(new Uint8Array(0), true);
  } catch {
    throw new Error('its compressed pixel data is cut short');
  }
  if (inflated > expected) throw tooMuchData(expected, header);
  if (inflated < expected) {
    throw new Error(`its pixel data holds ${inflated.toLocaleString('en')} of the ${expected.toLocaleString('en')} bytes its ${header.width} × ${header.height} header needs`);
  }
  return profiles.length === 0 ? bytes : withoutRanges(bytes, profiles);
}

function withoutRanges(bytes: Uint8Array, ranges: [number, number][]): Uint8Array {
  const out = new Uint8Array(bytes.length - ranges.reduce((n, [a, b]) => n + b - a, 0));
  let from = 0;
  let to = 0;
  for (const [a, b] of ranges) {
    out.set(bytes.subarray(from, a), to);
    to += a - from;
    from = b;
  }
  out.set(bytes.subarray(from), to);
  return out;
}

interface PngLayout {
  width: number;
  height: number;
  bitsPerPixel: number;
  interlaced: boolean;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function readLayout(view: DataView, at: number): PngLayout {
  const width = view.getUint32(at);
  const height = view.getUint32(at + 4);
  const depth = view.getUint8(at + 8);
  const colorType = view.getUint8(at + 9);
  const channels = CHANNELS[colorType];
  if (channels === undefined) throw new Error(`its header has the unknown colour type ${colorType}`);
  if (![1, 2, 4, 8, 16].includes(depth)) throw new Error(`its header has the invalid bit depth ${depth}`);
  return { width, height, bitsPerPixel: channels * depth, interlaced: view.getUint8(at + 12) === 1 };
}

/** Adam7: pass origins and steps (x0, y0, dx, dy). */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

/** Bytes of filtered scanlines (a filter byte, then the packed row) the header implies, over every Adam7 pass. */
export function pngDataBytes(layout: PngLayout): number {
  const rowBytes = (w: number) => 1 + Math.ceil((w * layout.bitsPerPixel) / 8);
  if (!layout.interlaced) return layout.height * rowBytes(layout.width);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((layout.width - x0) / dx);
    const h = Math.ceil((layout.height - y0) / dy);
    if (w > 0 && h > 0) total += h * rowBytes(w);
  }
  return total;
}

/** Deflate expands at most about 1032:1 (a 258-byte match in two bits). */
const MAX_RATIO = 1032;
/** How far past the header's size one step may inflate before the running total is checked again. */
const OVERSHOOT = 16 * 2 ** 20;

/**
 * Hands the compressed bytes to the inflater in steps that cannot make more than what is still allowed plus
 * OVERSHOOT, so a bomb stops within ~16 MB of its header's size while an ordinary file goes in few steps (each
 * step copies the inflater's 32 KB window, so tiny steps would cost more than the inflating).
 */
function feed(inflater: Unzlib, data: Uint8Array, inflated: () => number, expected: number, layout: PngLayout): void {
  for (let i = 0; i < data.length; ) {
    const step = Math.floor((expected - inflated() + OVERSHOOT) / MAX_RATIO);
    try {
      inflater.push(data.subarray(i, i + step), false);
      i += step;
    } catch {
      throw new Error('its compressed pixel data is corrupt');
    }
    if (inflated() > expected) {
      throw tooMuchData(expected, layout);
    }
  }
}

function tooMuchData(expected: number, layout: PngLayout): Error {
  return new Error(`its compressed pixel data inflates past the ${expected.toLocaleString('en')} bytes its ${layout.width} × ${layout.height} header allows`);
}

/** A chunk type as text for a message; a corrupt file can hold any bytes there. */
function printable(type: string): string {
  return /^[A-Za-z]{4}$/.test(type) ? type : 'last';
}
