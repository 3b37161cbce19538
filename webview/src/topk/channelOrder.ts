// Row order and the words of the Top Images panel: sort channels by index or by their best image's value,
// describe an entry for the hover line. Pure: unit-tested in Node.
import type { TopkEntry } from '../../../src/shared/topk';
import type { TopkSort } from '../../../src/shared/topkProtocol';

/** Display position → channel. 'top': largest best value first, channels without images last, ties by index. */
export function channelOrder(top: readonly (readonly Pick<TopkEntry, 'value'>[])[], sort: TopkSort): Int32Array {
  const order = Int32Array.from(top.keys());
  if (sort === 'index') return order;
  const best = (c: number): number => top[c]?.[0]?.value ?? -Infinity;
  return order.sort((a, b) => {
    const d = best(b) - best(a);
    return d !== 0 && !Number.isNaN(d) ? d : a - b;
  });
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
