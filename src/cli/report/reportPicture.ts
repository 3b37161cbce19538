// The report's pictures at the size the page shows them. A picture wider than the page's column is shrunk to it
// (an averaging resize, so thin outlines and fine texture stay visible instead of aliasing); where the full size
// holds detail worth opening (an activation-maximization grid) it is written beside it and the picture links to it.
// Most files go through the Node PNG writer (RGB when opaque, Paeth rows, zlib's run-length strategy on libuv's pool):
// on a GoogLeNet report its actmax grid was 27% smaller and its kernel grids 63%. Feature-map grids are not: a
// colour-mapped value at one pixel has no smooth neighbours for Paeth, while its colours repeat at every distance,
// which fast-png's unfiltered LZ77 finds (the writer's files were 29% larger); they keep those bytes ('lz77').
import { join } from 'node:path';
import { encodePng } from '../../core/image/encodePng';
import { encodePngFile, PngFileWriter } from '../../core/node/pngFiles';
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

/** Where a picture's PNG goes: queued on a writer, or fast-png's unfiltered bytes (see above). */
export type PngSink = PngFileWriter | 'lz77';

/**
 * Writes `rgba` as the PNG `file` in `outDir`: queued on a writer `sink` (on disk once its `finish()` returns) or,
 * otherwise, written before this returns.
 */
export async function writePng(outDir: string, file: string, rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, sink?: PngSink): Promise<void> {
  if (sink === 'lz77') return writeFileAtomic(join(outDir, file), encodePng(rgba, width, height));
  if (sink) return sink.write(join(outDir, file), rgba, width, height);
  writeFileAtomic(join(outDir, file), await encodePngFile(rgba, width, height));
}

/**
 * Writes `pic` as `file` in `outDir` at most the page's width. With `keepFull`, a picture that had to be shrunk
 * is also written whole as `<name>.full.png`, for the link. Both go to `sink` as writePng's do.
 */
export async function writePicture(outDir: string, file: string, pic: RgbaPicture, keepFull = false, sink?: PngSink): Promise<WrittenPicture> {
  const shown = shrinkToWidth(pic);
  await writePng(outDir, file, shown.rgba, shown.width, shown.height, sink);
  if (shown === pic || !keepFull) return { src: file, width: shown.width, height: shown.height };
  const full = file.replace(/\.png$/, '.full.png');
  await writePng(outDir, full, pic.rgba, pic.width, pic.height, sink);
  return { src: file, href: full, width: shown.width, height: shown.height };
}

/** Runs `draw` with a PNG writer, so one picture deflates while the next is drawn; returns once all are on disk. */
export async function withPngWriter<T>(draw: (pngs: PngFileWriter) => Promise<T>): Promise<T> {
  const pngs = new PngFileWriter();
  try {
    const out = await draw(pngs);
    await pngs.finish();
    return out;
  } catch (e) {
    // No file may land after the part has failed (the report folder is moved into place at the end).
    await pngs.finish().catch(() => undefined);
    throw e;
  }
}
