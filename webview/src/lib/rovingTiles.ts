// Keyboard access to a set of tiles laid out in rows (the WAI-ARIA grid and listbox patterns' roving tabindex):
// one tile at a time is in the Tab order, so Tab enters and leaves the set in one step; the arrow keys move between
// tiles (Left/Right in reading order, Up/Down a row), Home/End go to the row's ends, Ctrl+Home/End to the first and
// last tile, Page Up/Down a screenful of rows; Enter or Space does what a click does, Shift+Enter a tile's second
// action (a double-click's). Tiles are the owner's elements, each with data-index and tabindex="-1".

export interface RovingTilesOptions {
  count: () => number;
  /** Tiles per row as laid out now. */
  cols: () => number;
  /** The element of the tile at `index`, if it exists. */
  tile: (index: number) => HTMLElement | undefined;
  /** What a click on the tile does (`alternate`: Shift+Enter, what a double-click does; `key`: the key, for its other modifiers). */
  activate: (index: number, alternate: boolean, key?: KeyboardEvent) => void;
  /** Rows a Page Up/Down moves (a screenful); 1 when absent. */
  pageRows?: () => number;
}

/** The index a key moves to from `from`, or undefined when the key is not a move or leaves the set. */
export function nextTileIndex(key: string, ctrl: boolean, from: number, count: number, cols: number, pageRows = 1): number | undefined {
  if (count <= 0) return undefined;
  const c = Math.max(1, cols);
  const rowStart = from - (from % c);
  const lastRowStart = (count - 1) - ((count - 1) % c);
  let to: number;
  switch (key) {
    case 'ArrowRight': to = from + 1; break;
    case 'ArrowLeft': to = from - 1; break;
    // Down into a shorter last row lands on its last tile rather than nowhere.
    case 'ArrowDown': to = rowStart === lastRowStart ? from : Math.min(count - 1, from + c); break;
    case 'ArrowUp': to = from - c; break;
    case 'Home': to = ctrl ? 0 : rowStart; break;
    case 'End': to = ctrl ? count - 1 : Math.min(count - 1, rowStart + c - 1); break;
    case 'PageDown': to = Math.min(count - 1, from + c * Math.max(1, pageRows)); break;
    case 'PageUp': to = Math.max(from % c, from - c * Math.max(1, pageRows)); break;
    default: return undefined;
  }
  return to >= 0 && to < count ? to : from;
}

export class RovingTiles {
  private current = 0;

  constructor(container: HTMLElement, private readonly options: RovingTilesOptions) {
    container.addEventListener('keydown', (e) => this.onKey(e));
    // A tile focused some other way (a screen reader's cursor, a click) becomes the one Tab returns to.
    container.addEventListener('focusin', (e) => {
      const index = indexOf(e.target);
      if (index !== undefined && index !== this.current) this.setCurrent(index);
    });
  }

  /** The tile Tab reaches. */
  get index(): number {
    return this.current;
  }

  /** Makes `index` the tile Tab reaches; `focus` also moves the keyboard focus there (scrolling it into view). */
  setCurrent(index: number, focus = false): void {
    const count = this.options.count();
    if (count <= 0) return;
    const next = Math.min(count - 1, Math.max(0, index));
    this.options.tile(this.current)?.setAttribute('tabindex', '-1');
    this.current = next;
    const tile = this.options.tile(next);
    tile?.setAttribute('tabindex', '0');
    if (focus) tile?.focus();
  }

  /** After the tiles were made or remade: exactly the current tile (kept in range) is in the Tab order. */
  refresh(): void {
    this.setCurrent(this.current);
  }

  private onKey(e: KeyboardEvent): void {
    const from = indexOf(e.target);
    if (from === undefined) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.options.activate(from, e.shiftKey, e);
      return;
    }
    const to = nextTileIndex(e.key, e.ctrlKey || e.metaKey, from, this.options.count(), this.options.cols(), this.options.pageRows?.() ?? 1);
    if (to === undefined) return;
    e.preventDefault();
    this.setCurrent(to, true);
  }
}

function indexOf(target: EventTarget | null): number | undefined {
  if (!(target instanceof HTMLElement) || target.dataset.index === undefined) return undefined;
  const index = Number(target.dataset.index);
  return Number.isInteger(index) ? index : undefined;
}
