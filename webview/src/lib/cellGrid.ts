// The geometry every grid panel shares: equal cells, whole-number upscaling, gaps, and the picture's size.
export interface CellGrid {
  /** Cell size over the source size (≥ 1 is a whole number). */
  scale: number;
  gap: number;
  cellWidth: number;
  cellHeight: number;
  /** Cells per row. */
  cols: number;
  rows: number;
  /** The whole grid's size in pixels. */
  width: number;
  height: number;
}
