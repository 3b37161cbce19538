// Lays equally sized RGBA images out in a grid (nearest-neighbour upscaling, gaps of a background colour):
// the report's feature-map and actmax atlases and the CLI's PNGs.
export interface RgbaPicture {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export interface ImageGridOptions {
  columns?: number;
  scale?: number;
  gap?: number;
  background?: readonly [number, number, number, number];
}

export function composeImageGrid(images: readonly RgbaPicture[], options: ImageGridOptions = {}): RgbaPicture {
  if (images.length === 0) return { width: 0, height: 0, rgba: new Uint8ClampedArray(0) };
  const { width: w, height: h } = images[0];
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const gap = options.gap ?? 1;
  const background = options.background ?? [0, 0, 0, 255];
  const columns = Math.max(1, Math.min(images.length, options.columns ?? Math.ceil(Math.sqrt(images.length))));
  const rows = Math.ceil(images.length / columns);
  const cw = w * scale;
  const ch = h * scale;
  const width = columns * cw + (columns - 1) * gap;
  const height = rows * ch + (rows - 1) * gap;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set(background, i);
  images.forEach((img, i) => {
    if (img.width !== w || img.height !== h) throw new Error(`image ${i} is ${img.width}×${img.height}, expected ${w}×${h}`);
    const x0 = (i % columns) * (cw + gap);
    const y0 = Math.floor(i / columns) * (ch + gap);
    for (let y = 0; y < ch; y++) {
      const srcRow = Math.floor(y / scale) * w;
      const dstRow = (y0 + y) * width + x0;
      for (let x = 0; x < cw; x++) {
        const s = (srcRow + Math.floor(x / scale)) * 4;
        const d = (dstRow + x) * 4;
        rgba[d] = img.rgba[s];
        rgba[d + 1] = img.rgba[s + 1];
        rgba[d + 2] = img.rgba[s + 2];
        rgba[d + 3] = img.rgba[s + 3];
      }
    }
  });
  return { width, height, rgba };
}
