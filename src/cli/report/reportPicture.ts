// The report's pictures at the size the page shows them. A picture wider than the page's column is shrunk to it
// (an averaging resize, so thin outlines and fine texture stay visible instead of aliasing); where the full size
// holds detail worth opening (an activation-maximization grid) it is written beside it and the picture links to it.
import { join } from 'node:path';
import { encodePng } from '../../core/image/encodePng';
import { resizeLikePil } from '../../core/preprocess/pilResize';
import type { RgbaPicture } from '../../core/render/imageGrid';
import { writeFileAtomic } from '../outputFiles';

/** The page's column in CSS pixels: html.ts's body max-width (1100) less its padding (2 × 16). */
export const DISPLAY_WIDTH = 1068;

/** `pic` at most `maxWidth` wide, the height in proportion; the same object when it already fits. */
export function shrinkToWidth(pic: RgbaPicture, maxWidth = DISPLAY_WIDTH): RgbaPicture {
  if (pic.width <= maxWidth) return pic;
  const height = Math.max(1, Math.round((pic.height * maxWidth) / pic.width));
  const out = resizeLikePil({ data: pic.rgba, width: pic.width, height: pic.height, stride: 4 }, maxWidth, height, 4, true);
  return { width: maxWidth, height, rgba: Uint8ClampedArray.from(out.data) };
}

export interface WrittenPicture {
  /** The file the page shows. */
  src: string;
  /** The full-size file the picture links to, when one was written. */
  href?: string;
  width: number;
  height: number;
}

/**
 * Writes `pic` as `file` in `outDir` at most the page's width. With `keepFull`, a picture that had to be shrunk
 * is also written whole as `<name>.full.png`, for the link.
 */
export function writePicture(outDir: string, file: string, pic: RgbaPicture, keepFull = false): WrittenPicture {
  const shown = shrinkToWidth(pic);
  writeFileAtomic(join(outDir, file), encodePng(shown.rgba, shown.width, shown.height));
  if (shown === pic || !keepFull) return { src: file, width: shown.width, height: shown.height };
  const full = file.replace(/\.png$/, '.full.png');
  writeFileAtomic(join(outDir, full), encodePng(pic.rgba, pic.width, pic.height));
  return { src: file, href: full, width: shown.width, height: shown.height };
}
