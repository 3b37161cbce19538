// Where each channel map goes in the grid: maps scaled to a readable cell (whole-number upscaling keeps small
// maps crisp; large maps are scaled down), as many per row as fit. Pure numbers: unit-tested without a DOM.
import type { CellGrid } from '../lib/cellGrid';

export interface MapLayout extends CellGrid {
  count: number;
  mapWidth: number;
  mapHeight: number;
}

export const GAP = 2;
/** Smallest cell side of a map larger than 2 × 2 at zoom 1 (whole-number enlargement, so it can come out larger). */
export const MIN_MAP_CELL = 56;
const MAX_CELL = 512;

/** Lays out `count` maps of mapWidth × mapHeight in `availableWidth` pixels; zoom 1 aims at ~64 px cells (~20 px for 1 × 1 maps). */
export function layoutMaps(count: number, mapWidth: number, mapHeight: number, availableWidth: number, zoom = 1): MapLayout {
  const side = Math.max(1, mapWidth, mapHeight);
  const target = (side <= 2 ? 20 : 64) * zoom;
  let scale = target / side;
  scale = scale >= 1 ? Math.round(scale) : scale;
  // Small maps (MNIST's 26×26, 13×13) never below MIN_MAP_CELL at zoom 1: rounding alone gave 26×26 maps 52 px.
  if (side > 2 && side <= MIN_MAP_CELL) scale = Math.max(scale, Math.ceil((MIN_MAP_CELL * zoom) / side));
  scale = Math.min(scale, MAX_CELL / side);
  const cellWidth = Math.max(1, Math.round(mapWidth * scale));
  const cellHeight = Math.max(1, Math.round(mapHeight * scale));
  const fit = Math.max(1, Math.floor((Math.max(0, availableWidth) + GAP) / (cellWidth + GAP)));
  const cols = Math.max(1, Math.min(count, fit));
  const rows = count === 0 ? 0 : Math.ceil(count / cols);
  return {
    count,
    mapWidth,
    mapHeight,
    scale,
    gap: GAP,
    cellWidth,
    cellHeight,
    cols,
    rows,
    width: cols * (cellWidth + GAP) - GAP,
    height: Math.max(0, rows * (cellHeight + GAP) - GAP),
  };
}

/** Grid position (index into the display order) under a point of the full grid, or undefined in a gap or past the end. */
export function positionAt(layout: MapLayout, x: number, y: number): number | undefined {
  const pitchX = layout.cellWidth + layout.gap;
  const pitchY = layout.cellHeight + layout.gap;
  const col = Math.floor(x / pitchX);
  const row = Math.floor(y / pitchY);
  if (x < 0 || y < 0 || col >= layout.cols || row >= layout.rows) return undefined;
  if (x - col * pitchX >= layout.cellWidth || y - row * pitchY >= layout.cellHeight) return undefined;
  const position = row * layout.cols + col;
  return position < layout.count ? position : undefined;
}

/** Top-left corner of a grid position in the full grid. */
export function cellOrigin(layout: MapLayout, position: number): { x: number; y: number } {
  const row = Math.floor(position / layout.cols);
  const col = position - row * layout.cols;
  return { x: col * (layout.cellWidth + layout.gap), y: row * (layout.cellHeight + layout.gap) };
}

/** Rows [first, last) that intersect a viewport of viewHeight pixels scrolled to scrollTop. */
export function visibleRows(layout: MapLayout, scrollTop: number, viewHeight: number): { first: number; last: number } {
  const pitch = layout.cellHeight + layout.gap;
  const first = Math.min(layout.rows, Math.max(0, Math.floor(scrollTop / pitch)));
  const last = Math.min(layout.rows, Math.ceil((scrollTop + Math.max(0, viewHeight)) / pitch));
  return { first, last: Math.max(first, last) };
}

/** The scroll position that brings a grid position into view, moving as little as possible. */
export function scrollToReveal(layout: MapLayout, position: number, scrollTop: number, viewHeight: number): number {
  const { y } = cellOrigin(layout, position);
  if (y < scrollTop) return y;
  if (y + layout.cellHeight > scrollTop + viewHeight) return Math.max(0, y + layout.cellHeight - viewHeight);
  return scrollTop;
}
