// Typed arrays as they arrive from the host. Desktop VS Code transfers them as typed arrays; code-server 4.139
// (the test harness's VS Code) was seen delivering every typed array and ArrayBuffer as a plain object with
// index keys ({"0": .., "1": ..}). This puts either form back into the typed array the protocol declares, so
// the panel draws in both; on desktop it costs nothing. Pure: unit-tested.
import type { ChannelStats } from '../../../src/shared/activations';
import type { FeatureMapsLayerResult, FeatureMapsOpenResult } from '../../../src/shared/featureMapsProtocol';

type TypedCtor<T> = { new (length: number): T; new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number };

export function asTyped<T extends Float32Array | Uint8ClampedArray>(value: unknown, Ctor: TypedCtor<T>): T {
  if (value instanceof (Ctor as unknown as typeof Float32Array)) return value as T;
  if (value instanceof ArrayBuffer) return new Ctor(value);
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as ArrayLike<number>;
    const out = new Ctor(view.length);
    (out as unknown as Float32Array).set(view as ArrayLike<number>);
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, number>;
    const n = Object.keys(obj).length;
    const out = new Ctor(n) as unknown as Float32Array;
    for (let i = 0; i < n; i++) out[i] = obj[i] ?? NaN;
    return out as unknown as T;
  }
  return new Ctor(0);
}

function reviveStats(s: ChannelStats): ChannelStats {
  return { min: asTyped(s.min, Float32Array), max: asTyped(s.max, Float32Array), mean: asTyped(s.mean, Float32Array), zeroFraction: asTyped(s.zeroFraction, Float32Array) };
}

export function reviveSummary(r: FeatureMapsOpenResult): FeatureMapsOpenResult {
  return {
    ...r,
    input: { ...r.input, rgba: asTyped(r.input.rgba, Uint8ClampedArray) },
    layers: r.layers.map((l) => ({ ...l, stats: reviveStats(l.stats) })),
  };
}

export function reviveLayer(r: FeatureMapsLayerResult): FeatureMapsLayerResult {
  return { ...r, data: asTyped(r.data, Float32Array) };
}
