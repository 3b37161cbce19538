// The actmax toolbar (layer, units, objective, preset, run / atlas / cancel / export) and the "Advanced" fields.
// It reads and writes ActmaxUiSettings; empty advanced fields mean "the preset's value".
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { ACTMAX_PARAM_KINDS, ACTMAX_PARAMS, ACTMAX_PENALTIES, ACTMAX_PENALTY_KINDS, ACTMAX_PRESETS } from '../../../src/shared/actmax';
import type { ActmaxParamKind, ActmaxPenaltyKind, ActmaxPresetName } from '../../../src/shared/actmax';
import {
  ACTMAX_OBJECTIVE_CHOICES,
  ACTMAX_OBJECTIVE_LABELS,
  ACTMAX_PRESET_LABELS,
  type ActmaxLayerChoice,
  type ActmaxObjectiveChoice,
  type ActmaxUiSettings,
} from '../../../src/shared/actmaxProtocol';
import { button, select, setChoices } from '../lib/controls';

type ValueEl = HTMLElement & { value: string };

/** The Image list's choice for "the preset's parameterization" (no param in the settings). */
const PRESET_PARAM = 'preset';

export interface FormCallbacks {
  onChange(): void;
  onLayer(layerId: string): void;
  onRun(): void;
  onAtlas(): void;
  onCancel(): void;
  onExport(): void;
}

const SETTING_FIELDS = [
  ['steps', 'Steps'],
  ['size', 'Size (px)'],
  ['seed', 'Seed'],
  ['lr', 'Learning rate'],
  ['decayPower', 'Spectrum decay'],
] as const;
type SettingField = (typeof SETTING_FIELDS)[number][0] | 'frameEvery';
/** A number field: a setting, or the weight of one penalty kind (one field per kind of the shared table). */
type NumberField = SettingField | ActmaxPenaltyKind;
const NUMBER_FIELDS: readonly (readonly [NumberField, string])[] = [
  ...SETTING_FIELDS,
  ...ACTMAX_PENALTY_KINDS.map((kind) => [kind, ACTMAX_PENALTIES[kind]] as const),
  ['frameEvery', 'Frame every'],
];

export class SettingsForm {
  readonly layerSelect: ValueEl;
  private readonly units: ValueEl;
  private readonly objective: ValueEl;
  private readonly preset: ValueEl;
  private readonly param: ValueEl;
  private readonly fields = new Map<NumberField, ValueEl>();
  readonly runButton: HTMLElement;
  readonly atlasButton: HTMLElement;
  readonly cancelButton: HTMLElement;
  private readonly unitsHint: HTMLElement;
  private layers: ActmaxLayerChoice[] = [];
  /** The button (Run or Visualize Layer) whose press handed the focus to Cancel: it gets the focus back. */
  private focusAfterRun: HTMLElement | undefined;

  constructor(toolbar: HTMLElement, advanced: HTMLElement, private readonly cb: FormCallbacks) {
    const layerWrap = select('layer', 'Layer', [], '', (v) => {
      this.describeLayer(v);
      cb.onLayer(v);
    });
    this.layerSelect = layerWrap.querySelector('vscode-single-select') as ValueEl;
    (this.layerSelect as ValueEl & { combobox: boolean }).combobox = true;
    this.units = textField('units', '0, 3, 8-11');
    this.units.addEventListener('change', () => cb.onChange());
    this.units.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Enter' && cb.onRun());
    const unitsLabel = document.createElement('label');
    unitsLabel.className = 'control';
    this.unitsHint = document.createElement('span');
    this.unitsHint.className = 'am-caption';
    unitsLabel.append('Units ', this.units, this.unitsHint);
    const objectiveWrap = select('objective', 'Objective', ACTMAX_OBJECTIVE_CHOICES.map((c) => ({ value: c, label: ACTMAX_OBJECTIVE_LABELS[c] })), 'channel', () => cb.onChange());
    this.objective = objectiveWrap.querySelector('vscode-single-select') as ValueEl;
    const presetWrap = select('preset', 'Preset', ACTMAX_PRESETS.map((p) => ({ value: p, label: p, description: ACTMAX_PRESET_LABELS[p] })), 'lucid', (v) => {
      // Trial 3 is defined by its objective: picking it picks channel RMS too (and leaving it, the mean).
      if (v === 'trial3-rms' && this.objective.value === 'channel') this.objective.value = 'channelRms';
      else if (v !== 'trial3-rms' && this.objective.value === 'channelRms') this.objective.value = 'channel';
      cb.onChange();
    });
    this.preset = presetWrap.querySelector('vscode-single-select') as ValueEl;
    this.runButton = button('run', 'Run', () => cb.onRun());
    this.atlasButton = button('atlas', 'Visualize Layer', () => cb.onAtlas(), true);
    this.cancelButton = button('cancel', 'Cancel', () => cb.onCancel(), true);
    this.cancelButton.setAttribute('disabled', '');
    toolbar.append(layerWrap, unitsLabel, objectiveWrap, presetWrap, this.runButton, this.atlasButton, this.cancelButton, button('export', 'Export PNG', () => cb.onExport(), true));

    const details = document.createElement('details');
    details.className = 'am-advanced';
    const summary = document.createElement('summary');
    summary.textContent = 'Advanced (empty = the preset’s value)';
    const box = document.createElement('div');
    box.className = 'am-fields';
    // "The preset's" is a value of its own: a list set to '' shows no choice at all, not this one.
    const paramChoices = [
      { value: PRESET_PARAM, label: 'Preset' },
      ...ACTMAX_PARAM_KINDS.map((kind) => ({ value: kind, label: ACTMAX_PARAMS[kind] })),
    ];
    const paramWrap = select('param', 'Image', paramChoices, PRESET_PARAM, () => cb.onChange());
    this.param = paramWrap.querySelector('vscode-single-select') as ValueEl;
    box.append(paramWrap);
    for (const [key, label] of NUMBER_FIELDS) {
      const el = textField(key, key === 'seed' ? '0' : key === 'frameEvery' ? '8' : 'preset');
      el.addEventListener('change', () => cb.onChange());
      this.fields.set(key, el);
      const wrap = document.createElement('label');
      wrap.className = 'control';
      wrap.append(`${label} `, el);
      box.append(wrap);
    }
    details.append(summary, box);
    // The list takes its options' labels from their rendered text, which a closed <details> does not render (its
    // face stayed blank): they are slotted again each time the fold opens.
    details.addEventListener('toggle', () => {
      if (details.open) setChoices(this.param, paramChoices, this.param.value);
    });
    advanced.append(details);
  }

