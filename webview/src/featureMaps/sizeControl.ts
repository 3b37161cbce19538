// The input size field under the input thumbnail, shown only for a model that does not fix its input size: the
// size it ran at, editable as "H×W"; Enter or "Run at Size" asks the host to run the model again at that size.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { FeatureMapsOpenResult } from '../../../src/shared/featureMapsProtocol';
import { formatInputSize, parseInputSize, type InputSize } from '../../../src/shared/inputSize';
import { button } from '../lib/controls';

type TextField = HTMLElement & { value: string; placeholder: string };

export interface SizeControl {
  /** Puts `text` in the field and applies it, as Enter would (tests use it). */
  type(text: string): void;
}

/**
 * Appends the control to `root` when the model's input size is not fixed (the summary carries a size note);
 * `onApply` gets a checked size, `onProblem` one sentence about a size that is not one.
 */
export function renderSizeControl(
  root: HTMLElement,
  summary: FeatureMapsOpenResult,
  onApply: (size: InputSize) => void,
  onProblem: (message: string) => void,
): SizeControl | undefined {
  if (!summary.inputSizeNote) return undefined;
  const field = document.createElement('vscode-textfield') as TextField;
  field.id = 'inputSize';
  field.className = 'fm-size';
  field.value = formatInputSize(summary.input);
  field.placeholder = 'H×W';
  const apply = (): void => {
    const size = parseInputSize(field.value);
    if (typeof size === 'string') onProblem(size);
    else onApply(size);
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
  };
}
