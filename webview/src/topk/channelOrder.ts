// Row order and the words of the Top Images panel: sort channels by index or by their best image's value,
// describe an entry for the hover line. Pure: unit-tested in Node.
import type { TopkEntry } from '../../../src/shared/topk';
import type { TopkSort } from '../../../src/shared/topkProtocol';

/**
 * A channel that never fired on the folder: no image at all, or its best image's maximum is 0 (or below), so its
 * "top" images are ties at nothing and mean nothing.
 */
export function isDead(entries: readonly Pick<TopkEntry, 'value'>[] | undefined): boolean {
  const best = entries?.[0]?.value;
  return best === undefined || Number.isNaN(best) || best <= 0;
}

/**
 * Display position → channel. 'index': by channel; 'top': largest best value first, ties by index. With `deadLast`
 * (the default) the dead channels (isDead) come last, by index, so a layer with many of them shows the live ones
 * first; without it every channel keeps the sort's own place ('index': plain channel order).
 */
export function channelOrder(top: readonly (readonly Pick<TopkEntry, 'value'>[])[], sort: TopkSort, deadLast = true): Int32Array {
  const order = Int32Array.from(top.keys());
  const dead = top.map((entries) => deadLast && isDead(entries));
  const best = (c: number): number => {
    const v = top[c]?.[0]?.value;
    return v === undefined || Number.isNaN(v) ? -Infinity : v;
  };
  return order.sort((a, b) => {
    if (dead[a] !== dead[b]) return dead[a] ? 1 : -1;
    if (sort === 'index' || dead[a]) return a - b;
    const d = best(b) - best(a);
    return d !== 0 && !Number.isNaN(d) ? d : a - b;
  });
}

/** How many channels are dead. */
export function deadCount(top: readonly (readonly Pick<TopkEntry, 'value'>[])[]): number {
  return top.reduce((n, entries) => n + (isDead(entries) ? 1 : 0), 0);
}

/** The hover line (and the row's note) of a dead channel. */
export function describeDead(channel: number, entries: readonly Pick<TopkEntry, 'value'>[] | undefined, images: number): string {
  const best = entries?.[0]?.value;
  const max = best === undefined ? 'no image scored' : `max activation ${formatValue(best)}`;
  return `channel ${channel} · dead: ${max} over all ${images} images`;
}

/** The file relative to the searched folder, with forward slashes (what the hover shows). */
export function relativeTo(folder: string, file: string): string {
  const norm = (p: string): string => p.replace(/\\/g, '/');
  const root = norm(folder).replace(/\/+$/, '');
  const f = norm(file);
  return f.startsWith(`${root}/`) ? f.slice(root.length + 1) : f;
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? v.toExponential(2) : v.toFixed(3);
}

export function describeEntry(channel: number, rank: number, entry: TopkEntry, folder: string, what: 'image' | 'crop'): string {
  const where = what === 'crop' ? ` crop ${entry.box.width}×${entry.box.height} px` : '';
  return `channel ${channel} · #${rank + 1} · ${relativeTo(folder, entry.file)} · max ${formatValue(entry.value)} at (${entry.x}, ${entry.y}), mean ${formatValue(entry.mean)}${where}`;
}
