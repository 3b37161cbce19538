import { decode } from 'jpeg-js';
import { orientation as readOrientation } from 'exifr';
import { applyOrientation } from './orientation';
import { jpegComponents } from './sniff';
import { MAX_IMAGE_PIXELS } from './types';
import type { DecodedImage } from './types';

/** Baseline and progressive JPEG, gray or colour (CMYK is converted by jpeg-js), with EXIF orientation applied. */
export async function decodeJpeg(bytes: Uint8Array): Promise<DecodedImage> {
  const raw = decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    // The size was already checked from the header; these keep jpeg-js's own guards consistent with ours.
    maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    maxMemoryUsageInMB: 2048,
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
