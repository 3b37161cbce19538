// RGBA pixels → PNG bytes (8 bits per channel, RGBA, unfiltered, fflate at level 3: the bytes fast-png wrote), for
// "Export PNG" and the CLI. Node code that writes many wide pictures uses src/core/node/pngFiles.ts instead.
import { zlibSync } from 'fflate';
import { pngFile, pngScanlines } from './pngEncoder';

export function encodePng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  const { channels, data } = pngScanlines(rgba, width, height, { dropAlpha: false, filter: 'none' });
  return pngFile(width, height, channels, zlibSync(data, { level: 3 }));
}
