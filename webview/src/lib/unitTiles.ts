// A unit's tile is the way into its Unit panel: a double-click on it asks the host to open that unit (a single
// click keeps its panel's own meaning: zoom, detail, run). Tests double-click a tile by its index in view order
// with a real dblclick event at the tile's centre, so the same listener and hit test run as for a user.

/** The words every grid panel's hover hint carries. */
export const UNIT_PAGE_HINT = 'double-click: unit page';

export interface UnitRef {
  layerId: string;
  unit: number;
}

/** Calls `open` with the unit under a double-click on `target`, if the point is on a unit's tile. */
export function onUnitDoubleClick(target: HTMLElement, unitAt: (e: MouseEvent) => UnitRef | undefined, open: (unit: UnitRef) => void): void {
  target.addEventListener('dblclick', (e) => {
    const unit = unitAt(e);
    if (unit) open(unit);
  });
}

/**
 * Dispatches a dblclick at a point of a virtualized grid's picture (x, y in picture pixels, the canvas riding at
 * the scroller's scroll position): the inverse of VirtualCanvas.pointAt, so the listener's hit test lands on
 * the same point whatever is scrolled into view.
 */
export function doubleClickPicturePoint(canvas: HTMLCanvasElement, scrollTop: number, x: number, y: number): void {
  const rect = canvas.getBoundingClientRect();
  canvas.dispatchEvent(new MouseEvent('dblclick', { clientX: rect.left + x, clientY: rect.top + y - scrollTop, bubbles: true, detail: 2 }));
}

/** The centre of the cell at `position` (view order) of a grid of equal cells laid out row by row. */
export function cellCentre(grid: { cols: number; cellWidth: number; cellHeight: number; gap: number }, position: number): { x: number; y: number } {
  const row = Math.floor(position / grid.cols);
  const col = position - row * grid.cols;
  return { x: col * (grid.cellWidth + grid.gap) + grid.cellWidth / 2, y: row * (grid.cellHeight + grid.gap) + grid.cellHeight / 2 };
}
