// Pictures of a top-k result for the CLI and the report (the webview draws its own from the same data): per
// channel one row, the k images as the model sees them with the unit's field outlined, then the k crops.
import { decodeImage } from '../image/decodeImage';
import { toDisplayRgba, type RgbaImage } from '../preprocess/display';
import type { InputSpec } from '../../shared/model';
import type { PixelBox, TopkEntry, TopkResult } from '../../shared/topk';

export interface Picture {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export interface RowLayout {
  /** Side of a square tile in output pixels. */
  tile: number;
  gap: number;
  /** Extra space between the full images and the crops. */
  split: number;
}

const OUTLINE = [255, 214, 0] as const;
const EMPTY = 48;

/** Tiles at least `minTile` px: small inputs (MNIST's 28 px) are enlarged by a whole factor, large ones kept. */
export function rowLayout(result: Pick<TopkResult, 'input'>, minTile = 96): RowLayout {
  const side = Math.max(result.input[0], result.input[1]);
  return { tile: side * Math.max(1, Math.ceil(minTile / side)), gap: 2, split: 8 };
}

/** The model's view (display RGBA, model input size) of every file the result names, decoded once each. */
export async function loadDisplayImages(
  result: TopkResult,
  read: (file: string) => Promise<Uint8Array>,
  spec: InputSpec,
): Promise<Map<string, RgbaImage>> {
  const images = new Map<string, RgbaImage>();
  for (const entries of result.top) {
    for (const e of entries) {
      if (images.has(e.file)) continue;
      const name = e.file.split(/[\\/]/).pop() ?? e.file;
      images.set(e.file, await toDisplayRgba(await decodeImage(await read(e.file), name), spec));
    }
  }
  return images;
}

export function rowSize(k: number, layout: RowLayout): { width: number; height: number } {
  return { width: 2 * k * layout.tile + 2 * (k - 1) * layout.gap + layout.split, height: layout.tile };
}

/** One channel's row: k full images (field outlined), a gap, k crops; missing entries stay dark. */
export function channelRow(entries: readonly TopkEntry[], k: number, images: Map<string, RgbaImage>, layout: RowLayout): Picture {
  const { width, height } = rowSize(k, layout);
  const pic: Picture = { width, height, rgba: new Uint8ClampedArray(width * height * 4) };
  fill(pic, 0, 0, width, height, [255, 255, 255]);
  for (let i = 0; i < k; i++) {
    const full = i * (layout.tile + layout.gap);
    const crop = k * (layout.tile + layout.gap) - layout.gap + layout.split + i * (layout.tile + layout.gap);
    const e = entries[i];
    const img = e ? images.get(e.file) : undefined;
    if (!e || !img) {
      fill(pic, full, 0, layout.tile, layout.tile, [EMPTY, EMPTY, EMPTY]);
      fill(pic, crop, 0, layout.tile, layout.tile, [EMPTY, EMPTY, EMPTY]);
      continue;
    }
    const whole: PixelBox = { x: 0, y: 0, width: img.width, height: img.height };
    const placed = blit(pic, full, 0, layout.tile, img, whole);
    outline(pic, placed.x + e.box.x * placed.scale, placed.y + e.box.y * placed.scale, e.box.width * placed.scale, e.box.height * placed.scale);
    blit(pic, crop, 0, layout.tile, img, e.box);
  }
  return pic;
}

/** Rows stacked with a gap, for a whole layer in one picture. */
export function stackRows(rows: readonly Picture[], gap = 4): Picture {
  const width = Math.max(1, ...rows.map((r) => r.width));
  const height = Math.max(1, rows.reduce((h, r) => h + r.height, 0) + gap * Math.max(0, rows.length - 1));
  const out: Picture = { width, height, rgba: new Uint8ClampedArray(width * height * 4) };
  fill(out, 0, 0, width, height, [255, 255, 255]);
  let y = 0;
  for (const r of rows) {
    for (let row = 0; row < r.height; row++) out.rgba.set(r.rgba.subarray(row * r.width * 4, (row + 1) * r.width * 4), ((y + row) * width) * 4);
    y += r.height + gap;
  }
  return out;
}

/**
 * Draws `box` of `img` into a tile × tile square at (x0, y0), enlarged by the largest whole factor that fits (at
 * least 1, shrunk by sampling when larger), centred on black. Whole pixels are copied as 32-bit words, and a row
 * that samples the same source row as the one above it is copied from it: a wide layer draws hundreds of rows.
 */
function blit(pic: Picture, x0: number, y0: number, tile: number, img: RgbaImage, box: PixelBox): { x: number; y: number; scale: number } {
  fill(pic, x0, y0, tile, tile, [0, 0, 0]);
  const fit = tile / Math.max(box.width, box.height);
  const scale = fit >= 1 ? Math.floor(fit) : fit;
  const w = Math.max(1, Math.round(box.width * scale));
  const h = Math.max(1, Math.round(box.height * scale));
  const ox = x0 + Math.floor((tile - w) / 2);
  const oy = y0 + Math.floor((tile - h) / 2);
  const dst = words(pic.rgba);
  const src = words(img.data);
  const opaque = OPAQUE_BITS;
  const columns = new Int32Array(w);
  for (let x = 0; x < w; x++) columns[x] = box.x + Math.min(box.width - 1, Math.floor(x / scale));
  let lastSy = -1;
  for (let y = 0; y < h; y++) {
    const sy = box.y + Math.min(box.height - 1, Math.floor(y / scale));
    const d = (oy + y) * pic.width + ox;
    if (sy === lastSy) {
      dst.copyWithin(d, d - pic.width, d - pic.width + w);
      continue;
    }
    const s = sy * img.width;
    for (let x = 0; x < w; x++) dst[d + x] = (src[s + (columns[x] as number)] as number) | opaque;
    lastSy = sy;
  }
  return { x: ox - box.x * scale, y: oy - box.y * scale, scale };
}

function outline(pic: Picture, x: number, y: number, w: number, h: number): void {
  const x0 = Math.round(x);
  const y0 = Math.round(y);
  const x1 = Math.round(x + w) - 1;
  const y1 = Math.round(y + h) - 1;
  fill(pic, x0, y0, x1 - x0 + 1, 1, OUTLINE);
  fill(pic, x0, y1, x1 - x0 + 1, 1, OUTLINE);
  fill(pic, x0, y0, 1, y1 - y0 + 1, OUTLINE);
  fill(pic, x1, y0, 1, y1 - y0 + 1, OUTLINE);
}

function fill(pic: Picture, x: number, y: number, w: number, h: number, rgb: readonly number[]): void {
  const dst = words(pic.rgba);
  const colour = pixelWord(rgb[0] as number, rgb[1] as number, rgb[2] as number, 255);
  const left = Math.max(0, x);
  const right = Math.min(pic.width, x + w);
  if (right <= left) return;
  for (let yy = Math.max(0, y); yy < Math.min(pic.height, y + h); yy++) dst.fill(colour, yy * pic.width + left, yy * pic.width + right);
}

/** One RGBA pixel as the 32-bit word it is in memory (whatever the platform's byte order). */
function pixelWord(r: number, g: number, b: number, a: number): number {
  return new Uint32Array(new Uint8Array([r, g, b, a]).buffer)[0] as number;
}

const OPAQUE_BITS = pixelWord(0, 0, 0, 255);
const wordViews = new WeakMap<Uint8ClampedArray, Uint32Array>();

/** The pixels of an RGBA buffer as 32-bit words; a buffer not 4-byte aligned is read through an aligned copy. */
function words(rgba: Uint8ClampedArray): Uint32Array {
  let view = wordViews.get(rgba);
  if (!view) {
    const aligned = rgba.byteOffset % 4 === 0 ? rgba : rgba.slice();
    view = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length >> 2);
    wordViews.set(rgba, view);
  }
  return view;
}
