// The single-run view: the image forming live (one unit large, every unit as a thumbnail), the objective curve,
// a strip of frames over the run, and the numbers of the last step. The thumbnails are a list the keyboard moves
// through (Enter or Space shows that unit large); they are redrawn in place at every frame, so the focus stays.
import type { ActmaxFrame, ActmaxResult } from '../../../src/shared/actmax';
import { Announcer } from '../lib/announcer';
import { canvasPng } from '../lib/canvasExport';
import { nameProgressBar, setProgress } from '../lib/progressBar';
import { RovingTiles } from '../lib/rovingTiles';
import { curveGeometry, LiveHistory } from './curve';
import { drawCurve, formatValue, imageCanvas } from './draw';
import { FrameStrip } from './frameStrip';
import { tileHorizontally, toRgbaBytes } from './pixels';

interface Shown {
  layerId: string;
  units: number[];
  images: Uint8ClampedArray[];
  width: number;
  height: number;
  step: number;
  totalSteps: number;
  objective: number[];
}

export class LiveView {
  private readonly main: HTMLCanvasElement;
  private readonly curve: HTMLCanvasElement;
  private readonly unitsRow: HTMLElement;
  private readonly strip: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly bar: HTMLElement;
  private shown: Shown | undefined;
  private selected = 0;
  /** 1 when the last result came from the cache, 0 when computed, -1 while running. */
  private cached = -1;
  private history = new LiveHistory();
  private finalHistory: Float32Array[] | undefined;
  private frames = new FrameStrip<{ rgba: Uint8ClampedArray; width: number; height: number }>(12);
  private readonly unitTiles: RovingTiles;
  private readonly announcer: Announcer;

  constructor(readonly root: HTMLElement) {
    root.innerHTML = `
      <div class="am-progress" id="amBar"></div>
      <div class="am-live">
        <canvas id="amMain" class="am-main" width="0" height="0" role="img" aria-label="No picture yet"></canvas>
        <div class="am-side">
          <div id="amCaption" class="am-caption" tabindex="-1">Pick units, an objective and a preset, then Run.</div>
          <canvas id="amCurve" class="am-curve" width="280" height="120" role="img" aria-label="The objective at each step, one line per unit"></canvas>
          <div id="amUnits" class="am-units" role="listbox" aria-label="Units: Enter shows one large"></div>
          <div class="am-caption" id="amFramesTitle">Frames</div>
          <div id="amStrip" class="am-strip" role="group" aria-labelledby="amFramesTitle"></div>
        </div>
      </div>`;
    this.main = root.querySelector('#amMain')!;
    this.curve = root.querySelector('#amCurve')!;
    this.unitsRow = root.querySelector('#amUnits')!;
    this.strip = root.querySelector('#amStrip')!;
    this.caption = root.querySelector('#amCaption')!;
    this.bar = root.querySelector('#amBar')!;
    nameProgressBar(this.bar, 'Optimization progress');
    this.unitTiles = new RovingTiles(this.unitsRow, {
      count: () => this.unitsRow.children.length,
      cols: () => tilesInFirstRow(this.unitsRow),
      tile: (i) => this.unitsRow.children[i] as HTMLElement | undefined,
      activate: (i) => this.select(i),
    });
    this.announcer = new Announcer(root, 'amAnnouncer');
  }

  /** Moves the keyboard focus to the run's caption (the run a user started from elsewhere, e.g. an atlas tile). */
  focus(): void {
    this.caption.focus();
  }

  get hasImage(): boolean {
    return this.shown !== undefined;
  }

  start(layerId: string, units: number[], totalSteps: number): void {
    this.shown = { layerId, units, images: [], width: 0, height: 0, step: 0, totalSteps, objective: [] };
    this.selected = Math.min(this.selected, units.length - 1);
    if (this.selected < 0) this.selected = 0;
    this.history.reset(units.length);
    this.finalHistory = undefined;
    this.cached = -1;
    this.frames.clear();
    this.strip.replaceChildren();
    this.caption.textContent = `Optimizing ${layerId} › ${units.join(', ')}…`;
    setProgress(this.bar, 0);
    this.announcer.started(`Optimizing ${layerId} ${units.length === 1 ? 'unit' : 'units'} ${units.join(', ')}: ${totalSteps} steps.`);
  }

