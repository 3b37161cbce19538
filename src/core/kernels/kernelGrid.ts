// Composes kernel tiles into one RGBA image (PNG export, CLI): a row per filter in perChannel mode, else
// filters in rows of `columns`; 1 px gaps of the background colour; nearest-neighbour scaling.
import type { KernelGridImage, KernelGridOptions, TilePlacement } from '../../shared/kernels';
import type { KernelTiles } from './kernelTiles';

export function composeKernelGrid(result: KernelTiles, options: KernelGridOptions = {}): KernelGridImage {
  const gap = options.gap ?? 1;
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const background = options.background ?? [0, 0, 0, 255];
  const filters = result.count / result.tilesPerFilter;
  const order = options.order === 'l2' ? Array.from(result.orderByL2) : Array.from({ length: filters }, (_, i) => i);
  const perFilterRow = result.tilesPerFilter > 1;
  const columns = perFilterRow ? result.tilesPerFilter : Math.max(1, Math.min(filters, options.columns ?? Math.ceil(Math.sqrt(filters))));
  const rows = perFilterRow ? filters : Math.ceil(filters / columns);
  const tw = result.tileWidth * scale;
  const th = result.tileHeight * scale;
  const width = Math.max(0, columns * tw + (columns - 1) * gap);
  const height = Math.max(0, rows * th + (rows - 1) * gap);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set(background, i);

  const placements: TilePlacement[] = [];
  order.forEach((filter, slot) => {
    for (let channel = 0; channel < result.tilesPerFilter; channel++) {
      const col = perFilterRow ? channel : slot % columns;
      const row = perFilterRow ? slot : Math.floor(slot / columns);
      const x = col * (tw + gap);
      const y = row * (th + gap);
      const src = (filter * result.tilesPerFilter + channel) * result.tileWidth * result.tileHeight * 4;
      for (let py = 0; py < th; py++) {
        for (let px = 0; px < tw; px++) {
          const s = src + (Math.floor(py / scale) * result.tileWidth + Math.floor(px / scale)) * 4;
          const d = ((y + py) * width + x + px) * 4;
          rgba[d] = result.tiles[s] as number;
          rgba[d + 1] = result.tiles[s + 1] as number;
          rgba[d + 2] = result.tiles[s + 2] as number;
          rgba[d + 3] = result.tiles[s + 3] as number;
        }
      }
      placements.push({ filter, channel, x, y, width: tw, height: th });
    }
  });
  return { width, height, rgba, placements };
}
