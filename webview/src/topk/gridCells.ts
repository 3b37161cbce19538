// The Top Images grid as cells a keyboard and a screen reader reach (lib/gridTiles.ts): one row per channel in view
// order, its cells the actmax picture, the k images and the k crops, each named with what it shows.
import type { GridTilesModel } from '../lib/gridTiles';
import { formatValue, isDead, relativeTo } from './channelOrder';
import type { TopkView } from './drawRows';
import { slotX, type RowLayout, type SlotKind } from './rowLayout';

/** The row (display position), kind and rank of cell `position` in reading order. */
export function slotOf(l: RowLayout, position: number): { row: number; kind: SlotKind; rank: number } {
  const cols = cellsPerRow(l);
  const row = Math.floor(position / cols);
  const slot = (position % cols) - (l.actmax ? 1 : 0);
  if (slot < 0) return { row, kind: 'actmax', rank: 0 };
  return slot < l.k ? { row, kind: 'thumb', rank: slot } : { row, kind: 'crop', rank: slot - l.k };
}

/** The inverse of slotOf: the cell position of a row's slot. */
export function positionOf(l: RowLayout, slot: { row: number; kind: SlotKind; rank: number }): number {
  const first = l.actmax ? 1 : 0;
  const column = slot.kind === 'actmax' ? 0 : first + (slot.kind === 'crop' ? l.k : 0) + slot.rank;
  return slot.row * cellsPerRow(l) + column;
}

function cellsPerRow(l: RowLayout): number {
  return (l.actmax ? 1 : 0) + 2 * l.k;
}

/** What a screen reader says for a cell: its channel, rank, file and value (or why it has none). */
function cellName(view: TopkView, l: RowLayout, position: number): string {
  const { row, kind, rank } = slotOf(l, position);
  const channel = view.order[row];
  if (channel === undefined) return '';
  const { result, folder } = view.run;
  if (kind === 'actmax') {
    return view.actmax.has(channel) ? `channel ${channel}, activation maximization picture` : `channel ${channel}, no activation maximization picture yet: Enter runs it`;
  }
  const entries = result.top[channel];
  const what = `channel ${channel}, rank ${rank + 1}${kind === 'crop' ? ' crop' : ''}`;
  if (isDead(entries)) return `${what}, dead channel: no image activates it`;
  const entry = entries?.[rank];
  if (!entry) return `${what}, no image`;
  return `${what}, ${relativeTo(folder, entry.file)}, activation ${formatValue(entry.value)}`;
}

export function gridCells(view: TopkView, l: RowLayout): GridTilesModel {
  const cols = cellsPerRow(l);
  return {
    label: `${view.run.result.layerId}: top ${l.k} images of ${l.rows} channels, a row each. Enter opens the image's file, Alt+Enter its feature maps, Shift+Enter the channel's unit page`,
    keys: 'Enter Alt+Enter Shift+Enter',
    count: l.rows * cols,
    cols,
    rowPitch: l.rowHeight,
    rect: (p) => {
      const { row, kind, rank } = slotOf(l, p);
      return { x: slotX(l, kind, rank), y: row * l.rowHeight, width: l.tile, height: l.tile };
    },
    name: (p) => cellName(view, l, p),
  };
}
