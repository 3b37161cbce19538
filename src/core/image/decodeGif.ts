import { GifReader } from 'omggif';
import type { DecodedImage } from './types';

/** The first frame of a GIF, drawn onto the logical screen; pixels outside it or transparent stay alpha 0. */
export function decodeGif(bytes: Uint8Array): DecodedImage {
  const reader = new GifReader(bytes);
  if (reader.numFrames() < 1) throw new Error('it has no frames');
  const { width, height } = reader;
  const data = new Uint8ClampedArray(width * height * 4);
  reader.decodeAndBlitFrameRGBA(0, data);
  const frame = reader.frameInfo(0);
  const covers = frame.x === 0 && frame.y === 0 && frame.width === width && frame.height === height;
  const transparent = frame.transparent_index !== null || !covers;
  return { width, height, channels: transparent ? 4 : 3, format: 'gif', data, maxValue: 255 };
}
