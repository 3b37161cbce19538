// The Explain section's method settings beside the target: the layer the Grad-CAM family weights (the last
// spatial layer before pooling unless picked), and the passes of the costly methods (IG steps, SmoothGrad samples).
// Occlusion keeps the core's window and stride.
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
  private readonly passes = document.createElement('vscode-textfield') as HTMLElement & { value: string; placeholder: string };

  constructor(onChange: () => void) {
    this.root.className = 'fm-explain-options';
    this.camControl = select('explainCamLayer', 'CAM layer', [{ value: '', label: 'Last before pooling' }], '', () => onChange());
    this.camSelect = this.camControl.querySelector('vscode-single-select') as HTMLElement & { value: string };
    this.passes.id = 'explainPasses';
    this.passes.className = 'fm-explain-field';
    this.passes.placeholder = 'default';
    this.passes.addEventListener('change', () => onChange());
    const passesLabel = document.createElement('label');
    passesLabel.className = 'control';
    passesLabel.title = 'Integrated Gradients steps, SmoothGrad samples';
    passesLabel.append('Passes ', this.passes);
    this.root.append(this.camControl, passesLabel);
  }

  setSummary(summary: FeatureMapsOpenResult): void {
    const spatial = summary.layers.filter((l) => l.shape.length === 4 && l.height > 1 && l.width > 1);
    setChoices(this.camSelect, [{ value: '', label: 'Last before pooling' }, ...spatial.map((l) => ({ value: l.id, label: l.id }))], '');
    this.passes.value = '';
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
    return options;
  }
}
