// RGBA pixels → PNG bytes (8 bits per channel), for "Export PNG" and the CLI.
import { encode } from 'fast-png';

export function encodePng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`encodePng: ${rgba.length} bytes do not make a ${width}×${height} RGBA image.`);
  }
  const data = new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return encode({ width, height, data, channels: 4, depth: 8 });
}
