// The actmax panel's input size row, shown only for a model that does not fix its input size: the size the runs
// use, why (typed in a panel, the model's sidecar, or Layer Lens's default), and the shared field to change it.
import type { ActmaxInputSizeInfo } from '../../../src/shared/actmaxProtocol';
import type { InputSize } from '../../../src/shared/inputSize';
import { InputSizeRow } from '../lib/inputSizeRow';
import { sizeWhy } from '../lib/sizeSource';

/** "Runs at 64 × 48 (H × W): the size chosen for this model — the model does not fix its input size." */
export function sizeNote(info: ActmaxInputSizeInfo): string {
  return `Runs at ${info.height} × ${info.width} (H × W): ${sizeWhy(info.source)} — the model does not fix its input size.`;
}

export class SizeRow {
  private readonly row: InputSizeRow;

  constructor(root: HTMLElement, onApply: (size: InputSize) => void, onProblem: (message: string) => void) {
    this.row = new InputSizeRow(root, 'am-caption', onApply, onProblem);
  }

  /** Redraws the row for the model's size; none (a fixed size) hides it. */
  show(info: ActmaxInputSizeInfo | undefined): void {
    this.row.show(info, info ? sizeNote(info) : '');
  }

  type(text: string): void {
    this.row.type(text);
  }

  /** What the row shows, for snapshots: the field's text and the note. */
  meta(): { sizeField: string; sizeNote: string } {
    return this.row.meta();
  }
}
