import { GifReader } from 'omggif';
import type { DecodedImage } from './types';

/**
 * The first frame of a GIF, drawn onto the logical screen; pixels outside it or transparent stay alpha 0.
 * The frame must lie inside the screen (whose size the header check already bounded): omggif sizes its
 * buffers from the frame's own descriptor, so a 2 × 2 screen with a 65535 × 65535 frame would take gigabytes.
 */
export function decodeGif(bytes: Uint8Array): DecodedImage {
  const reader = readBlocks(bytes);
  if (reader.numFrames() < 1) throw new Error('it has no frames');
  const { width, height } = reader;
  const frame = reader.frameInfo(0);
  if (frame.width === 0 || frame.height === 0 || frame.x + frame.width > width || frame.y + frame.height > height) {
    throw new Error(`its first frame (${frame.width} × ${frame.height} at ${frame.x}, ${frame.y}) does not fit its ${width} × ${height} screen`);
  }
  const data = new Uint8ClampedArray(width * height * 4);
  if (blitReportsShortData(() => reader.decodeAndBlitFrameRGBA(0, data))) {
    throw new Error('its first frame has fewer pixels than its size says (the file is cut short or corrupt)');
  }
  const covers = frame.x === 0 && frame.y === 0 && frame.width === width && frame.height === height;
  const transparent = frame.transparent_index !== null || !covers;
  return { width, height, channels: transparent ? 4 : 3, format: 'gif', data, maxValue: 255 };
}

/**
 * omggif reports a frame whose pixel stream ends early only through console.log, which would also land in the
 * middle of the CLI's stdout; its warnings are taken aside here (the decode is synchronous, so nothing else
 * logs meanwhile). A stream longer than the frame is harmless: the extra pixels are dropped.
 */
function blitReportsShortData(blit: () => void): boolean {
  const log = console.log;
  let short = false;
  console.log = (...args: unknown[]) => {
    if (String(args[0]).includes('shorter than expected')) short = true;
  };
  try {
    blit();
  } finally {
    console.log = log;
  }
  return short;
}

/** omggif walks every block up front; when that fails on a file without the GIF trailer, the file was cut. */
function readBlocks(bytes: Uint8Array): GifReader {
  try {
    return new GifReader(bytes);
  } catch (e) {
    if (bytes[bytes.length - 1] !== 0x3b) throw new Error('it has no GIF trailer, so the file is cut short');
    throw e;
  }
}
