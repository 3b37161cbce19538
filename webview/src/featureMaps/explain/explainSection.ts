// The Feature Maps panel's Explain section: which pixels made the model score a target. A target picker,
// a colormap and an opacity shared by two maps side by side (each its own method), Explain, and the host's
// answers (progress, map, failure) routed to their slot by request id, so a late answer to a replaced request
// is dropped. The host runs and keeps the maps; this section only asks and draws.
import type { AttributionMethod, AttributionOptions, AttributionProgress, AttributionMap } from '../../../../src/shared/attribution';
import { COLORMAP_NAMES, type ColormapName } from '../../../../src/shared/colormap';
import type { ExplainSlot, ExplainTestAction, FeatureMapsFromWebview, FeatureMapsOpenResult } from '../../../../src/shared/featureMapsProtocol';
import { button, select, setSelected } from '../../lib/controls';
import { ExplainSlotView, type SlotStatus } from './explainSlot';
import { MethodOptions } from './methodOptions';
import { TargetPicker } from './targetPicker';
import './explain.css';

export interface ExplainSectionDeps {
  post(msg: FeatureMapsFromWebview): void;
  exportPng(canvas: HTMLCanvasElement, what: string): void;
}

export class ExplainSection {
  private readonly target: TargetPicker;
  private readonly methodOptions = new MethodOptions(() => undefined);
  private readonly slots: [ExplainSlotView, ExplainSlotView];
  private readonly error = document.createElement('p');
  private readonly pair: HTMLElement;
  private readonly slider = document.createElement('input');
  private readonly colormapControl: HTMLElement;
  private colormap: ColormapName = 'inferno';
  private opacity = 0.6;
  private summary: FeatureMapsOpenResult | undefined;
  private nextRequestId = 1;
  /** Options a test added to the next request of a slot (more IG steps, so there is time to cancel). */
  private extra: Partial<AttributionOptions> = {};

  constructor(
    private readonly root: HTMLElement,
    private readonly deps: ExplainSectionDeps,
  ) {
    this.target = new TargetPicker(() => undefined);
    const slotCallbacks = (slot: ExplainSlot) => ({
      onRun: () => this.runSlot(slot),
      onCancel: () => this.cancel(slot),
      onExport: (c: HTMLCanvasElement, method: AttributionMethod) => this.deps.exportPng(c, `explain-${method}`),
    });
    this.slots = [new ExplainSlotView(0, 'gradcam', slotCallbacks(0)), new ExplainSlotView(1, 'saliency', slotCallbacks(1))];
    this.colormapControl = select('explainColormap', 'Colormap', COLORMAP_NAMES.map((c) => ({ value: c, label: c === 'rdbu' ? 'RdBu' : c[0]!.toUpperCase() + c.slice(1) })), this.colormap, (v) => {
      this.colormap = v as ColormapName;
      this.redraw();
    });
    this.slider.type = 'range';
    this.slider.id = 'explainOpacity';
    this.slider.min = '0';
    this.slider.max = '100';
    this.slider.value = String(Math.round(this.opacity * 100));
    this.slider.addEventListener('input', () => {
      this.opacity = Number(this.slider.value) / 100;
      this.redraw();
    });
    const sliderLabel = document.createElement('label');
    sliderLabel.className = 'control';
    sliderLabel.append('Opacity ', this.slider);
    const title = document.createElement('h3');
    title.textContent = 'Explain';
    this.error.className = 'fm-caption fm-explain-error';
    const pair = (this.pair = document.createElement('div'));
    pair.className = 'fm-explain-pair';
    pair.append(this.slots[0].root, this.slots[1].root);
    this.root.replaceChildren(title, this.target.root, this.methodOptions.root, this.colormapControl, sliderLabel, button('explainRun', 'Explain', () => this.runAll()), this.error, pair);
    this.root.hidden = true;
  }

  /** A new image's pass: its targets, and no map of the previous image. */
  setSummary(summary: FeatureMapsOpenResult): void {
    this.summary = summary;
    this.target.setSummary(summary);
    this.methodOptions.setSummary(summary);
    for (const s of this.slots) s.reset();
    this.error.textContent = '';
    this.root.hidden = false;
  }

  clear(): void {
    this.summary = undefined;
    for (const s of this.slots) s.reset();
    this.root.hidden = true;
  }

  /** A click on a top-5 row: explain that class with both slots' methods. */
  explainClass(classIndex: number): void {
    this.target.pickClass(classIndex);
    this.runAll();
  }

  progress(slot: ExplainSlot, requestId: number, p: AttributionProgress): void {
    const view = this.slots[slot];
    if (view?.requestId === requestId) view.progress(p);
  }

