import { decode } from 'jpeg-js';
import { orientation as readOrientation } from 'exifr';
import { applyOrientation } from './orientation';
import { jpegComponents, jpegDataComplete, sniffImage } from './sniff';
import { MAX_IMAGE_PIXELS } from './types';
import type { DecodedImage } from './types';

/** Baseline and progressive JPEG, gray or colour (CMYK is converted by jpeg-js), with EXIF orientation applied. */
export async function decodeJpeg(bytes: Uint8Array): Promise<DecodedImage> {
  // jpeg-js tolerates a scan that stops early and fills the rest with gray; a file cut short is refused instead.
  const completeness = jpegDataComplete(bytes);
  if (completeness === 'noScan') throw new Error('it has no image data (no start-of-scan marker)');
  if (completeness === 'noEnd') throw new Error('its image data has no end marker, so the file is cut short');
  const header = sniffImage(bytes);
  const raw = decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    // The size was already checked from the header; these keep jpeg-js's own guards consistent with ours, and
    // hold its allocations to what the header's size needs, so that a later frame header cannot ask for more.
    maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    maxMemoryUsageInMB: memoryBudgetMB(header ? header.width * header.height : MAX_IMAGE_PIXELS, bytes.length),
  });
  // A broken EXIF block must not make a readable photo unreadable: fall back to "as stored".
  const orientation = await readOrientation(bytes).catch(() => undefined);
  const rgba = new Uint8ClampedArray(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  const oriented = applyOrientation(rgba, raw.width, raw.height, orientation ?? 1);
  return {
    width: oriented.width,
    height: oriented.height,
    channels: jpegComponents(bytes) === 1 ? 1 : 3,
    format: 'jpeg',
    data: oriented.data,
    maxValue: 255,
  };
}

/**
 * jpeg-js counts its coefficient blocks (4 bytes a sample), component lines and RGBA output: up to 4 components
 * (CMYK) with chroma padding to whole MCUs stays under 24 bytes a pixel; segments copied from the file are
 * bounded by its length.
 */
function memoryBudgetMB(pixels: number, fileBytes: number): number {
  return Math.ceil((pixels * 24 + fileBytes + 16 * 2 ** 20) / 2 ** 20);
}
