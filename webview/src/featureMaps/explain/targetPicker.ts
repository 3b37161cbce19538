// What the Explain section explains: one of the top-5 classes, a class by index (or by a top-5 label), or a
// unit of any layer (a channel's mean over its map, or one neuron at row y, column x of it). Reads its controls into an AttributionTarget, or a
// sentence that says what to fix.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { AttributionTarget } from '../../../../src/shared/attribution';
import type { FeatureMapsOpenResult } from '../../../../src/shared/featureMapsProtocol';
import { select, setChoices, setSelected, type Choice } from '../../lib/controls';

type TextField = HTMLElement & { value: string; placeholder: string };

/** `name`: what a screen reader calls the field (it sits in no <label>). */
function textField(id: string, placeholder: string, name: string): TextField {
  const f = document.createElement('vscode-textfield') as TextField & { label: string };
  f.id = id;
  f.placeholder = placeholder;
  f.label = name;
  f.className = 'fm-explain-field';
  return f;
}

export class TargetPicker {
  readonly root = document.createElement('div');
  private readonly kindControl: HTMLElement;
  private readonly kindSelect: HTMLElement & { value: string };
  private readonly scoreControl: HTMLElement;
  private readonly classField = textField('explainClass', 'class # or label', 'Class to explain');
  private readonly layerControl: HTMLElement;
  private readonly layerSelect: HTMLElement & { value: string };
  private readonly unitField = textField('explainUnit', 'unit #', 'Unit to explain');
  /** A neuron's row and column in the layer's map; both blank for the channel mean. */
  private readonly yField = textField('explainNeuronY', 'y (blank: mean)', 'Neuron row y');
  private readonly xField = textField('explainNeuronX', 'x (blank: mean)', 'Neuron column x');
  private summary: FeatureMapsOpenResult | undefined;
  private score: 'logit' | 'probability' = 'logit';

  constructor(onChange: () => void) {
    this.root.className = 'fm-explain-target';
    this.kindControl = select('explainTarget', 'Explain', [], '', () => {
      this.showFields();
      onChange();
    });
    this.kindSelect = this.kindControl.querySelector('vscode-single-select') as HTMLElement & { value: string };
    this.scoreControl = select('explainScore', 'Score', [
      { value: 'logit', label: 'Logit' },
      { value: 'probability', label: 'Probability' },
    ], 'logit', (v) => {
      this.score = v as 'logit' | 'probability';
      onChange();
    });
    this.layerControl = select('explainLayer', 'Layer', [], '', () => onChange());
    this.layerSelect = this.layerControl.querySelector('vscode-single-select') as HTMLElement & { value: string };
    for (const f of [this.classField, this.unitField, this.yField, this.xField]) f.addEventListener('change', () => onChange());
    this.yField.title = 'Row of one neuron in the unit\'s map; leave y and x blank to explain the whole channel';
    this.xField.title = 'Column of one neuron in the unit\'s map; leave y and x blank to explain the whole channel';
    this.root.append(this.kindControl, this.classField, this.layerControl, this.unitField, this.yField, this.xField, this.scoreControl);
    this.showFields();
  }

  setSummary(summary: FeatureMapsOpenResult): void {
    this.summary = summary;
    const choices: Choice[] = summary.predictions.map((p, rank) => ({
      value: `top:${p.classIndex}`,
      label: `#${rank + 1}: ${p.label} (${(p.probability * 100).toFixed(1)} %)`,
    }));
    choices.push({ value: 'index', label: 'A class by number or label…' }, { value: 'unit', label: 'A unit of a layer…' });
    setChoices(this.kindSelect, choices, choices[0]!.value);
    const spatial = summary.layers.filter((l) => l.channels > 0);
    setChoices(this.layerSelect, spatial.map((l) => ({ value: l.id, label: l.id })), spatial[spatial.length - 1]?.id ?? '');
    this.showFields();
  }

  /** Picks a class as a click on its top-5 row does (or types its number when it is not in the top 5). */
  pickClass(classIndex: number): void {
    const top = this.summary?.predictions.some((p) => p.classIndex === classIndex);
    this.kindSelect.value = top ? `top:${classIndex}` : 'index';
    if (!top) this.classField.value = String(classIndex);
    this.showFields();
  }

  pickUnit(layerId: string, channel: number, y?: number, x?: number): void {
    this.kindSelect.value = 'unit';
    this.layerSelect.value = layerId;
    this.unitField.value = String(channel);
    this.yField.value = y === undefined ? '' : String(y);
    this.xField.value = x === undefined ? '' : String(x);
    this.showFields();
  }

  pickScore(score: 'logit' | 'probability'): void {
    this.score = score;
    setSelected(this.scoreControl, score);
  }

  /** The target the controls name, or the sentence that says what is missing. */
  read(): AttributionTarget | string {
    const kind = this.kindSelect.value;
    if (kind.startsWith('top:')) return { kind: 'class', classIndex: Number(kind.slice(4)), score: this.score };
    if (kind === 'index') {
      const text = this.classField.value.trim();
      if (/^\d+$/.test(text)) return { kind: 'class', classIndex: Number(text), score: this.score };
      const byLabel = this.summary?.predictions.find((p) => p.label === text);
      if (byLabel) return { kind: 'class', classIndex: byLabel.classIndex, score: this.score };
      return `"${text}" is not a class number, nor the label of one of the top predictions.`;
    }
    const layer = this.summary?.layers.find((l) => l.id === this.layerSelect.value);
    if (!layer) return 'Pick the layer whose unit to explain.';
    const text = this.unitField.value.trim();
    const channel = Number(text);
    if (!/^\d+$/.test(text) || channel >= layer.channels) return `Enter a unit of ${layer.id} from 0 to ${layer.channels - 1}.`;
    const yText = this.yField.value.trim();
    const xText = this.xField.value.trim();
    if (!yText && !xText) return { kind: 'unit', layerId: layer.id, channel };
    const y = Number(yText);
    const x = Number(xText);
    if (!/^\d+$/.test(yText) || !/^\d+$/.test(xText) || y >= layer.height || x >= layer.width) {
      return `Enter both y (0 to ${layer.height - 1}) and x (0 to ${layer.width - 1}) of a neuron in ${layer.id}'s map, or neither for the channel mean.`;
    }
    return { kind: 'unit', layerId: layer.id, channel, y, x };
  }

  private showFields(): void {
    const kind = this.kindSelect.value;
    // style.display, not `hidden`: the controls' own display rule would win over the attribute.
    this.classField.style.display = kind === 'index' ? '' : 'none';
    this.layerControl.style.display = kind === 'unit' ? '' : 'none';
    this.unitField.style.display = kind === 'unit' ? '' : 'none';
    this.yField.style.display = kind === 'unit' ? '' : 'none';
    this.xField.style.display = kind === 'unit' ? '' : 'none';
    this.scoreControl.style.display = kind === 'unit' ? 'none' : '';
  }
}
