// The Explain section's method settings beside the target: the layer the Grad-CAM family weights (the last
// spatial layer before pooling unless picked), the passes of the costly methods (IG steps, SmoothGrad samples),
// and occlusion's window side and stride in input pixels (the core's 16 and 8 when blank).
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { AttributionMethod, AttributionOptions } from '../../../../src/shared/attribution';
import type { FeatureMapsOpenResult } from '../../../../src/shared/featureMapsProtocol';
import { select, setChoices } from '../../lib/controls';

const CAM_METHODS: readonly AttributionMethod[] = ['gradcam', 'gradcampp', 'guided-gradcam'];
/** The panel's bound on passes; the engine accepts up to 1024. */
const MAX_PASSES = 512;

export class MethodOptions {
  readonly root = document.createElement('div');
  private readonly camControl: HTMLElement;
  private readonly camSelect: HTMLElement & { value: string };
  private readonly passes = numberField('explainPasses');
  private readonly window = numberField('explainWindow');
  private readonly stride = numberField('explainStride');
  /** The input's smaller side: no occlusion window or stride is larger. */
  private inputSide = 0;

  constructor(onChange: () => void) {
    this.root.className = 'fm-explain-options';
    this.camControl = select('explainCamLayer', 'CAM layer', [{ value: '', label: 'Default' }], '', () => onChange());
    this.camSelect = this.camControl.querySelector('vscode-single-select') as HTMLElement & { value: string };
    this.camControl.title = "Grad-CAM's layer. Default: the last spatial layer before pooling for a class; a unit's own layer for a unit";
    for (const f of [this.passes, this.window, this.stride]) f.addEventListener('change', () => onChange());
    this.root.append(
      this.camControl,
      labelled('Passes ', this.passes, 'Integrated Gradients steps, SmoothGrad samples'),
      labelled('Window ', this.window, 'Occlusion: the side of the square blacked out, in input pixels (default 16)'),
      labelled('Stride ', this.stride, 'Occlusion: pixels between one window and the next (default 8)'),
    );
  }

  setSummary(summary: FeatureMapsOpenResult): void {
    const spatial = summary.layers.filter((l) => l.shape.length === 4 && l.height > 1 && l.width > 1);
    setChoices(this.camSelect, [{ value: '', label: 'Default' }, ...spatial.map((l) => ({ value: l.id, label: l.id }))], '');
    this.passes.value = '';
    this.inputSide = Math.min(summary.input.width, summary.input.height);
  }

  /** Types occlusion's window and stride as a user would (undefined leaves the field blank: the default). */
  pickOcclusion(window: number | undefined, stride: number | undefined): void {
    this.window.value = window === undefined ? '' : String(window);
    this.stride.value = stride === undefined ? '' : String(stride);
  }

  /** Picks the CAM layer as a user would in its select ('' for the default). */
  pickCamLayer(layerId: string): void {
    this.camSelect.value = layerId;
  }

  /** The settings `method` takes from these controls, or a sentence that says what to fix. */
  read(method: AttributionMethod): Partial<AttributionOptions> | string {
    const options: Partial<AttributionOptions> = {};
    if (CAM_METHODS.includes(method) && this.camSelect.value) options.camLayerId = this.camSelect.value;
    const text = this.passes.value.trim();
    if (text && (method === 'ig' || method === 'smoothgrad')) {
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < 1 || n > MAX_PASSES) return `Passes must be a whole number from 1 to ${MAX_PASSES}.`;
      if (method === 'ig') options.steps = n;
      else options.samples = n;
    }
    if (method === 'occlusion') {
      for (const [field, key, what] of [[this.window, 'window', 'The occlusion window'], [this.stride, 'stride', 'The occlusion stride']] as const) {
        const t = field.value.trim();
        if (!t) continue;
        const n = Number(t);
        if (!/^\d+$/.test(t) || n < 1 || n > this.inputSide) return `${what} must be a whole number of pixels from 1 to ${this.inputSide} (the input's side).`;
        options[key] = n;
      }
    }
    return options;
  }
}

type NumberField = HTMLElement & { value: string; placeholder: string };

function numberField(id: string): NumberField {
  const f = document.createElement('vscode-textfield') as NumberField;
  f.id = id;
  f.className = 'fm-explain-field';
  f.placeholder = 'default';
  return f;
}

function labelled(text: string, field: HTMLElement, title: string): HTMLElement {
  const label = document.createElement('label');
  label.className = 'control';
  label.title = title;
  label.append(text, field);
  return label;
}
