// The atlas view: one cell per channel of a layer (the seed's GoogLeNet gallery), filled as batches finish;
// pending cells are drawn as placeholders, only visible rows are drawn, a click opens the unit in the live view,
// a double-click opens its Unit panel. The keyboard reaches every cell through the tiles over the canvas
// (atlasTiles.ts): Enter does what a click does, Shift+Enter what a double-click does.
import { Announcer } from '../lib/announcer';
import { canvasPng } from '../lib/canvasExport';
import { nameProgressBar, setProgress } from '../lib/progressBar';
import { cellCentre, doubleClickPicturePoint, onUnitDoubleClick, UNIT_PAGE_HINT } from '../lib/unitTiles';
import { cellAt, cellOrigin, layoutAtlas, visibleRows, type AtlasLayout } from './atlasLayout';
import { AtlasTiles } from './atlasTiles';
import { drawRgba, formatValue } from './draw';
import { toRgbaBytes } from './pixels';

interface Cell {
  rgba: Uint8ClampedArray;
  objective: number;
  cached: boolean;
}

export class AtlasView {
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly tiles: AtlasTiles;
  private readonly announcer: Announcer;
  private layerId = '';
  private channels = 0;
  private width = 0;
  private height = 0;
  private cells = new Map<number, Cell>();
  private layout: AtlasLayout | undefined;
  private batchStep = '';

  constructor(
    readonly root: HTMLElement,
    private readonly onOpen: (unit: number) => void,
    onUnitPage: (unit: { layerId: string; unit: number }) => void,
  ) {
    root.innerHTML = `
      <div class="am-progress" id="atlasBar"></div>
      <div id="atlasCaption" class="am-caption">"Visualize Layer" renders every channel of the layer, 8 at a time.</div>
      <div class="body am-atlas"><div id="atlasScroller" class="scroller"><div class="spacer" id="atlasSpacer"></div><canvas id="atlasGrid" class="grid-canvas" aria-hidden="true"></canvas></div></div>`;
    this.scroller = root.querySelector('#atlasScroller')!;
    this.spacer = root.querySelector('#atlasSpacer')!;
    this.canvas = root.querySelector('#atlasGrid')!;
    this.caption = root.querySelector('#atlasCaption')!;
    this.bar = root.querySelector('#atlasBar')!;
    nameProgressBar(this.bar, 'Units rendered');
    this.tiles = new AtlasTiles(this.scroller, (unit, alternate) => (alternate ? onUnitPage({ layerId: this.layerId, unit }) : this.onOpen(unit)), () => {
      const l = this.layout;
      return l ? Math.max(1, Math.floor(this.scroller.clientHeight / (l.cellHeight + l.gap))) : 1;
    });
    this.announcer = new Announcer(root, 'atlasAnnouncer');
    this.scroller.addEventListener('scroll', () => this.draw());
    new ResizeObserver(() => this.relayout()).observe(this.scroller);
    this.canvas.addEventListener('mousemove', (e) => {
      const u = this.unitAt(e);
      this.canvas.title = u === undefined ? '' : this.describe(u);
    });
    this.canvas.addEventListener('click', (e) => {
      // The second click of a double-click: the first already opened the unit here, the dblclick opens its page.
      if (e.detail > 1) return;
      const u = this.unitAt(e);
      if (u === undefined) return;
      this.tiles.roving.setCurrent(u);
      this.onOpen(u);
    });
    onUnitDoubleClick(this.canvas, (e) => {
      const unit = this.unitAt(e);
      return unit === undefined ? undefined : { layerId: this.layerId, unit };
    }, onUnitPage);
  }

  start(layerId: string, channels: number): void {
    this.layerId = layerId;
    this.channels = channels;
    this.cells.clear();
    this.width = 0;
    this.height = 0;
    this.layout = undefined;
    this.batchStep = '';
    this.tiles.reset(layerId, channels, (unit) => this.spoken(unit));
    this.announcer.started(`Rendering the ${channels} units of ${layerId}.`);
    this.updateCaption();
    this.draw();
  }

  addCells(units: number[], images: Uint8ClampedArray[], width: number, height: number, objective: number[], cached: boolean): void {
    if (this.width !== width || this.height !== height) {
      this.width = width;
      this.height = height;
      this.layout = undefined;
    }
    units.forEach((u, i) => {
      const rgba = toRgbaBytes(images[i], width * height * 4);
      if (rgba) this.cells.set(u, { rgba, objective: objective[i] ?? 0, cached });
      this.tiles.label(u, this.spoken(u));
    });
    if (this.cells.size >= this.channels) this.announcer.ended(`${this.layerId}: all ${this.channels} units rendered.`);
    else this.announcer.progress(this.cells.size, this.channels, () => `${this.layerId}: ${this.cells.size} of ${this.channels} units rendered.`);
    this.batchStep = '';
    this.updateCaption();
    if (!this.layout) this.relayout();
    else this.draw();
  }

  batchProgress(step: number, totalSteps: number): void {
    this.batchStep = ` · next batch: step ${step} of ${totalSteps}`;
    this.updateCaption();
  }

  ended(message: string): void {
    this.announcer.ended(`${message} ${this.layerId}: ${this.cells.size} of ${this.channels} units rendered.`);
    this.batchStep = '';
    this.updateCaption(message);
  }

