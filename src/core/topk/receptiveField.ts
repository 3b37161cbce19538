// The receptive field of a layer's units, measured on the model by forward passes (no gradients, no layer config).
//
// Why measured: the LoadedModel contract exposes neither strides nor padding, and a gradient probe would be wrong
// on wasm (its MaxPoolGrad drops or misplaces windows whose maximum is <= 0) and impossible for depthwise convs
// there. Forward passes work for every format and backend. A test image is a noise input with a strip of other
// large noise over the first m+1 columns ("prefix m") or from column m on ("suffix m"); unit u changes under prefix m
// exactly when m reaches its first column L(u), and under suffix m when m is at most its last column R(u). Both
// are monotone in m, so a coarse sweep (16 cuts) and then every cut between the two coarse ones that bracket the
// edge give L and R exactly. Units are uniform (unit u covers [a + u·s, b + u·s]), so the edges of the two last
// units give a and the stride s, and those of the two first give b; clipping at the image edge is read as "runs
// past the edge" (null). Cost at 224 px: 64 coarse passes and up to 4 × 13 fine ones per measured axis (one axis
// when the model is square and both agree coarsely), once per layer and input size.
import * as tf from '@tensorflow/tfjs-core';
import { throwIfAborted, yieldToEventLoop } from '../abort';
import type { LoadedModel } from '../model/loadedModel';
import type { InputSpec } from '../../shared/model';
import type { AxisField, PixelBox, ReceptiveField } from '../../shared/topk';

/**
 * The probe images: a seeded noise background (|v| <= 1, so about half the ReLUs are active and a change of
 * either sign gets through) and, in the strip, other noise of 4..8 with random signs (a constant strip can be
 * cancelled by a ReLU when a layer has few, same-signed filters).
 */
function probeNoise(n: number): { background: Float32Array; strip: Float32Array } {
  let state = 0x2545f491;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const background = Float32Array.from({ length: n }, () => 2 * next() - 1);
  const strip = Float32Array.from({ length: n }, () => (next() < 0.5 ? -1 : 1) * (4 + 4 * next()));
  return { background, strip };
}
/** A unit changed when any channel moved by more than this, relative to its value (absorbs rounding only). */
const TOLERANCE = 1e-6;
const COARSE_CUTS = 16;

type Axis = 'rows' | 'cols';
interface Cut {
  axis: Axis;
  kind: 'prefix' | 'suffix';
  m: number;
}

export interface ReceptiveFieldOptions {
  batchSize?: number;
  signal?: AbortSignal;
}

export async function measureReceptiveField(
  model: LoadedModel,
  layerId: string,
  spec: InputSpec,
  options: ReceptiveFieldOptions = {},
): Promise<ReceptiveField> {
  const { height: H, width: W, channels: C } = spec;
  const noise = probeNoise(H * W * C);
  const background = tf.tensor4d(noise.background, [1, H, W, C]);
  const base = forwardOne(model, layerId, background);
  background.dispose();
  try {
    if (base.rank !== 4) return wholeImage(H, W);
    const [, gh, gw] = base.shape as [number, number, number, number];
    const centre = { row: Math.floor((gh - 1) / 2), col: Math.floor((gw - 1) / 2) };
    const batchSize = Math.max(1, options.batchSize ?? 16);
    const results = new Map<string, Uint8Array>();
    const run = async (cuts: Cut[]): Promise<void> => {
      const todo = cuts.filter((c) => !results.has(cutKey(c)));
      for (let i = 0; i < todo.length; i += batchSize) {
        throwIfAborted(options.signal, 'Measuring the receptive field');
        const batch = todo.slice(i, i + batchSize);
        const changed = await changedUnits(model, layerId, spec, noise, base, batch, centre);
        batch.forEach((c, j) => results.set(cutKey(c), changed[j] as Uint8Array));
        await yieldToEventLoop();
      }
    };
    const axes: { axis: Axis; n: number; units: number }[] = [
      { axis: 'rows', n: H, units: gh },
      { axis: 'cols', n: W, units: gw },
    ];
    await run(axes.flatMap(({ axis, n }) => coarseCuts(axis, n)));
    // A square input and grid whose coarse answers agree on both axes (every square CNN seen so far): the
    // rows are measured finely and the columns take their answer, halving the cost.
    const square = H === W && gh === gw && coarseCuts('rows', H).every((c) => sameFlags(results.get(cutKey(c)), results.get(cutKey({ ...c, axis: 'cols' }))));
    const measured = square ? axes.slice(0, 1) : axes;
    const fine: Cut[] = [];
    for (const a of measured) for (const t of targets(a.units)) fine.push(...bracket(a, t, results).between);
    await run(fine);
    const field = (a: (typeof axes)[number]): AxisField => axisField(a.n, a.units, (t) => bracket(a, t, results).edge);
    const rows = field(axes[0] as (typeof axes)[number]);
    const cols = square ? { ...rows } : field(axes[1] as (typeof axes)[number]);
    return { rows, cols, size: [fieldSize(rows), fieldSize(cols)] };
  } finally {
    base.dispose();
  }
}

