// One of the Explain section's two side-by-side maps: its method, the overlay, the colour bar with the value
// range, a caption (target, layer, passes, time, IG's completeness gap), progress with Cancel for the costly
// methods, and Export PNG. The section owns the target and the colormap; a slot owns one request at a time.
import {
  ATTRIBUTION_METHOD_NAMES,
  COSTLY_ATTRIBUTION_METHODS,
  type AttributionMap,
  type AttributionMethod,
  type AttributionProgress,
} from '../../../../src/shared/attribution';
import type { ColormapName, ValueRange } from '../../../../src/shared/colormap';
import { button, select, setSelected, type Choice } from '../../lib/controls';
import { composeForExport, drawColourBar, drawOverlay, formatValue } from './overlay';

export const METHOD_LABELS = ATTRIBUTION_METHOD_NAMES;

export type SlotStatus = 'empty' | 'running' | 'done' | 'error' | 'cancelled';

export interface SlotCallbacks {
  onRun(): void;
  onCancel(): void;
  onExport(canvas: HTMLCanvasElement, method: AttributionMethod): void;
}

export class ExplainSlotView {
  readonly root = document.createElement('div');
  readonly canvas = document.createElement('canvas');
  private readonly bar = document.createElement('canvas');
  private readonly rangeText = document.createElement('div');
  private readonly caption = document.createElement('p');
  private readonly progressLine = document.createElement('p');
  private readonly methodControl: HTMLElement;
  private readonly cancelButton: HTMLElement;
  private readonly exportButton: HTMLElement;
  private methodValue: AttributionMethod | 'none';
  status: SlotStatus = 'empty';
  requestId = 0;
  map: AttributionMap | undefined;
  range: ValueRange | undefined;
  cached = false;
  message = '';

  constructor(
    readonly slot: 0 | 1,
    method: AttributionMethod | 'none',
    private readonly callbacks: SlotCallbacks,
  ) {
    this.methodValue = method;
    this.root.className = 'fm-explain-slot';
    const choices: Choice[] = Object.entries(METHOD_LABELS).map(([value, label]) => ({ value, label }));
    if (slot === 1) choices.unshift({ value: 'none', label: 'None' });
    this.methodControl = select(`explainMethod${slot}`, slot === 0 ? 'Method' : 'Beside', choices, method, (v) => {
      this.methodValue = v as AttributionMethod | 'none';
      this.callbacks.onRun();
    });
    this.canvas.id = `explainCanvas${slot}`;
    this.canvas.className = 'fm-explain-canvas';
    this.bar.className = 'fm-explain-bar';
    this.rangeText.className = 'fm-explain-range';
    this.caption.className = 'fm-caption';
    this.progressLine.className = 'fm-caption';
    this.cancelButton = button(`explainCancel${slot}`, 'Cancel', () => this.callbacks.onCancel(), true);
    this.exportButton = button(`explainExport${slot}`, 'Export PNG', () => this.exportPng(), true);
    this.root.append(this.methodControl, this.canvas, this.bar, this.rangeText, this.caption, this.progressLine, this.cancelButton, this.exportButton);
    this.reset();
  }

  /** The progress line as shown ("Integrated Gradients: 12 of 32 passes…"). */
  get progressText(): string {
    return this.progressLine.textContent ?? '';
  }

  get method(): AttributionMethod | 'none' {
    return this.methodValue;
  }

  setMethod(method: AttributionMethod | 'none'): void {
    this.methodValue = method;
    setSelected(this.methodControl, method);
  }

  /** No map: a new image, or the slot turned off. */
  reset(): void {
    this.status = 'empty';
    this.map = undefined;
    this.range = undefined;
    this.message = '';
    display(this.canvas, false);
    display(this.bar, false);
    this.rangeText.textContent = '';
    this.caption.textContent = '';
    this.progressLine.textContent = '';
    display(this.cancelButton, false);
    display(this.exportButton, false);
  }

  started(requestId: number): void {
    this.requestId = requestId;
    this.status = 'running';
    this.message = '';
    const method = this.methodValue as AttributionMethod;
    this.progressLine.textContent = `Computing ${METHOD_LABELS[method]}…`;
    // Only the costly methods take long enough for a Cancel button to be worth showing.
    display(this.cancelButton, COSTLY_ATTRIBUTION_METHODS.includes(method));
  }

  progress(p: AttributionProgress): void {
    if (this.status !== 'running') return;
    const method = METHOD_LABELS[this.methodValue as AttributionMethod] ?? '';
    this.progressLine.textContent = `${method}: ${p.done} of ${p.total} passes${p.message ? ` (${p.message})` : ''}…`;
  }

  failed(message: string, cancelled: boolean): void {
    this.status = cancelled ? 'cancelled' : 'error';
    this.message = message;
    this.progressLine.textContent = cancelled ? 'Cancelled.' : message;
    display(this.cancelButton, false);
  }

  shown(map: AttributionMap, cached: boolean, input: { width: number; height: number; rgba: Uint8ClampedArray }, colormap: ColormapName, opacity: number): void {
    this.status = 'done';
    this.map = map;
    this.cached = cached;
    display(this.cancelButton, false);
    this.progressLine.textContent = '';
    const gap = map.completeness ? ` · completeness gap ${(map.completeness.gap * 100).toFixed(2)} %` : '';
    const layer = map.camLayerId ? ` · at ${map.camLayerId}` : '';
    const cost = cached ? 'kept from before' : `${map.passes} pass${map.passes === 1 ? '' : 'es'}, ${map.ms.toFixed(0)} ms`;
    this.caption.textContent = `${METHOD_LABELS[map.method]} for ${map.targetLabel}${layer} · ${cost}${gap}`;
    this.redraw(input, colormap, opacity);
    // Grad-CAM keeps only what raises the score (ReLU): for an unlikely class that can be nothing at all.
    if (this.range && this.range.min === this.range.max) this.caption.textContent += ` · the same value (${formatValue(this.range.min)}) everywhere`;
  }

  redraw(input: { width: number; height: number; rgba: Uint8ClampedArray }, colormap: ColormapName, opacity: number): void {
    if (!this.map) return;
    this.range = drawOverlay(this.canvas, input, this.map, colormap, opacity);
    drawColourBar(this.bar, colormap);
    this.colormap = colormap;
    this.rangeText.replaceChildren(span(formatValue(this.range.min)), span(formatValue(this.range.max)));
    display(this.canvas, true);
    display(this.bar, true);
    display(this.exportButton, true);
  }

  private colormap: ColormapName = 'inferno';

  private exportPng(): void {
    if (!this.map || !this.range) return;
    this.callbacks.onExport(composeForExport(this.canvas, this.colormap, this.range, this.caption.textContent ?? ''), this.map.method);
  }
}

function span(text: string): HTMLElement {
  const s = document.createElement('span');
  s.textContent = text;
  return s;
}

/** style.display, not `hidden`: a control's own display rule would win over the attribute. */
function display(el: HTMLElement, visible: boolean): void {
  el.style.display = visible ? '' : 'none';
}