  /** Double-clicks the cell at `index` (cells are in unit order) at its centre, as a user would. */
  openUnitAt(index: number): void {
    if (!this.layout || index < 0 || index >= this.channels) return;
    const at = cellCentre(this.layout, index);
    doubleClickPicturePoint(this.canvas, this.scroller.scrollTop, at.x, at.y);
  }

  get done(): number {
    return this.cells.size;
  }

  private updateCaption(extra = ''): void {
    const fromCache = [...this.cells.values()].filter((c) => c.cached).length;
    this.caption.textContent = this.channels
      ? `${this.layerId}: ${this.cells.size} of ${this.channels} units${fromCache ? ` (${fromCache} from the cache)` : ''}${this.batchStep}${extra ? ` · ${extra}` : ''}`
      : extra;
    setProgress(this.bar, this.channels ? this.cells.size / this.channels : 0);
  }

  relayout(): void {
    if (!this.channels || !this.width) return;
    this.layout = layoutAtlas(this.channels, this.width, this.height, Math.max(100, this.scroller.clientWidth - 16));
    this.spacer.style.height = `${this.layout.height}px`;
    this.spacer.style.width = `${this.layout.width}px`;
    this.tiles.place(this.layout);
    this.draw();
  }

  private draw(): void {
    const l = this.layout;
    if (!l) {
      this.canvas.width = 0;
      this.canvas.height = 0;
      return;
    }
    const viewHeight = Math.min(l.height, Math.max(this.scroller.clientHeight, 1));
    this.canvas.width = Math.max(1, l.width);
    this.canvas.height = Math.max(1, viewHeight);
    this.canvas.style.top = `${this.scroller.scrollTop}px`;
    const { first, last } = visibleRows(l, this.scroller.scrollTop, viewHeight);
    this.drawRows(this.canvas.getContext('2d')!, l, first, last, this.scroller.scrollTop);
  }

  private drawRows(ctx: CanvasRenderingContext2D, l: AtlasLayout, firstRow: number, lastRow: number, offsetY: number): void {
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    const fg = getComputedStyle(document.body).getPropertyValue('--vscode-foreground') || '#ccc';
    ctx.font = '10px sans-serif';
    for (let i = firstRow * l.cols; i < Math.min(this.channels, lastRow * l.cols); i++) {
      const { x, y } = cellOrigin(l, i);
      const top = y - offsetY;
      const cell = this.cells.get(i);
      if (cell) drawRgba(ctx, cell.rgba, this.width, this.height, x, top, l.scale);
      else {
        ctx.fillStyle = 'rgba(128,128,128,0.15)';
        ctx.fillRect(x, top, l.cellWidth, l.cellHeight - l.caption);
      }
      ctx.fillStyle = fg;
      ctx.globalAlpha = cell ? 0.9 : 0.5;
      ctx.fillText(String(i), x + 1, top + l.cellHeight - 3);
      ctx.globalAlpha = 1;
    }
  }

  private unitAt(e: MouseEvent): number | undefined {
    if (!this.layout) return undefined;
    const rect = this.canvas.getBoundingClientRect();
    return cellAt(this.layout, this.channels, e.clientX - rect.left, e.clientY - rect.top + this.scroller.scrollTop);
  }

  private describe(unit: number): string {
    const c = this.cells.get(unit);
    return c ? `unit ${unit}: objective ${formatValue(c.objective)}${c.cached ? ' (cached)' : ''} — click to open; ${UNIT_PAGE_HINT}` : `unit ${unit}: not yet rendered; ${UNIT_PAGE_HINT}`;
  }

  /** A tile's accessible name: what it shows, in words. */
  private spoken(unit: number): string {
    const c = this.cells.get(unit);
    return `${this.layerId} unit ${unit}, ${c ? `objective ${formatValue(c.objective)}${c.cached ? ', from the cache' : ''}` : 'not yet rendered'}`;
  }

  /** The whole grid (all rows, up to maxHeight) in a fresh canvas. */
  private fullCanvas(maxHeight: number): HTMLCanvasElement | undefined {
    const l = this.layout;
    if (!l) return undefined;
    const pitch = l.cellHeight + l.gap;
    const rows = Math.min(l.rows, Math.max(1, Math.floor((maxHeight + l.gap) / pitch)));
    const c = document.createElement('canvas');
    c.width = l.width;
    c.height = rows * pitch - l.gap;
    this.drawRows(c.getContext('2d')!, l, 0, rows, 0);
    return c;
  }

  snapshotCanvas(): { canvas: HTMLCanvasElement; meta: Record<string, number | string> } {
    const l = this.layout;
    const c = this.fullCanvas(4096) ?? this.canvas;
    const meta: Record<string, number | string> = { view: 'atlas', layerId: this.layerId, cells: this.channels, done: this.cells.size, ...this.tiles.meta() };
    if (l) Object.assign(meta, { cols: l.cols, rows: l.rows, cellWidth: l.cellWidth, cellHeight: l.cellHeight, caption: l.caption, gap: l.gap, scale: l.scale, imageWidth: this.width, imageHeight: this.height });
    return { canvas: c, meta };
  }

  async exportPng(): Promise<{ png: Uint8Array; name: string } | undefined> {
    const c = this.fullCanvas(16384);
    return c ? { png: await canvasPng(c), name: `${this.layerId}-atlas` } : undefined;
  }
}
