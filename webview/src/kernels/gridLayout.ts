// Where each kernel tile goes: integer upscaling (nearest neighbour keeps weights readable), a row per filter
// when a filter has several tiles, otherwise as many filters per row as fit.
import type { KernelsResult } from '../../../src/shared/kernelsProtocol';
import type { CellGrid } from '../lib/cellGrid';

export interface GridLayout extends CellGrid {
  /** Filter drawn at each cell position (sorted or not); tiles of a filter fill consecutive cells in perChannel mode. */
  filterOrder: Int32Array;
}

export function layoutGrid(result: KernelsResult, availableWidth: number, sortByL2: boolean, zoom: number): GridLayout {
  const gap = 2;
  const filters = result.count / result.tilesPerFilter;
  // Aim for tiles about 64 px wide (a 3×3 kernel reads well at 21 px a weight), never below 1× or above 32×.
  const scale = Math.max(1, Math.min(32, Math.round((64 * zoom) / Math.max(result.tileWidth, result.tileHeight))));
  const cellWidth = result.tileWidth * scale;
  const cellHeight = result.tileHeight * scale;
  const fit = Math.max(1, Math.floor((availableWidth + gap) / (cellWidth + gap)));
  const cols = result.tilesPerFilter > 1 ? result.tilesPerFilter : Math.min(fit, filters);
  const rows = result.tilesPerFilter > 1 ? filters : Math.ceil(filters / cols);
  const filterOrder = sortByL2 ? Int32Array.from(result.orderByL2) : Int32Array.from({ length: filters }, (_, i) => i);
  return {
    scale,
    gap,
    cellWidth,
    cellHeight,
    cols,
    rows,
    width: cols * (cellWidth + gap) - gap,
    height: rows * (cellHeight + gap) - gap,
    filterOrder,
  };
}

/** The filter (and its tile within the filter) under a point of the full grid, if any. */
export function hitTest(layout: GridLayout, result: KernelsResult, x: number, y: number): { filter: number; tile: number } | undefined {
  const col = Math.floor(x / (layout.cellWidth + layout.gap));
  const row = Math.floor(y / (layout.cellHeight + layout.gap));
  if (col < 0 || row < 0 || col >= layout.cols || row >= layout.rows) return undefined;
  if (x - col * (layout.cellWidth + layout.gap) >= layout.cellWidth) return undefined;
  if (y - row * (layout.cellHeight + layout.gap) >= layout.cellHeight) return undefined;
  if (result.tilesPerFilter > 1) return { filter: layout.filterOrder[row], tile: result.tilesPerFilter > col ? col : 0 };
  const position = row * layout.cols + col;
  if (position >= layout.filterOrder.length) return undefined;
  return { filter: layout.filterOrder[position], tile: 0 };
}

/** Index into `result.tiles` (in tiles) of the tile drawn at a grid cell. */
export function tileIndexAt(layout: GridLayout, result: KernelsResult, row: number, col: number): number | undefined {
  if (result.tilesPerFilter > 1) {
    if (row >= layout.filterOrder.length) return undefined;
    return layout.filterOrder[row] * result.tilesPerFilter + col;
  }
  const position = row * layout.cols + col;
  return position < layout.filterOrder.length ? layout.filterOrder[position] : undefined;
}
