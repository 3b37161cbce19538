// The line under the Top Images grid for one picture (under the pointer or the keyboard's focus): its channel, file
// and value, a dead channel's reason, or what a click on an empty actmax cell does.
import { UNIT_PAGE_HINT } from '../lib/unitTiles';
import { describeDead, describeEntry, isDead } from './channelOrder';
import type { TopkView } from './drawRows';
import type { Hit } from './rowLayout';

export function hoverLine(view: TopkView, hit: Hit & { channel: number }): string {
  const entries = view.run.result.top[hit.channel];
  const entry = hit.kind === 'actmax' ? undefined : entries?.[hit.rank];
  let line: string;
  if (hit.kind === 'actmax') line = view.actmax.has(hit.channel) ? `channel ${hit.channel} · activation maximization` : `channel ${hit.channel} · no actmax picture yet: click to run activation maximization`;
  else if (isDead(entries)) line = describeDead(hit.channel, entries, view.run.result.imageCount);
  else if (entry) line = describeEntry(hit.channel, hit.rank, entry, view.run.folder, hit.kind === 'crop' ? 'crop' : 'image') + (hit.onButton ? ' · show its feature maps' : '');
  else line = `channel ${hit.channel} · no image`;
  return `${line} · ${UNIT_PAGE_HINT}`;
}
