// The tiles of a virtualized canvas grid (Feature Maps, Kernels, Top Images) as elements a keyboard and a screen
// reader reach: an ARIA grid of transparent cells over the canvas, each named with what it shows, with a roving
// tabindex (rovingTiles.ts: one Tab stop, arrows, Home/End, Page Up/Down, Enter/Space = click, Shift+Enter =
// double-click). The canvas draws only the rows in view, and a layer can have thousands of cells (a conv's
// filters × input channels), so only the rows in view and the tile Tab reaches exist as elements; the grid tells
// a screen reader its full size (aria-rowcount, aria-colcount) and each cell its place. The mouse goes through
// the cells to the canvas.
import { RovingTiles } from './rovingTiles';

export interface TileRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the grid shows now: its cells in reading order, `cols` to a row. */
export interface GridTilesModel {
  /** The grid's accessible name (what it is and what Enter and Shift+Enter do). */
  label: string;
  count: number;
  cols: number;
  /** A row's height plus the gap under it: what the rows in view and a Page Up/Down are measured in. */
  rowPitch: number;
  /** Where cell `index` lies in the picture (the scroller's content coordinates). */
  rect: (index: number) => TileRect;
  /** Cell `index`'s accessible name. */
  name: (index: number) => string;
  /** The keys the cells answer (aria-keyshortcuts) when more than Enter and Shift+Enter. */
  keys?: string;
}

export class GridTiles {
  readonly grid: HTMLElement;
  readonly roving: RovingTiles;
  private model: GridTilesModel | undefined;
  private readonly tiles = new Map<number, HTMLElement>();
  private readonly rows = new Map<number, HTMLElement>();
  private frame = 0;

  /**
   * `activate(index, alternate, key)`: what a click on cell `index` does (`alternate`: a double-click's);
   * `focused(index)`: what a hover over it shows (the hover line's numbers), for a sighted keyboard user.
   */
  constructor(
    private readonly scroller: HTMLElement,
    id: string,
    activate: (index: number, alternate: boolean, key?: KeyboardEvent) => void,
    focused?: (index: number) => void,
  ) {
    this.grid = document.createElement('div');
    this.grid.id = id;
    this.grid.className = 'grid-tiles';
    this.grid.setAttribute('role', 'grid');
    scroller.append(this.grid);
    this.roving = new RovingTiles(this.grid, {
      count: () => this.model?.count ?? 0,
      cols: () => Math.max(1, this.model?.cols ?? 1),
      tile: (i) => this.ensure(i),
      activate,
      pageRows: () => (this.model ? Math.max(1, Math.floor(scroller.clientHeight / Math.max(1, this.model.rowPitch))) : 1),
    });
    scroller.addEventListener('scroll', () => this.scheduleRender());
    if (focused) {
      this.grid.addEventListener('focusin', (e) => {
        const index = Number((e.target as HTMLElement).dataset.index);
        if (Number.isInteger(index) && this.model && index < this.model.count) focused(index);
      });
    }
  }

  /**
   * A new grid (a layer, a sort, a layout). With the same cells in the same columns (a resize that keeps them, a
   * new sort, a picture that arrived), the cells stay the same elements, moved and renamed, so the focused one
   * keeps the focus without a screen reader hearing it again; else they are made again and the focus put back.
   */
  show(model: GridTilesModel | undefined): void {
    const focused = this.focusedIndex();
    const previous = this.model;
    this.model = model;
    this.grid.hidden = !model || model.count === 0;
    if (model) {
      this.grid.setAttribute('aria-label', model.label);
      this.grid.setAttribute('aria-keyshortcuts', model.keys ?? 'Enter Shift+Enter');
      this.grid.setAttribute('aria-rowcount', String(Math.ceil(model.count / Math.max(1, model.cols))));
      this.grid.setAttribute('aria-colcount', String(Math.max(1, model.cols)));
    }
    if (model && previous && previous.cols === model.cols && previous.count === model.count) {
      this.tiles.forEach((tile, i) => this.place(tile, i, model));
      this.render();
      return;
    }
    this.tiles.forEach((t) => t.remove());
    this.tiles.clear();
    this.rows.forEach((r) => r.remove());
    this.rows.clear();
    this.render();
    if (focused !== undefined && model && focused < model.count) this.roving.setCurrent(focused, true);
  }