  frame(f: ActmaxFrame): void {
    if (!this.shown) return;
    const images = this.decode(f.images, f.width, f.height);
    if (!images) return;
    Object.assign(this.shown, { images, width: f.width, height: f.height, step: f.step, totalSteps: f.totalSteps, objective: f.objective });
    this.history.add(f.step, f.objective);
    this.frames.add(f.step, { rgba: images[this.selected] ?? images[0], width: f.width, height: f.height }, f.step === f.totalSteps);
    setProgress(this.bar, f.step / f.totalSteps);
    this.announcer.progress(f.step, f.totalSteps, () => `Step ${f.step} of ${f.totalSteps}.`);
    this.redraw();
  }

  result(r: ActmaxResult, cached: boolean): void {
    if (!this.shown) this.start(r.settings.layerId, r.settings.units, r.settings.steps);
    const images = this.decode(r.images, r.width, r.height);
    if (!images || !this.shown) return;
    const objective = r.objectiveHistory.map((h) => h[h.length - 1] ?? 0);
    Object.assign(this.shown, { images, width: r.width, height: r.height, step: r.settings.steps, totalSteps: r.settings.steps, objective });
    this.finalHistory = r.objectiveHistory.map((h) => (h instanceof Float32Array ? h : Float32Array.from(Object.values(h as object) as number[])));
    if (this.frames.frames.length === 0 || this.frames.frames[this.frames.frames.length - 1].step !== r.settings.steps) {
      this.frames.add(r.settings.steps, { rgba: images[this.selected] ?? images[0], width: r.width, height: r.height }, true);
    }
    setProgress(this.bar, 1);
    this.cached = cached ? 1 : 0;
    this.redraw();
    const s = r.settings;
    this.caption.textContent = `${s.layerId} › ${s.units.join(', ')} · ${s.preset} · ${s.param} · ${s.steps} steps · ${s.width}×${s.height}` +
      ` · objective ${objective.map(formatValue).join(', ')} · ${cached ? 'from the cache' : `${r.msPerStep.toFixed(1)} ms/step`}` +
      (this.finalHistory.some(isAllZero) ? ' · a unit never fired, so it got no gradient: try the lucid or maco preset (ReLU redirect) or another seed' : '');
    this.announcer.ended(`Done: ${s.layerId} ${s.units.length === 1 ? 'unit' : 'units'} ${s.units.join(', ')}, objective ${objective.map(formatValue).join(', ')}${cached ? ', from the cache' : ''}.`);
  }

  cancelled(message: string): void {
    this.caption.textContent = `${message}${this.shown && this.shown.step > 0 ? ` (stopped at step ${this.shown.step})` : ''}`;
    this.announcer.ended(this.caption.textContent);
  }

  private select(index: number): void {
    this.selected = index;
    this.unitTiles.setCurrent(index);
    this.redraw();
  }

  private decode(images: Uint8ClampedArray[], width: number, height: number): Uint8ClampedArray[] | undefined {
    const out = images.map((img) => toRgbaBytes(img, width * height * 4));
    return out.every((x): x is Uint8ClampedArray => x !== undefined) ? out : undefined;
  }

