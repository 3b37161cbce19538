// Display order of a layer's channels and the words shown for one channel. Pure: unit-tested without a DOM.
import type { ChannelStats } from '../../../src/shared/activations';
import type { FeatureMapNormalize, FeatureMapSort } from '../../../src/shared/featureMapsProtocol';
import type { ValueRange } from '../../../src/shared/colormap';

/** Channel indices in display order: by index, or by mean / max, largest first (ties keep index order). */
export function channelOrder(stats: ChannelStats, sort: FeatureMapSort): Int32Array {
  const n = stats.mean.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (sort === 'index') return order;
  const key = sort === 'mean' ? stats.mean : stats.max;
  // NaN sorts last: a broken channel must not hide the strongest ones.
  const k = (i: number): number => (Number.isNaN(key[i]) ? -Infinity : key[i]);
  return order.sort((a, b) => k(b) - k(a) || a - b);
}

/** Inverse of an order: the grid position of each channel. */
export function positionsOf(order: Int32Array): Int32Array {
  const pos = new Int32Array(order.length);
  for (let p = 0; p < order.length; p++) pos[order[p]] = p;
  return pos;
}

/** The value range a channel is coloured with: its own min..max, or the whole layer's. */
export function channelRange(stats: ChannelStats, channel: number, normalize: FeatureMapNormalize): ValueRange {
  if (normalize === 'channel') return { min: stats.min[channel], max: stats.max[channel] };
  return layerRange(stats);
}

export function layerRange(stats: ChannelStats): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  for (let c = 0; c < stats.min.length; c++) {
    if (stats.min[c] < min) min = stats.min[c];
    if (stats.max[c] > max) max = stats.max[c];
  }
  return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : { min: 0, max: 0 };
}

export function describeChannel(stats: ChannelStats, channel: number): string {
  const f = (v: number): string => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(4));
  return `channel ${channel} — min ${f(stats.min[channel])}, max ${f(stats.max[channel])}, mean ${f(stats.mean[channel])}, zeros ${(stats.zeroFraction[channel] * 100).toFixed(1)}%`;
}

/** Parses what the user typed in "Jump to channel": a whole number within the layer, else undefined. */
export function parseChannel(text: string, channels: number): number | undefined {
  const t = text.trim().replace(/^#/, '');
  if (!/^\d+$/.test(t)) return undefined;
  const c = Number(t);
  return c < channels ? c : undefined;
}

/** A value in the few digits a screen reader's user wants to hear (3.21, 0.0012, 1.50e+4). */
export function shortValue(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}
