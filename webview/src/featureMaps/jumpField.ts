// The toolbar's "Jump to" field: a channel number, taken on Enter or when the field changes.
export function jumpField(onJump: (text: string) => void): HTMLLabelElement {
  const field = document.createElement('vscode-textfield') as HTMLElement & { value: string; placeholder: string };
  field.id = 'jump';
  field.className = 'fm-jump';
  field.placeholder = 'channel #';
  field.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') onJump(field.value);
  });
  field.addEventListener('change', () => onJump(field.value));
  const label = document.createElement('label');
  label.className = 'control';
  label.append('Jump to ', field);
  return label;
}
