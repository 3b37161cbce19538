// The Top Images panel's input size rows, for a model that does not fix its input size: the shared field with the
// size every image ran at and why, and — when the model's size was chosen in another panel since — a one-line
// notice under the summary that the results are at the old size, with Run again. Nothing runs by itself: a search
// of a large folder can take minutes.
import type { InputSize } from '../../../src/shared/inputSize';
import type { TopkFindResult } from '../../../src/shared/topkProtocol';
import { button } from '../lib/controls';
import { InputSizeRow } from '../lib/inputSizeRow';
import { sizeChangedNotice, sizeNote } from './summaryText';

export interface TopkSizeActions {
  /** A size typed in the field, checked by the webview (the host checks it again). */
  apply: (size: InputSize) => void;
  /** A typed text that is no size: one sentence. */
  problem: (message: string) => void;
}

export class TopkSizeRows {
  private readonly row: InputSizeRow;

  constructor(
    /** The field and the note (hidden for a model that fixes its size). */
    row: HTMLElement,
    /** Under the summary: the notice and its Run again. */
    private readonly notice: HTMLElement,
    private readonly actions: TopkSizeActions,
  ) {
    this.row = new InputSizeRow(row, 'tk-size-note', actions.apply, actions.problem);
  }

  /** Redraws the rows for a result (none: hidden); the notice waits for the model's size (follow). */
  show(run: TopkFindResult | undefined): void {
    this.row.show(run?.inputSize, run?.inputSize ? sizeNote(run.inputSize) : '');
    this.notice.hidden = true;
    this.notice.replaceChildren();
  }

  /** The model's size changed (chosen in another panel): the field shows it; results at another size say so. */
  follow(run: TopkFindResult | undefined, chosen: InputSize | undefined): void {
    if (run?.inputSize && chosen) this.row.follow(chosen);
    const text = run ? sizeChangedNotice(run, chosen) : undefined;
    this.notice.hidden = text === undefined;
    if (text === undefined || !chosen) {
      this.notice.replaceChildren();
      return;
    }
    const line = document.createElement('span');
    line.className = 'tk-notice-text';
    line.textContent = text;
    // The same search (layer, folder, k) at the model's size: the host runs it as it runs a size typed here.
    this.notice.replaceChildren(line, button('runAgain', 'Run again', () => this.actions.apply(chosen), true));
  }

  /** Tests: types into the field and presses Enter. */
  type(text: string): void {
    this.row.type(text);
  }

  /** Tests: clicks the notice's Run again, as a user would; false when no notice is shown. */
  clickRunAgain(): boolean {
    const runAgain = this.notice.hidden ? null : (this.notice.querySelector('#runAgain') as HTMLElement | null);
    runAgain?.click();
    return runAgain !== null;
  }

  /** What the rows show, for snapshots. */
  meta(): { sizeField: string; sizeNote: string; sizeNotice: string } {
    return {
      ...this.row.meta(),
      sizeNotice: this.notice.hidden ? '' : (this.notice.querySelector('.tk-notice-text')?.textContent ?? ''),
    };
  }
}