  result(slot: ExplainSlot, requestId: number, map: AttributionMap, cached: boolean): void {
    const view = this.slots[slot];
    if (!view || view.requestId !== requestId || !this.summary) return;
    view.shown(map, cached, this.summary.input, this.colormap, this.opacity);
  }

  failed(slot: ExplainSlot, requestId: number, message: string, cancelled: boolean): void {
    const view = this.slots[slot];
    if (view?.requestId === requestId) view.failed(message, cancelled);
  }

  /** Tests only: the same steps a user takes with the controls. */
  test(action: ExplainTestAction): void {
    if (action.kind === 'clickPrediction') {
      (document.querySelectorAll('#predictions li')[action.rank] as HTMLElement | undefined)?.click();
      return;
    }
    if (action.kind === 'cancel' || action.kind === 'export') {
      (document.getElementById(`explain${action.kind === 'cancel' ? 'Cancel' : 'Export'}${action.slot}`) as HTMLElement | null)?.click();
      return;
    }
    const { method, target, camLayerId, window: occlusionWindow, stride, ...extra } = action.options;
    this.methodOptions.pickCamLayer(camLayerId ?? '');
    this.methodOptions.pickOcclusion(occlusionWindow, stride);
    if (target.kind === 'class') {
      this.target.pickClass(target.classIndex);
      this.target.pickScore(target.score ?? 'logit');
    } else this.target.pickUnit(target.layerId, target.channel, target.y, target.x);
    this.slots[action.slot].setMethod(method);
    this.extra = extra;
    this.runSlot(action.slot);
    this.extra = {};
  }

  /** The two overlays side by side, and what each shows, for the tests. */
  snapshot(): { canvas: HTMLCanvasElement; meta: Record<string, number | string> } {
    const [a, b] = this.slots;
    const c = document.createElement('canvas');
    c.width = (a.map ? a.canvas.width : 0) + (b.map ? b.canvas.width : 0);
    c.height = Math.max(a.map ? a.canvas.height : 0, b.map ? b.canvas.height : 0);
    const ctx = c.getContext('2d');
    if (ctx && a.map) ctx.drawImage(a.canvas, 0, 0);
    if (ctx && b.map) ctx.drawImage(b.canvas, a.map ? a.canvas.width : 0, 0);
    const meta: Record<string, number | string> = {
      colormap: this.colormap,
      opacity: this.opacity,
      error: this.error.textContent ?? '',
      shown: this.root.hidden ? 0 : 1,
    };
    for (const s of this.slots) Object.assign(meta, slotMeta(s));
    return { canvas: c, meta };
  }

  private runAll(): void {
    this.runSlot(0);
    this.runSlot(1);
  }

  private runSlot(slot: ExplainSlot): void {
    const view = this.slots[slot];
    if (!this.summary) return;
    if (view.method === 'none') {
      if (view.status === 'running') this.cancel(slot);
      view.reset();
      return;
    }
    const target = this.target.read();
    if (typeof target === 'string') {
      this.error.textContent = target;
      return;
    }
    const settings = this.methodOptions.read(view.method);
    if (typeof settings === 'string') {
      this.error.textContent = settings;
      return;
    }
    this.error.textContent = '';
    const requestId = this.nextRequestId++;
    view.started(requestId);
    // The side column scrolls: bring the maps being computed into view.
    this.pair.scrollIntoView({ block: 'nearest' });
    this.deps.post({ type: 'explain', slot, requestId, options: { ...settings, ...this.extra, method: view.method, target } });
  }

  private cancel(slot: ExplainSlot): void {
    this.deps.post({ type: 'cancelExplain', slot });
  }

  private redraw(): void {
    if (!this.summary) return;
    for (const s of this.slots) s.redraw(this.summary.input, this.colormap, this.opacity);
    setSelected(this.colormapControl, this.colormap);
  }
}

function slotMeta(s: ExplainSlotView): Record<string, number | string> {
  const i = s.slot;
  const status: SlotStatus = s.status;
  const meta: Record<string, number | string> = { [`status${i}`]: status, [`method${i}`]: s.method, [`message${i}`]: s.message, [`progress${i}`]: s.progressText };
  if (!s.map || !s.range) return meta;
  let sum = 0;
  for (const v of s.map.data) sum += v;
  return {
    ...meta,
    [`mapMethod${i}`]: s.map.method,
    [`target${i}`]: s.map.targetLabel,
    [`camLayer${i}`]: s.map.camLayerId ?? '',
    [`mapWidth${i}`]: s.map.width,
    [`mapHeight${i}`]: s.map.height,
    [`canvasWidth${i}`]: s.canvas.width,
    [`canvasHeight${i}`]: s.canvas.height,
    [`min${i}`]: s.range.min,
    [`max${i}`]: s.range.max,
    [`sum${i}`]: sum,
    [`cached${i}`]: s.cached ? 1 : 0,
  };
}
