// The input size field of a model that does not fix its input size (Feature Maps and Maximize Activation): the size
// it runs at, editable as "H×W"; Enter or "Run at Size" hands a checked size to the panel, which asks the host to run
// the model again at that size.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { formatInputSize, parseInputSize, type InputSize } from '../../../src/shared/inputSize';
import { button } from './controls';

type TextField = HTMLElement & { value: string; placeholder: string };

export interface SizeControl {
  /** Puts `text` in the field and applies it, as Enter would (tests use it). */
  type(text: string): void;
  /** Shows `size` in the field without applying it (a size chosen in another panel). */
  show(size: InputSize): void;
}

/**
 * Appends the control to `root` showing `size`; `onApply` gets a checked size, `onProblem` one sentence about a size
 * that is not one. Call it only for a model whose input size is not fixed.
 */
export function renderSizeControl(
  root: HTMLElement,
  size: InputSize,
  onApply: (size: InputSize) => void,
  onProblem: (message: string) => void,
): SizeControl {
  const field = document.createElement('vscode-textfield') as TextField;
  field.id = 'inputSize';
  field.className = 'fm-size';
  field.value = formatInputSize(size);
  field.placeholder = 'H×W';
  const apply = (): void => {
    const parsed = parseInputSize(field.value);
    if (typeof parsed === 'string') onProblem(parsed);
    else onApply(parsed);
  };
  field.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') apply();
  });
  const label = document.createElement('label');
  label.className = 'control fm-size-row';
  label.title = 'The model does not fix its input size: run it at another height × width (8 to 1024 pixels).';
  label.append('Input size ', field, button('applySize', 'Run at Size', apply, true));
  root.append(label);
  return {
    type: (text) => {
      field.value = text;
      apply();
    },
    show: (shown) => {
      field.value = formatInputSize(shown);
    },
  };
}
