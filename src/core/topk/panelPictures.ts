// The Top Images panel's pictures of a top-k result: one thumbnail per distinct file at the model's input size, or
// smaller plus per-entry crops when that would pass the payload budget. Full-size images never leave the process
// that decodes them; reading and decoding a file is injected (the engine reads from disk with its file checks).
import { throwIfAborted, yieldToEventLoop } from '../abort';
import type { DecodedImage } from '../image/types';
import { toDisplayRgba, type RgbaImage } from '../preprocess';
import { toErrorPayload } from '../../shared/errors';
import type { InputSpec } from '../../shared/model';
import type { PixelBox, TopkResult } from '../../shared/topk';
import type { TopkPictures, TopkProgress } from '../../shared/topkProtocol';

export interface PictureOptions {
  /** Reads and decodes one image file of the result; a throw marks the file as failed (with its message). */
  decode: (file: string) => Promise<DecodedImage>;
  signal?: AbortSignal;
  onProgress?: (p: TopkProgress) => void;
}

const MIN_THUMB_SIDE = 16;
const MIN_CROP_SIDE = 8;

export interface PicturePlan {
  thumbWidth: number;
  thumbHeight: number;
  /** Present when thumbnails are smaller than the model's input: each slot then carries its own crop. */
  cropSide?: number;
}

/**
 * How large the pictures may be: thumbnails at the model's input size when all of them fit the budget; else half
 * the budget for smaller thumbnails and half for crops (at most the largest field's side). Floors of 16 and 8 px
 * keep pictures recognisable even for layers with thousands of channels (which can then pass the budget a little).
 */
export function planPictures(distinct: number, slots: number, input: [number, number], maxBoxSide: number, budget: number): PicturePlan {
  const [h, w] = input;
  if (distinct * h * w * 4 <= budget) return { thumbWidth: w, thumbHeight: h };
  const side = Math.max(h, w);
  const fit = Math.sqrt(budget / 2 / (Math.max(1, distinct) * h * w * 4));
  const scale = Math.min(1, Math.max(fit, MIN_THUMB_SIDE / side));
  const cropFit = Math.floor(Math.sqrt(budget / 2 / (Math.max(1, slots) * 4)));
  return {
    thumbWidth: Math.max(1, Math.floor(w * scale)),
    thumbHeight: Math.max(1, Math.floor(h * scale)),
    cropSide: Math.max(1, Math.min(maxBoxSide, Math.max(MIN_CROP_SIDE, cropFit))),
  };
}

/** Distinct files of a result in first-use order, and per slot (c·k + i) the index of its file (−1: empty slot). */
export function slotFiles(result: Pick<TopkResult, 'top' | 'k' | 'channels'>): { files: string[]; thumbIndex: Int32Array } {
  const thumbIndex = new Int32Array(result.channels * result.k).fill(-1);
  const index = new Map<string, number>();
  result.top.forEach((entries, c) => {
    entries.forEach((e, i) => {
      let at = index.get(e.file);
      if (at === undefined) index.set(e.file, (at = index.size));
      thumbIndex[c * result.k + i] = at;
    });
  });
  return { files: [...index.keys()], thumbIndex };
}

/** The size a crop of `box` gets in a square of `side`: the box shrunk (never enlarged) to fit, aspect kept. */
export function cropSizeOf(box: Pick<PixelBox, 'width' | 'height'>, side: number): [number, number] {
  const s = Math.min(1, side / Math.max(box.width, box.height));
  return [Math.max(1, Math.round(box.width * s)), Math.max(1, Math.round(box.height * s))];
}

/**
 * Writes `box` of `src` into `dst` (row pitch `dstWidth`) at (dx, dy) as dw × dh pixels. Each output pixel is the
 * mean of the source pixels it covers (area averaging: shrinking never aliases); 1:1 is an exact copy.
 */
export function resampleInto(
  dst: Uint8ClampedArray,
  dstWidth: number,
  dx: number,
  dy: number,
  dw: number,
  dh: number,
  src: RgbaImage,
  box: PixelBox,
): void {
  const sx = box.width / dw;
  const sy = box.height / dh;
  for (let y = 0; y < dh; y++) {
    const y0 = box.y + Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, box.y + Math.floor((y + 1) * sy));
    for (let x = 0; x < dw; x++) {
      const x0 = box.x + Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, box.x + Math.floor((x + 1) * sx));
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const s = (yy * src.width + xx) * 4;
          r += src.data[s] as number;
          g += src.data[s + 1] as number;
          b += src.data[s + 2] as number;
          a += src.data[s + 3] as number;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const d = ((dy + y) * dstWidth + dx + x) * 4;
      dst[d] = r / n;
      dst[d + 1] = g / n;
      dst[d + 2] = b / n;
      dst[d + 3] = a / n;
    }
  }
}

/** Decodes every distinct file once, writes its thumbnail and the crops of every slot that uses it. */
export async function buildPictures(result: TopkResult, spec: InputSpec, budget: number, options: PictureOptions): Promise<TopkPictures> {
  const { files, thumbIndex } = slotFiles(result);
  const [h, w] = result.input;
  const slots = result.channels * result.k;
  let maxBoxSide = 1;
  for (const entries of result.top) for (const e of entries) maxBoxSide = Math.max(maxBoxSide, e.box.width, e.box.height);
  const plan = planPictures(files.length, slots, [h, w], maxBoxSide, budget);
  const { thumbWidth, thumbHeight, cropSide } = plan;
  const thumbs = new Uint8ClampedArray(files.length * thumbWidth * thumbHeight * 4);
  const crops = cropSide ? { side: cropSide, cropSize: new Int32Array(slots * 2), rgba: new Uint8ClampedArray(slots * cropSide * cropSide * 4) } : undefined;
  // Which slots each file fills (for the crops).
  const slotsOf: number[][] = files.map(() => []);
  thumbIndex.forEach((f, slot) => f >= 0 && slotsOf[f]!.push(slot));
  const failed: TopkPictures['failed'] = [];
  for (let f = 0; f < files.length; f++) {
    throwIfAborted(options.signal, 'Finding top images');
    const file = files[f] as string;
    let img: RgbaImage;
    try {
      img = await toDisplayRgba(await options.decode(file), spec);
    } catch (e) {
      failed.push({ file, reason: toErrorPayload(e).message });
      for (const slot of slotsOf[f]!) thumbIndex[slot] = -1;
      continue;
    }
    const whole: PixelBox = { x: 0, y: 0, width: img.width, height: img.height };
    resampleInto(thumbs, thumbWidth, 0, f * thumbHeight, thumbWidth, thumbHeight, img, whole);
    if (crops) {
      for (const slot of slotsOf[f]!) {
        const entry = result.top[Math.floor(slot / result.k)]![slot % result.k]!;
        const [cw, ch] = cropSizeOf(entry.box, crops.side);
        crops.cropSize[slot * 2] = cw;
        crops.cropSize[slot * 2 + 1] = ch;
        // Each slot's square is a band of `side` rows in a `side`-wide strip.
        resampleInto(crops.rgba, crops.side, 0, slot * crops.side, cw, ch, img, entry.box);
      }
    }
    if (f % 16 === 15 || f === files.length - 1) {
      options.onProgress?.({ done: f + 1, total: files.length, message: `Preparing pictures: ${f + 1} of ${files.length}`, phase: 'pictures' });
      await yieldToEventLoop();
    }
  }
  return { files, thumbWidth, thumbHeight, thumbScale: thumbWidth / w, thumbs, thumbIndex, ...(crops ? { crops } : {}), failed };
}
