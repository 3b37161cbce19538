// The words above the Top Images grid: what was ranked (images, skips, cache or time, channels, dead ones and
// where they are listed, k, the unit's field) and, for a model that does not fix its input size, the size every
// image ran at and why, and whether the model's size has changed since. Pure: unit-tested in Node.
import type { InputSize } from '../../../src/shared/inputSize';
import type { TopkFindResult, TopkInputSizeInfo } from '../../../src/shared/topkProtocol';
import { sizeWhy } from '../lib/sizeSource';
import { deadCount } from './channelOrder';

/** "60 images in 0.4 s · 32 channels · 3 dead (max 0 over the folder, listed last) · top 4 · unit field 5×5 px of 28×28". */
export function summaryLine(run: TopkFindResult, deadLast: boolean): string {
  const r = run.result;
  const skipped = r.skipped.length ? `, ${r.skipped.length} skipped` : '';
  const cached = r.fromCache ? ' (from the cache)' : ` in ${(r.ms / 1000).toFixed(1)} s`;
  const field = r.receptiveField.size.map((s) => s ?? 'whole image').join('×');
  const dead = deadCount(r.top);
  const deadNote = dead ? ` · ${dead} dead (max 0 over the folder, ${deadLast ? 'listed last' : 'in channel order'})` : '';
  return `${r.imageCount} images${skipped}${cached} · ${r.channels} channels${deadNote} · top ${r.k} · unit field ${field} px of ${r.input[0]}×${r.input[1]}`;
}

/** "Every image ran at 64 × 48 (H × W): the size chosen for this model — the model does not fix its input size." */
export function sizeNote(info: TopkInputSizeInfo): string {
  return `Every image ran at ${info.height} × ${info.width} (H × W): ${sizeWhy(info.source)} — the model does not fix its input size.`;
}

/**
 * "These results are at 64 × 64; the model's size is now 96 × 96." when the model's size (`now`, chosen in a panel)
 * is not the one the results were found at; undefined when it is, or when the model fixes its size.
 */
export function sizeChangedNotice(run: TopkFindResult, now: InputSize | undefined): string | undefined {
  const at = run.inputSize;
  if (!at || !now || (at.height === now.height && at.width === now.width)) return undefined;
  return `These results are at ${at.height} × ${at.width}; the model's size is now ${now.height} × ${now.width}.`;
}
