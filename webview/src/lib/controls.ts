// Small builders for @vscode-elements controls, so panels declare their toolbars in a few lines.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';

export interface Choice {
  value: string;
  label: string;
  /** Shown under the list for the highlighted option, so a long explanation never cuts the label. */
  description?: string;
}

export function select(id: string, label: string, choices: Choice[], value: string, onChange: (v: string) => void): HTMLElement {
  const wrap = document.createElement('label');
  wrap.className = 'control';
  wrap.append(`${label} `);
  const el = document.createElement('vscode-single-select') as HTMLElement & { value: string };
  el.id = id;
  setChoices(el, choices, value);
  el.addEventListener('change', () => onChange(el.value));
  wrap.append(el);
  return wrap;
}

export function setChoices(el: HTMLElement, choices: Choice[], value: string): void {
  el.replaceChildren(
    ...choices.map((c) => {
      const opt = document.createElement('vscode-option') as HTMLElement & { value: string; selected: boolean; description: string };
      opt.value = c.value;
      opt.textContent = c.label;
      if (c.description) opt.description = c.description;
      if (c.value === value) opt.setAttribute('selected', '');
      return opt;
    }),
  );
  (el as HTMLElement & { value: string }).value = value;
}

/** Shows `value` in a control that select() built (the label wraps the vscode-single-select). */
export function setSelected(control: HTMLElement, value: string): void {
  (control.querySelector('vscode-single-select') as HTMLElement & { value: string }).value = value;
}

export function checkbox(id: string, label: string, checked: boolean, onChange: (v: boolean) => void): HTMLElement {
  const el = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean; label: string };
  el.id = id;
  el.label = label;
  el.checked = checked;
  el.addEventListener('change', () => onChange(el.checked));
  return el;
}

export function button(id: string, label: string, onClick: () => void, secondary = false): HTMLElement {
  const el = document.createElement('vscode-button');
  el.id = id;
  el.textContent = label;
  if (secondary) el.setAttribute('secondary', '');
  el.addEventListener('click', onClick);
  return el;
}

/** A button whose face is a symbol (−, +, ◀): `name` is what a screen reader says and what its tooltip shows. */
export function symbolButton(id: string, symbol: string, name: string, onClick: () => void, secondary = true): HTMLElement {
  const el = button(id, symbol, onClick, secondary);
  el.setAttribute('aria-label', name);
  el.title = name;
  return el;
}
