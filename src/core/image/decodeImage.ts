import { LayerLensError } from '../../shared/errors';
import { decodeBmp } from './decodeBmp';
import { decodeGif } from './decodeGif';
import { decodeJpeg } from './decodeJpeg';
import { decodePng } from './decodePng';
import { decodeWebp } from './decodeWebp';
import { foreignFormat, formatFromMagic, sniffImage } from './sniff';
import type { ImageHeader } from './sniff';
import { MAX_IMAGE_PIXELS } from './types';
import type { DecodedImage, ImageFormat } from './types';

const FORMAT_NAMES: Record<ImageFormat, string> = { png: 'PNG', jpeg: 'JPEG', gif: 'GIF', bmp: 'BMP', webp: 'WebP' };

/**
 * Decodes PNG, JPEG, GIF (first frame), BMP or WebP from its bytes; the format comes from the magic bytes,
 * `fileName` only names the file in errors. The pixel size is read from the header first, and an image over
 * 50 megapixels is refused (`imageTooLarge`) before any pixel is decoded. Anything else is `notAnImage`.
 */
export async function decodeImage(bytes: Uint8Array, fileName: string): Promise<DecodedImage> {
  const header = readImageHeader(bytes, fileName);
  let image: DecodedImage;
  try {
    image = await decodeFormat(header.format, bytes);
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    throw new LayerLensError(
      'notAnImage',
      `${fileName} looks like a ${FORMAT_NAMES[header.format]} image but could not be decoded: ${reason(e)}.`,
    );
  }
  if (image.width * image.height === 0) {
    throw new LayerLensError('notAnImage', `${fileName} decoded to an empty ${image.width} × ${image.height} image.`);
  }
  return image;
}

/** The format and size from the header alone; throws the same errors as decodeImage would for it. */
export function readImageHeader(bytes: Uint8Array, fileName: string): ImageHeader {
  const header = sniffImage(bytes);
  if (!header) {
    const started = formatFromMagic(bytes);
    if (started) {
      throw new LayerLensError('notAnImage', `${fileName} starts like a ${FORMAT_NAMES[started]} image but its header is cut short or corrupt.`);
    }
    const foreign = foreignFormat(bytes);
    if (foreign) {
      throw new LayerLensError(
        'notAnImage',
        `${fileName} is a ${foreign.toUpperCase()} file, which Layer Lens cannot read; convert it to PNG or JPEG.`,
      );
    }
    throw new LayerLensError('notAnImage', `${fileName} is not a PNG, JPEG, WebP, GIF or BMP image.`);
  }
  const { width, height } = header;
  if (width <= 0 || height <= 0) {
    throw new LayerLensError('notAnImage', `${fileName} has an invalid size of ${width} × ${height} pixels in its header.`);
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    const mp = ((width * height) / 1e6).toFixed(1);
    throw new LayerLensError(
      'imageTooLarge',
      `${fileName} is ${width} × ${height} pixels (${mp} megapixels), over the ${MAX_IMAGE_PIXELS / 1e6}-megapixel limit.`,
    );
  }
  return header;
}

async function decodeFormat(format: ImageFormat, bytes: Uint8Array): Promise<DecodedImage> {
  switch (format) {
    case 'png':
      return decodePng(bytes);
    case 'jpeg':
      return decodeJpeg(bytes);
    case 'gif':
      return decodeGif(bytes);
    case 'bmp':
      return decodeBmp(bytes);
    case 'webp':
      return decodeWebp(bytes);
  }
}

/**
 * A decoder's message as a clause of our one sentence. Range and type errors come from the JavaScript engine
 * (a read past the end of a buffer inside a library), whose wording means nothing to a user.
 */
function reason(e: unknown): string {
  if (e instanceof RangeError || e instanceof TypeError) return 'its data is corrupt or cut short';
  const text = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').replace(/[.\s]+$/, '').replace(/\. /g, '; ').trim();
  return text.length > 120 ? `${text.slice(0, 117)}...` : text || 'unknown error';
}