  private redraw(): void {
    const s = this.shown;
    if (!s || s.images.length === 0) return;
    const img = s.images[this.selected] ?? s.images[0];
    this.main.width = s.width;
    this.main.height = s.height;
    this.main.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(img), s.width, s.height), 0, 0);
    this.main.title = `unit ${s.units[this.selected]} · step ${s.step}/${s.totalSteps}`;
    this.main.setAttribute('aria-label', `${s.layerId} unit ${s.units[this.selected]} at step ${s.step} of ${s.totalSteps}`);
    this.drawUnitTiles(s);
    const { histories, upto } = this.finalHistory
      ? { histories: this.finalHistory, upto: s.totalSteps }
      : this.history.dense(s.totalSteps);
    drawCurve(this.curve, curveGeometry(histories, upto, s.totalSteps, this.curve.width, this.curve.height), this.selected);
    this.strip.replaceChildren(
      ...this.frames.frames.map((f) => {
        const fig = document.createElement('figure');
        const c = imageCanvas(f.image.rgba, f.image.width, f.image.height);
        c.setAttribute('role', 'img');
        c.setAttribute('aria-label', `unit ${s.units[this.selected]} at step ${f.step}`);
        fig.append(c, document.createTextNode(String(f.step)));
        return fig;
      }),
    );
    if (this.shown && !this.finalHistory) this.caption.textContent = `${s.layerId} › unit ${s.units[this.selected]} · step ${s.step} of ${s.totalSteps} · objective ${formatValue(s.objective[this.selected] ?? 0)}`;
  }

  /**
   * One thumbnail per unit when there are several: the canvases are kept while their number is, and drawn again,
   * so a thumbnail with the keyboard focus keeps it from frame to frame.
   */
  private drawUnitTiles(s: Shown): void {
    if (s.images.length < 2) {
      this.unitsRow.replaceChildren();
      return;
    }
    if (this.unitsRow.children.length !== s.images.length) {
      this.unitsRow.replaceChildren(
        ...s.images.map((_, i) => {
          const c = document.createElement('canvas');
          c.setAttribute('role', 'option');
          c.tabIndex = -1;
          c.dataset.index = String(i);
          c.addEventListener('click', () => this.select(i));
          return c;
        }),
      );
    }
    s.images.forEach((im, i) => {
      const c = this.unitsRow.children[i] as HTMLCanvasElement;
      c.width = s.width;
      c.height = s.height;
      if (s.width > 0 && s.height > 0) c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(im), s.width, s.height), 0, 0);
      const value = formatValue(s.objective[i] ?? 0);
      c.title = `unit ${s.units[i]}: ${value}`;
      c.setAttribute('aria-label', `${s.layerId} unit ${s.units[i]}, objective ${value}`);
      c.setAttribute('aria-selected', String(i === this.selected));
      c.classList.toggle('selected', i === this.selected);
    });
    this.unitTiles.setCurrent(this.selected);
  }

  /** The main canvas and its facts, for the test API. */
  snapshotCanvas(): { canvas: HTMLCanvasElement; meta: Record<string, number | string> } {
    const s = this.shown;
    const meta: Record<string, number | string> = s && s.images.length > 0
      ? { view: 'single', layerId: s.layerId, unit: s.units[this.selected], units: s.units.join(','), step: s.step, totalSteps: s.totalSteps, width: s.width, height: s.height, objective: s.objective[this.selected] ?? 0, stripFrames: this.frames.frames.length, cached: this.cached }
      : { view: 'single' };
    return { canvas: this.main, meta };
  }

  /** Every unit's image side by side at its own size (one unit: just its image), as PNG. */
  async exportPng(): Promise<{ png: Uint8Array; name: string } | undefined> {
    const s = this.shown;
    if (!s || s.images.length === 0) return undefined;
    const tiled = tileHorizontally(s.images, s.width, s.height, 2);
    const png = await canvasPng(imageCanvas(tiled.rgba, tiled.width, tiled.height));
    return { png, name: `${s.layerId}-unit${s.units.join('_')}-step${s.step}` };
  }
}

function isAllZero(h: Float32Array): boolean {
  return h.length > 0 && h.every((v) => v === 0);
}

/** Tiles in the first row of a wrapping row of tiles (those level with the first). */
function tilesInFirstRow(row: HTMLElement): number {
  const tiles = Array.from(row.children) as HTMLElement[];
  const top = tiles[0]?.offsetTop;
  return Math.max(1, tiles.filter((t) => t.offsetTop === top).length);
}