  /** What the tests read: cells made, how many are in the Tab order, the current cell's name. */
  meta(): Record<string, number | string> {
    return {
      tileElements: this.tiles.size,
      tabStops: [...this.tiles.values()].filter((t) => t.tabIndex === 0).length,
      currentTileName: this.tiles.get(this.roving.index)?.getAttribute('aria-label') ?? '',
    };
  }

  private scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Makes the cells of the rows in view (and the current one), drops the others. */
  private render(): void {
    const m = this.model;
    if (!m || m.count === 0) return;
    const cols = Math.max(1, m.cols);
    const pitch = Math.max(1, m.rowPitch);
    const rows = Math.ceil(m.count / cols);
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / pitch) - 1);
    const last = Math.min(rows, Math.ceil((this.scroller.scrollTop + this.scroller.clientHeight) / pitch) + 1);
    const wanted = new Set<number>();
    for (let i = first * cols; i < Math.min(m.count, last * cols); i++) wanted.add(i);
    wanted.add(Math.min(m.count - 1, this.roving.index));
    for (const [i, tile] of this.tiles) {
      if (!wanted.has(i) && tile !== document.activeElement) {
        tile.remove();
        this.tiles.delete(i);
      }
    }
    for (const i of wanted) this.ensure(i);
    for (const [r, row] of this.rows) {
      if (row.childElementCount === 0) {
        row.remove();
        this.rows.delete(r);
      }
    }
    this.roving.refresh();
  }

  /** The element of cell `index`, made (in its row, in reading order) when it is not there yet. */
  private ensure(index: number): HTMLElement | undefined {
    const m = this.model;
    if (!m || index < 0 || index >= m.count) return undefined;
    const existing = this.tiles.get(index);
    if (existing) return existing;
    const cols = Math.max(1, m.cols);
    const r = Math.floor(index / cols);
    const tile = document.createElement('div');
    tile.className = 'grid-tile';
    tile.setAttribute('role', 'gridcell');
    tile.tabIndex = index === this.roving.index ? 0 : -1;
    tile.dataset.index = String(index);
    tile.setAttribute('aria-colindex', String((index % cols) + 1));
    this.place(tile, index, m);
    const row = this.row(r);
    const after = [...row.children].find((c) => Number((c as HTMLElement).dataset.index) > index);
    row.insertBefore(tile, after ?? null);
    this.tiles.set(index, tile);
    return tile;
  }

  /** Puts cell `index` where the model draws it, named with what it shows. */
  private place(tile: HTMLElement, index: number, m: GridTilesModel): void {
    const name = m.name(index);
    if (tile.getAttribute('aria-label') !== name) tile.setAttribute('aria-label', name);
    const rect = m.rect(index);
    tile.style.left = `${rect.x}px`;
    tile.style.top = `${rect.y}px`;
    tile.style.width = `${rect.width}px`;
    tile.style.height = `${rect.height}px`;
  }

  private row(r: number): HTMLElement {
    const existing = this.rows.get(r);
    if (existing) return existing;
    const row = document.createElement('div');
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(r + 1));
    row.dataset.row = String(r);
    const after = [...this.grid.children].find((c) => Number((c as HTMLElement).dataset.row) > r);
    this.grid.insertBefore(row, after ?? null);
    this.rows.set(r, row);
    return row;
  }

  private focusedIndex(): number | undefined {
    const active = document.activeElement;
    for (const [i, t] of this.tiles) if (t === active) return i;
    return undefined;
  }
}
