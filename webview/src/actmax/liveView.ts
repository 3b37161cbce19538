// The single-run view: the image forming live (one unit large, every unit as a thumbnail), the objective curve,
// a strip of frames over the run, and the numbers of the last step.
import type { ActmaxFrame, ActmaxResult } from '../../../src/shared/actmax';
import { canvasPng } from '../lib/canvasExport';
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

  constructor(readonly root: HTMLElement) {
    root.innerHTML = `
      <div class="am-progress" id="amBar"></div>
      <div class="am-live">
        <canvas id="amMain" class="am-main" width="0" height="0"></canvas>
        <div class="am-side">
          <div id="amCaption" class="am-caption">Pick units, an objective and a preset, then Run.</div>
          <canvas id="amCurve" class="am-curve" width="280" height="120"></canvas>
          <div id="amUnits" class="am-units"></div>
          <div class="am-caption">Frames</div>
          <div id="amStrip" class="am-strip"></div>
        </div>
      </div>`;
    this.main = root.querySelector('#amMain')!;
    this.curve = root.querySelector('#amCurve')!;
    this.unitsRow = root.querySelector('#amUnits')!;
    this.strip = root.querySelector('#amStrip')!;
    this.caption = root.querySelector('#amCaption')!;
    this.bar = root.querySelector('#amBar')!;
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
    this.bar.style.width = '0';
  }

  frame(f: ActmaxFrame): void {
    if (!this.shown) return;
    const images = this.decode(f.images, f.width, f.height);
    if (!images) return;
    Object.assign(this.shown, { images, width: f.width, height: f.height, step: f.step, totalSteps: f.totalSteps, objective: f.objective });
    this.history.add(f.step, f.objective);
    this.frames.add(f.step, { rgba: images[this.selected] ?? images[0], width: f.width, height: f.height }, f.step === f.totalSteps);
    this.bar.style.width = `${(100 * f.step) / f.totalSteps}%`;
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
    this.bar.style.width = '100%';
    this.cached = cached ? 1 : 0;
    this.redraw();
    const s = r.settings;
    this.caption.textContent = `${s.layerId} › ${s.units.join(', ')} · ${s.preset} · ${s.param} · ${s.steps} steps · ${s.width}×${s.height}` +
      ` · objective ${objective.map(formatValue).join(', ')} · ${cached ? 'from the cache' : `${r.msPerStep.toFixed(1)} ms/step`}` +
      (this.finalHistory.some(isAllZero) ? ' · a unit never fired, so it got no gradient: try the lucid or maco preset (ReLU redirect) or another seed' : '');
  }

  cancelled(message: string): void {
    this.caption.textContent = `${message}${this.shown && this.shown.step > 0 ? ` (stopped at step ${this.shown.step})` : ''}`;
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
    if (s.images.length > 1) {
      this.unitsRow.replaceChildren(
        ...s.images.map((im, i) => {
          const c = imageCanvas(im, s.width, s.height);
          c.title = `unit ${s.units[i]}: ${formatValue(s.objective[i] ?? 0)}`;
          if (i === this.selected) c.classList.add('selected');
          c.addEventListener('click', () => {
            this.selected = i;
            this.redraw();
          });
          return c;
        }),
      );
    } else {
      this.unitsRow.replaceChildren();
    }
    const { histories, upto } = this.finalHistory
      ? { histories: this.finalHistory, upto: s.totalSteps }
      : this.history.dense(s.totalSteps);
    drawCurve(this.curve, curveGeometry(histories, upto, s.totalSteps, this.curve.width, this.curve.height), this.selected);
    this.strip.replaceChildren(
      ...this.frames.frames.map((f) => {
        const fig = document.createElement('figure');
        fig.append(imageCanvas(f.image.rgba, f.image.width, f.image.height), document.createTextNode(String(f.step)));
        return fig;
      }),
    );
    if (this.shown && !this.finalHistory) this.caption.textContent = `${s.layerId} › unit ${s.units[this.selected]} · step ${s.step} of ${s.totalSteps} · objective ${formatValue(s.objective[this.selected] ?? 0)}`;
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
