// The unit's pictures arrive as the PNG files of its folder: decoded by the browser and drawn, pixelated, on
// canvases (a canvas, not an <img>, so snapshots read the pixels and Export PNG can stitch them).
import type { UnitPicture } from '../../../src/shared/unitProtocol';

export type DecodedPictures = Map<string, ImageBitmap>;

export async function decodePictures(pictures: readonly UnitPicture[]): Promise<DecodedPictures> {
  const decoded: DecodedPictures = new Map();
  await Promise.all(
    pictures.map(async (p) => {
      const blob = new Blob([p.png as Uint8Array<ArrayBuffer>], { type: 'image/png' });
      decoded.set(p.file, await createImageBitmap(blob));
    }),
  );
  return decoded;
}

/** A canvas showing `image` at `side` px on its longer side, scaled without smoothing (pixels stay pixels). */
export function pictureCanvas(image: ImageBitmap | undefined, side: number, label: string): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.className = 'unit-picture';
  c.setAttribute('role', 'img');
  c.setAttribute('aria-label', label);
  if (!image) {
    c.width = c.height = 1;
    return c;
  }
  const scale = side / Math.max(image.width, image.height);
  c.width = Math.max(1, Math.round(image.width * scale));
  c.height = Math.max(1, Math.round(image.height * scale));
  const ctx = c.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(image, 0, 0, c.width, c.height);
  return c;
}

/** Rows of canvases stitched into one (gap px between them), for snapshots and Export PNG. */
export function stitch(rows: HTMLCanvasElement[][], gap = 4): HTMLCanvasElement {
  const out = document.createElement('canvas');
  const kept = rows.filter((r) => r.length > 0);
  const widths = kept.map((r) => r.reduce((w, c) => w + c.width, 0) + gap * (r.length - 1));
  const heights = kept.map((r) => Math.max(...r.map((c) => c.height)));
  out.width = Math.max(1, ...widths);
  out.height = Math.max(1, heights.reduce((a, b) => a + b, 0) + gap * Math.max(0, kept.length - 1));
  const ctx = out.getContext('2d')!;
  let y = 0;
  kept.forEach((row, i) => {
    let x = 0;
    for (const c of row) {
      ctx.drawImage(c, x, y);
      x += c.width + gap;
    }
    y += heights[i]! + gap;
  });
  return out;
}

/** RGBA pixels (width × height × 4) on a canvas `side` px on its longer side, scaled without smoothing. */
export function rgbaCanvas(rgba: Uint8ClampedArray, width: number, height: number, side: number, label: string): HTMLCanvasElement {
  const source = document.createElement('canvas');
  source.width = width;
  source.height = height;
  source.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  const c = document.createElement('canvas');
  c.className = 'unit-picture';
  c.setAttribute('role', 'img');
  c.setAttribute('aria-label', label);
  const scale = side / Math.max(width, height);
  c.width = Math.max(1, Math.round(width * scale));
  c.height = Math.max(1, Math.round(height * scale));
  const ctx = c.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(source, 0, 0, c.width, c.height);
  return c;
}
