// The input size row of a model that does not fix its input size, as Maximize Activation and Top Images show it:
// the shared size field (sizeControl.ts), then one line with the size the model ran at and why. Each panel words
// that line itself ("Runs at …", "Every image ran at …") from the same reasons (sizeSource.ts).
import type { InputSize } from '../../../src/shared/inputSize';
import { renderSizeControl, type SizeControl } from './sizeControl';

export class InputSizeRow {
  private control: SizeControl | undefined;

  constructor(
    private readonly root: HTMLElement,
    /** The note's class (the panel's caption style). */
    private readonly noteClass: string,
    private readonly onApply: (size: InputSize) => void,
    private readonly onProblem: (message: string) => void,
  ) {}

  /** Redraws the row for `size` with `note` beside the field; no size (a fixed one) hides the row. */
  show(size: InputSize | undefined, note: string): void {
    this.root.replaceChildren();
    this.root.hidden = size === undefined;
    this.control = undefined;
    if (!size) return;
    this.control = renderSizeControl(this.root, size, this.onApply, this.onProblem);
    const line = document.createElement('span');
    line.className = this.noteClass;
    line.textContent = note;
    this.root.append(line);
  }

  /** Shows `size` in the field without applying it (chosen in another panel); nothing when the row is hidden. */
  follow(size: InputSize): void {
    this.control?.show(size);
  }

  /** Tests: types into the field and presses Enter. */
  type(text: string): void {
    this.control?.type(text);
  }

  /** What the row shows, for snapshots: the field's text and the note ('' when hidden). */
  meta(): { sizeField: string; sizeNote: string } {
    if (this.root.hidden) return { sizeField: '', sizeNote: '' };
    const field = this.root.querySelector('#inputSize') as (HTMLElement & { value: string }) | null;
    return { sizeField: field?.value ?? '', sizeNote: this.root.querySelector(`.${this.noteClass}`)?.textContent ?? '' };
  }
}
