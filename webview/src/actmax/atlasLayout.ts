// The atlas grid's geometry (pure, no DOM): one cell per channel, scaled to a comfortable size, columns to fit.
export interface AtlasLayout {
  cols: number;
  rows: number;
  /** Pixel scale of an image inside its cell (integer when upscaling, so pixels stay sharp). */
  scale: number;
  cellWidth: number;
  cellHeight: number;
  /** Height of the caption under each image. */
  caption: number;
  gap: number;
  width: number;
  height: number;
}

/** `target` is the cell's longer side in pixels before zoom; small images scale up by whole numbers. */
export function layoutAtlas(count: number, imageWidth: number, imageHeight: number, availableWidth: number, zoom = 1, target = 96): AtlasLayout {
  const longer = Math.max(1, imageWidth, imageHeight);
  const raw = (target * zoom) / longer;
  const scale = raw >= 1 ? Math.floor(raw) : raw;
  const gap = 4;
  const caption = 14;
  const cellWidth = Math.max(1, Math.round(imageWidth * scale));
  const cellHeight = Math.max(1, Math.round(imageHeight * scale)) + caption;
  const cols = Math.max(1, Math.min(count, Math.floor((availableWidth + gap) / (cellWidth + gap))));
  const rows = Math.ceil(count / cols);
  return { cols, rows, scale, cellWidth, cellHeight, caption, gap, width: cols * (cellWidth + gap) - gap, height: Math.max(0, rows * (cellHeight + gap) - gap) };
}

export function cellOrigin(layout: AtlasLayout, index: number): { x: number; y: number } {
  const col = index % layout.cols;
  const row = Math.floor(index / layout.cols);
  return { x: col * (layout.cellWidth + layout.gap), y: row * (layout.cellHeight + layout.gap) };
}

/** The cell index under a point (content coordinates), or undefined in a gap or past the last cell. */
export function cellAt(layout: AtlasLayout, count: number, x: number, y: number): number | undefined {
  if (x < 0 || y < 0) return undefined;
  const col = Math.floor(x / (layout.cellWidth + layout.gap));
  const row = Math.floor(y / (layout.cellHeight + layout.gap));
  if (col >= layout.cols || x - col * (layout.cellWidth + layout.gap) >= layout.cellWidth) return undefined;
  if (y - row * (layout.cellHeight + layout.gap) >= layout.cellHeight) return undefined;
  const index = row * layout.cols + col;
  return index < count ? index : undefined;
}

/** Rows [first, last) that intersect the visible band: only those are drawn. */
export function visibleRows(layout: AtlasLayout, scrollTop: number, viewHeight: number): { first: number; last: number } {
  const pitch = layout.cellHeight + layout.gap;
  const first = Math.max(0, Math.floor(scrollTop / pitch));
  const last = Math.min(layout.rows, Math.ceil((scrollTop + viewHeight) / pitch));
  return { first, last };
}