/** The field of a layer whose output has no grid (Dense, global pooling): every unit sees the whole image. */
export function wholeImage(height: number, width: number): ReceptiveField {
  return {
    rows: { stride: 0, start: null, end: null, length: height },
    cols: { stride: 0, start: null, end: null, length: width },
    size: [null, null],
  };
}

/** The input pixels unit (x, y) of the output grid sees, clipped to the image. */
export function unitBox(field: ReceptiveField, x: number, y: number): PixelBox {
  const [top, bottom] = axisSpan(field.rows, y);
  const [left, right] = axisSpan(field.cols, x);
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

function axisSpan(a: AxisField, i: number): [number, number] {
  const last = a.length - 1;
  const lo = a.start === null ? 0 : clamp(a.start + i * a.stride, 0, last);
  const hi = a.end === null ? last : clamp(a.end + i * a.stride, lo, last);
  return [lo, hi];
}

function fieldSize(a: AxisField): number | null {
  return a.start !== null && a.end !== null ? a.end - a.start + 1 : null;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function forwardOne(model: LoadedModel, layerId: string, x: tf.Tensor4D): tf.Tensor {
  const outs = model.forward(x, [layerId]);
  for (let i = 1; i < outs.length; i++) (outs[i] as tf.Tensor).dispose();
  return outs[0] as tf.Tensor;
}

interface Target {
  edge: 'first' | 'last';
  unit: number;
}

/** First columns of the two last units (they are the least clipped), last columns of the two first. */
function targets(units: number): Target[] {
  const t: Target[] = [];
  for (const u of new Set([units - 1, Math.max(0, units - 2)])) t.push({ edge: 'first', unit: u });
  for (const u of new Set([0, Math.min(units - 1, 1)])) t.push({ edge: 'last', unit: u });
  return t;
}

function coarseCuts(axis: Axis, n: number): Cut[] {
  const step = Math.max(1, Math.ceil(n / COARSE_CUTS));
  const cuts: Cut[] = [];
  for (let m = step - 1; m < n - 1; m += step) cuts.push({ axis, kind: 'prefix', m });
  cuts.push({ axis, kind: 'prefix', m: n - 1 });
  for (let m = 0; m < n; m += step) cuts.push({ axis, kind: 'suffix', m });
  return cuts;
}

/**
 * The edge of a target unit from the cuts measured so far: the cuts strictly between the last "unchanged" and the
 * first "changed" still to be measured (`between`), and the edge once none are left (`edge`; -1 when no cut moved it).
 */
function bracket(a: { axis: Axis; n: number }, t: Target, results: Map<string, Uint8Array>): { between: Cut[]; edge: number } {
  const kind = t.edge === 'first' ? 'prefix' : 'suffix';
  const hit = (m: number): boolean | undefined => {
    const row = results.get(cutKey({ axis: a.axis, kind, m }));
    return row === undefined ? undefined : row[t.unit] === 1;
  };
  // prefix: changed for m >= L; suffix: changed for m <= R. Walk m in the direction where "changed" comes first.
  const order = kind === 'prefix' ? range(0, a.n) : range(0, a.n).reverse();
  let lastMiss = kind === 'prefix' ? -1 : a.n;
  let firstHit = -1;
  for (const m of order) {
    const h = hit(m);
    if (h === true) {
      firstHit = m;
      break;
    }
    if (h === false) lastMiss = m;
  }
  if (firstHit < 0) return { between: [], edge: -1 };
  const lo = Math.min(lastMiss, firstHit);
  const hi = Math.max(lastMiss, firstHit);
  const between: Cut[] = [];
  for (let m = lo + 1; m < hi; m++) if (hit(m) === undefined) between.push({ axis: a.axis, kind, m });
  return { between, edge: firstHit };
}

function axisField(n: number, units: number, edge: (t: Target) => number): AxisField {
  const last = n - 1;
  if (units <= 1) {
    const first = edge({ edge: 'first', unit: 0 });
    const end = edge({ edge: 'last', unit: 0 });
    return { stride: 0, start: first > 0 ? first : null, end: end >= 0 && end < last ? end : null, length: n };
  }
  const firstA = edge({ edge: 'first', unit: units - 1 });
  const firstB = edge({ edge: 'first', unit: units - 2 });
  const lastA = edge({ edge: 'last', unit: 0 });
  const lastB = edge({ edge: 'last', unit: 1 });
  let stride = -1;
  if (firstB > 0) stride = firstA - firstB;
  else if (lastB >= 0 && lastB < last) stride = lastB - lastA;
  // Every unit runs past both edges, or nothing changed: the whole axis for every unit is the honest answer.
  if (stride < 0) return { stride: 0, start: null, end: null, length: n };
  return {
    stride,
    start: firstA > 0 ? firstA - (units - 1) * stride : null,
    end: lastA >= 0 && lastA < last ? lastA : null,
    length: n,
  };
}

function sameFlags(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function cutKey(c: Cut): string {
  return `${c.axis}:${c.kind}:${c.m}`;
}

/** For each cut, which units along its axis changed (1) at the centre line of the other axis. */
async function changedUnits(
  model: LoadedModel,
  layerId: string,
  spec: InputSpec,
  noise: { background: Float32Array; strip: Float32Array },
  base: tf.Tensor,
  cuts: Cut[],
  centre: { row: number; col: number },
): Promise<Uint8Array[]> {
  const { height: H, width: W, channels: C } = spec;
  const data = new Float32Array(cuts.length * H * W * C);
  const size = H * W * C;
  cuts.forEach((c, b) => {
    data.set(noise.background, b * size);
    const [lo, hi] = c.kind === 'prefix' ? [0, c.m] : [c.m, (c.axis === 'rows' ? H : W) - 1];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const p = c.axis === 'rows' ? y : x;
        if (p < lo || p > hi) continue;
        const at = (y * W + x) * C;
        data.set(noise.strip.subarray(at, at + C), b * size + at);
      }
    }
  });
  const input = tf.tensor4d(data, [cuts.length, H, W, C]);
  const [gh, gw] = [base.shape[1] as number, base.shape[2] as number];
  // Only the centre row and centre column are read: slicing them first keeps the comparison tiny (a full
  // [B, 112, 112, 64] broadcast compare took seconds on wasm).
  const [rowFlags, colFlags] = tf.tidy(() => {
    const out = forwardOne(model, layerId, input);
    const line = (t: tf.Tensor, begin: number[], size: number[]): tf.Tensor => tf.slice(t, begin, size);
    const changed = (o: tf.Tensor, b: tf.Tensor): tf.Tensor => {
      const excess = tf.sub(tf.abs(tf.sub(o, b)), tf.add(tf.mul(tf.abs(b), TOLERANCE), TOLERANCE));
      return tf.reshape(tf.max(excess, -1), [cuts.length, -1]);
    };
    const row = changed(line(out, [0, centre.row, 0, 0], [-1, 1, -1, -1]), line(base, [0, centre.row, 0, 0], [-1, 1, -1, -1]));
    const col = changed(line(out, [0, 0, centre.col, 0], [-1, -1, 1, -1]), line(base, [0, 0, centre.col, 0], [-1, -1, 1, -1]));
    return [row, col];
  });
  input.dispose();
  // Read asynchronously: webgpu in Node has no synchronous read (docs/webgpu.md).
  const [rows, cols] = await Promise.all([rowFlags.data(), colFlags.data()]);
  tf.dispose([rowFlags, colFlags]);
  return cuts.map((c, b) => {
    // Cuts across columns are read along the centre row (its units are indexed by column), and vice versa.
    const [units, values] = c.axis === 'rows' ? [gh, cols] : [gw, rows];
    const flags = new Uint8Array(units);
    for (let u = 0; u < units; u++) flags[u] = (values[b * units + u] as number) > 0 ? 1 : 0;
    return flags;
  });
}
