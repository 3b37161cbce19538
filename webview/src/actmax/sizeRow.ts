// The actmax panel's input size row, shown only for a model that does not fix its input size: the size the runs
// use, why (typed in a panel, the model's sidecar, or Layer Lens's default), and the shared field to change it.
import type { ActmaxInputSizeInfo } from '../../../src/shared/actmaxProtocol';
import type { InputSize } from '../../../src/shared/inputSize';
import { renderSizeControl, type SizeControl } from '../lib/sizeControl';

const WHY: Record<ActmaxInputSizeInfo['source'], string> = {
  chosen: 'the size chosen for this model',
  sidecar: "the size in the model's sidecar",
  default: "Layer Lens's default",
};

/** "Runs at 64 × 48 (H × W): the size chosen for this model — the model does not fix its input size." */
export function sizeNote(info: ActmaxInputSizeInfo): string {
  return `Runs at ${info.height} × ${info.width} (H × W): ${WHY[info.source]} — the model does not fix its input size.`;
}

export class SizeRow {
  private control: SizeControl | undefined;
  private note = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly onApply: (size: InputSize) => void,
    private readonly onProblem: (message: string) => void,
  ) {}

  /** Redraws the row for the model's size; none (a fixed size) hides it. */
  show(info: ActmaxInputSizeInfo | undefined): void {
    this.root.replaceChildren();
    this.root.hidden = info === undefined;
    this.control = undefined;
    this.note = '';
    if (!info) return;
    this.control = renderSizeControl(this.root, info, this.onApply, this.onProblem);
    const note = document.createElement('span');
    note.id = 'inputSizeNote';
    note.className = 'am-caption';
    this.note = note.textContent = sizeNote(info);
    this.root.append(note);
  }

  type(text: string): void {
    this.control?.type(text);
  }

  /** What the row shows, for snapshots: the field's text and the note. */
  meta(): { sizeField: string; sizeNote: string } {
    const field = this.root.querySelector('#inputSize') as (HTMLElement & { value: string }) | null;
    return { sizeField: field?.value ?? '', sizeNote: this.note };
  }
}
