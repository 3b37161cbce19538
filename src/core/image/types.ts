/** Image file formats the core decodes, detected from magic bytes (never from the file extension). */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp';

/**
 * A decoded image, always stored as interleaved RGBA whatever the file held, so that preprocessing has one
 * path. 8-bit sources keep Uint8ClampedArray (0..255); 16-bit PNGs keep Uint16Array (0..65535) so no
 * precision is lost before normalization. `channels` tells what the file itself had (1 = gray, 3 = RGB,
 * 4 = with alpha); gray files have R = G = B, files without alpha have A = max.
 */
export interface DecodedImage {
  width: number;
  height: number;
  /** Channels in the file: 1 gray, 3 color, 4 with transparency (gray+alpha counts as 4). */
  channels: 1 | 3 | 4;
  format: ImageFormat;
  /** Interleaved RGBA, width × height × 4 values, row-major from the top-left corner (EXIF orientation applied). */
  data: Uint8ClampedArray | Uint16Array;
  /** The value that means full intensity in `data`: 255 for 8-bit, 65535 for 16-bit. */
  maxValue: 255 | 65535;
}

/** The largest image accepted; larger ones are refused from their header, before any pixel is decoded. */
export const MAX_IMAGE_PIXELS = 50_000_000;
