// The top-k row drawing as it was before it copied 32-bit words (a per-byte loop, kept verbatim): the tests check
// that today's channelRow and the PNG files written from it give these pixels exactly.
import type { RgbaImage } from '../../../src/core/preprocess/display';
import { rowSize, type Picture, type RowLayout } from '../../../src/core/topk/topkPictures';
import type { PixelBox, TopkEntry } from '../../../src/shared/topk';

const OUTLINE = [255, 214, 0] as const;
const EMPTY = 48;

export function referenceChannelRow(entries: readonly TopkEntry[], k: number, images: Map<string, RgbaImage>, layout: RowLayout): Picture {
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

function blit(pic: Picture, x0: number, y0: number, tile: number, img: RgbaImage, box: PixelBox): { x: number; y: number; scale: number } {
  fill(pic, x0, y0, tile, tile, [0, 0, 0]);
  const fit = tile / Math.max(box.width, box.height);
  const scale = fit >= 1 ? Math.floor(fit) : fit;
  const w = Math.max(1, Math.round(box.width * scale));
  const h = Math.max(1, Math.round(box.height * scale));
  const ox = x0 + Math.floor((tile - w) / 2);
  const oy = y0 + Math.floor((tile - h) / 2);
  for (let y = 0; y < h; y++) {
    const sy = box.y + Math.min(box.height - 1, Math.floor(y / scale));
    for (let x = 0; x < w; x++) {
      const sx = box.x + Math.min(box.width - 1, Math.floor(x / scale));
      const s = (sy * img.width + sx) * 4;
      const d = ((oy + y) * pic.width + ox + x) * 4;
      pic.rgba[d] = img.data[s] as number;
      pic.rgba[d + 1] = img.data[s + 1] as number;
      pic.rgba[d + 2] = img.data[s + 2] as number;
      pic.rgba[d + 3] = 255;
    }
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
  for (let yy = Math.max(0, y); yy < Math.min(pic.height, y + h); yy++) {
    for (let xx = Math.max(0, x); xx < Math.min(pic.width, x + w); xx++) {
      const d = (yy * pic.width + xx) * 4;
      pic.rgba[d] = rgb[0] as number;
      pic.rgba[d + 1] = rgb[1] as number;
      pic.rgba[d + 2] = rgb[2] as number;
      pic.rgba[d + 3] = 255;
    }
  }
}
