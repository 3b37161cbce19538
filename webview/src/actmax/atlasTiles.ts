// The atlas's tiles as elements a keyboard and a screen reader reach: the pictures are drawn on one canvas (only
// the rows in view), so an ARIA grid of transparent cells lies over it, one per unit, each named with its unit and
// objective, with a roving tabindex (lib/rovingTiles.ts). The mouse goes through them to the canvas.
import { RovingTiles } from '../lib/rovingTiles';
import { cellOrigin, type AtlasLayout } from './atlasLayout';

export class AtlasTiles {
  readonly grid: HTMLElement;
  private tiles: HTMLElement[] = [];
  private rows: HTMLElement[] = [];
  private cols = 0;
  readonly roving: RovingTiles;

  constructor(parent: HTMLElement, activate: (unit: number, alternate: boolean) => void, pageRows: () => number) {
    this.grid = document.createElement('div');
    this.grid.id = 'atlasTiles';
    this.grid.className = 'am-tiles';
    this.grid.setAttribute('role', 'grid');
    this.grid.setAttribute('aria-keyshortcuts', 'Enter Shift+Enter');
    // Holds the focus while its tiles are remade for a new run, until they are placed again.
    this.grid.tabIndex = -1;
    parent.append(this.grid);
    this.roving = new RovingTiles(this.grid, {
      count: () => this.tiles.length,
      cols: () => Math.max(1, this.cols),
      tile: (i) => this.tiles[i],
      activate,
      pageRows,
    });
  }

  /** One tile per unit, none rendered yet; the grid is named after the layer. */
  reset(layerId: string, count: number, describe: (unit: number) => string): void {
    this.grid.setAttribute('aria-label', `${layerId}: ${count} units. Enter runs a unit, Shift+Enter opens its unit page`);
    const focusedBefore = this.focusedIndex();
    this.tiles = Array.from({ length: count }, (_, unit) => {
      const tile = document.createElement('div');
      tile.className = 'am-tile';
      tile.setAttribute('role', 'gridcell');
      tile.tabIndex = -1;
      tile.dataset.index = String(unit);
      tile.setAttribute('aria-label', describe(unit));
      return tile;
    });
    this.rows = [];
    this.cols = 0;
    this.grid.replaceChildren();
    this.roving.refresh();
    if (focusedBefore !== undefined) {
      this.roving.setCurrent(focusedBefore);
      this.grid.focus({ preventScroll: true });
    }
  }

  /** What the tests read: the tiles, how many are in the Tab order, and the first tile's accessible name. */
  meta(): Record<string, number | string> {
    return { tiles: this.tiles.length, tabStops: this.tiles.filter((t) => t.tabIndex === 0).length, firstTileName: this.tiles[0]?.getAttribute('aria-label') ?? '' };
  }

  /** The tile of `unit` says what it now shows. */
  label(unit: number, text: string): void {
    this.tiles[unit]?.setAttribute('aria-label', text);
  }

  /**
   * Places the tiles on the layout's cells, in rows of `layout.cols`. Rows are remade only when the number of
   * columns changes; a tile that had the focus keeps it (moving an element in the page would drop it).
   */
  place(layout: AtlasLayout): void {
    const focused = this.focusedIndex() ?? (document.activeElement === this.grid ? this.roving.index : undefined);
    if (layout.cols !== this.cols || this.rows.length !== layout.rows) {
      this.cols = layout.cols;
      this.rows = Array.from({ length: layout.rows }, (_, r) => {
        const row = document.createElement('div');
        row.className = 'am-tile-row';
        row.setAttribute('role', 'row');
        row.append(...this.tiles.slice(r * layout.cols, (r + 1) * layout.cols));
        return row;
      });
      this.grid.replaceChildren(...this.rows);
    }
    this.grid.style.width = `${layout.width}px`;
    this.grid.style.height = `${layout.height}px`;
    this.rows.forEach((row, r) => {
      row.style.top = `${r * (layout.cellHeight + layout.gap)}px`;
      row.style.height = `${layout.cellHeight}px`;
    });
    this.tiles.forEach((tile, i) => {
      tile.style.left = `${cellOrigin(layout, i).x}px`;
      tile.style.width = `${layout.cellWidth}px`;
      tile.style.height = `${layout.cellHeight}px`;
    });
    this.roving.refresh();
    if (focused !== undefined && document.activeElement !== this.tiles[focused]) this.tiles[focused]?.focus({ preventScroll: true });
  }

  private focusedIndex(): number | undefined {
    const i = this.tiles.indexOf(document.activeElement as HTMLElement);
    return i >= 0 ? i : undefined;
  }
}
