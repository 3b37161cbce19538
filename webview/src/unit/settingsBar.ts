// The Unit panel header's page settings: the actmax preset (the list the Maximize Activation panel offers, with
// the seed's trial names), the number of seeds and the dataset examples' k. A change is checked here first: a value
// out of range is refused with one sentence and nothing is sent; a good one goes to the host, which makes the page.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { ACTMAX_PRESETS } from '../../../src/shared/actmax';
import { ACTMAX_PRESET_LABELS } from '../../../src/shared/actmaxProtocol';
import { parseUnitPanelSettings, UNIT_PAGE_LIMITS, type UnitPanelSettings, type UnitSettingsInput } from '../../../src/shared/unitProtocol';
import { select, setSelected } from '../lib/controls';

type TextField = HTMLElement & { value: string; placeholder: string };

export interface SettingsBar {
  /** Shows `settings` in the fields without sending them (the panel's state, from the host or a reload). */
  show(settings: UnitPanelSettings): void;
  /** Types `input` into the fields and changes them, as a user would (tests). */
  type(input: UnitSettingsInput): void;
}

function numberField(id: string, label: string, help: string, [lo, hi]: readonly [number, number], onCommit: () => void): { wrap: HTMLElement; field: TextField } {
  const field = document.createElement('vscode-textfield') as TextField;
  field.id = id;
  field.className = 'unit-number';
  field.placeholder = `${lo}–${hi}`;
  field.addEventListener('change', onCommit);
  field.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') onCommit();
  });
  const wrap = document.createElement('label');
  wrap.className = 'control';
  wrap.title = help;
  wrap.append(`${label} `, field);
  return { wrap, field };
}

/**
 * Appends the controls to `root`; `onChange` gets checked settings that differ from those shown, `onProblem` the
 * sentence that refuses a typed value.
 */
export function renderSettingsBar(root: HTMLElement, onChange: (settings: UnitPanelSettings) => void, onProblem: (message: string) => void): SettingsBar {
  let shown: UnitPanelSettings | undefined;
  const commit = (): void => {
    const parsed = parseUnitPanelSettings({ preset: presetValue(), seeds: seeds.field.value, k: k.field.value });
    if (typeof parsed === 'string') return onProblem(parsed);
    if (shown && parsed.preset === shown.preset && parsed.seeds === shown.seeds && parsed.k === shown.k) return;
    shown = parsed;
    onChange(parsed);
  };
  const choices = ACTMAX_PRESETS.map((p) => ({ value: p, label: p, description: ACTMAX_PRESET_LABELS[p] }));
  const preset = select('unitPreset', 'Preset', choices, 'lucid', commit);
  preset.title = 'How the feature visualizations are made (the presets of Maximize Activation)';
  const presetEl = preset.querySelector('vscode-single-select') as HTMLElement & { value: string };
  const presetValue = (): string => presetEl.value;
  const seeds = numberField('unitSeeds', 'Seeds', 'Feature visualizations from seeds 0, 1, …', UNIT_PAGE_LIMITS.seeds, commit);
  const k = numberField('unitK', 'Top k', 'Dataset examples shown (from the folder of the last Find Top Images run)', UNIT_PAGE_LIMITS.k, commit);
  root.append(preset, seeds.wrap, k.wrap);

  const show = (settings: UnitPanelSettings): void => {
    shown = { ...settings };
    setSelected(preset, settings.preset);
    preset.title = ACTMAX_PRESET_LABELS[settings.preset];
    seeds.field.value = String(settings.seeds);
    k.field.value = String(settings.k);
  };
  return {
    show,
    type: (input) => {
      if (input.preset !== undefined) presetEl.value = input.preset;
      if (input.seeds !== undefined) seeds.field.value = input.seeds;
      if (input.k !== undefined) k.field.value = input.k;
      commit();
    },
  };
}