  setLayers(layers: ActmaxLayerChoice[], layerId: string): void {
    this.layers = layers;
    setChoices(this.layerSelect, layers.map((l) => ({ value: l.id, label: l.id, description: layerDescription(l) })), layerId);
    this.describeLayer(layerId);
  }

  /** The list's tooltip names the layer picked now and what it is (it kept the first layer's bare id after a change). */
  private describeLayer(layerId: string): void {
    const layer = this.layers.find((l) => l.id === layerId);
    this.layerSelect.title = layer ? `${layer.id}: ${layerDescription(layer)}` : '';
  }

  setUnitsHint(count: number, what: string): void {
    this.unitsHint.textContent = count > 0 ? ` of 0–${count - 1} (${what})` : '';
  }

  write(s: ActmaxUiSettings): void {
    this.units.value = s.units;
    this.objective.value = s.objective;
    this.preset.value = s.preset;
    this.preset.title = ACTMAX_PRESET_LABELS[s.preset] ?? '';
    this.param.value = s.param ?? PRESET_PARAM;
    const values: Record<NumberField, number | undefined> = {
      ...s.regularizers,
      steps: s.steps, size: s.size, seed: s.seed, lr: s.lr, decayPower: s.decayPower, frameEvery: s.frameEvery,
    } as Record<NumberField, number | undefined>;
    for (const [key, el] of this.fields) el.value = values[key] === undefined ? '' : String(values[key]);
  }

  /** The settings as typed; the host validates them again (numbers out of range fall back to the preset). */
  read(): ActmaxUiSettings {
    const n = (key: NumberField): number | undefined => {
      const text = this.fields.get(key)!.value.trim();
      const v = Number(text);
      return text === '' || !Number.isFinite(v) ? undefined : v;
    };
    const regularizers: ActmaxUiSettings['regularizers'] = {};
    for (const r of ACTMAX_PENALTY_KINDS) {
      const v = n(r);
      if (v !== undefined) regularizers[r] = v;
    }
    const param = this.param.value;
    return {
      units: this.units.value,
      objective: this.objective.value as ActmaxObjectiveChoice,
      preset: this.preset.value as ActmaxPresetName,
      ...(n('steps') !== undefined ? { steps: n('steps') } : {}),
      ...(n('size') !== undefined ? { size: n('size') } : {}),
      seed: n('seed') ?? 0,
      ...(n('lr') !== undefined ? { lr: n('lr') } : {}),
      ...(ACTMAX_PARAM_KINDS.includes(param as ActmaxParamKind) ? { param: param as ActmaxParamKind } : {}),
      ...(n('decayPower') !== undefined ? { decayPower: n('decayPower') } : {}),
      regularizers,
      frameEvery: n('frameEvery') ?? 8,
    };
  }

  setUnits(text: string): void {
    this.units.value = text;
  }

  setRunning(running: boolean): void {
    const focused = [this.runButton, this.atlasButton, this.cancelButton].find((b) => b.matches(':focus-within'));
    for (const el of [this.runButton, this.atlasButton]) el.toggleAttribute('disabled', running);
    this.cancelButton.toggleAttribute('disabled', !running);
    // A disabled button drops the keyboard focus to the page: it goes to the button that now does something.
    if (running && focused && focused !== this.cancelButton) {
      this.focusAfterRun = focused;
      this.cancelButton.focus();
    } else if (!running && focused === this.cancelButton) {
      (this.focusAfterRun ?? this.runButton).focus();
    }
  }
}

/** "conv · 64 units": what a layer of the list is. */
function layerDescription(layer: ActmaxLayerChoice): string {
  return `${layer.kind} · ${layer.channels} units`;
}

function textField(id: string, placeholder: string): ValueEl {
  const el = document.createElement('vscode-textfield') as ValueEl & { placeholder: string };
  el.id = id;
  el.placeholder = placeholder;
  return el;
}
