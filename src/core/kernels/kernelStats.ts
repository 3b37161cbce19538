// Per-filter statistics of HWIO conv weights and the order by L2 norm. Plain typed-array code.

export interface FilterStatsArrays {
  min: Float32Array;
  max: Float32Array;
  mean: Float32Array;
  l2: Float32Array;
}

/** Index of weight (y, x, c, f) in an HWIO array. */
export function hwioIndex(shape: readonly number[], y: number, x: number, c: number, f: number): number {
  const [, kw, ci, co] = shape as [number, number, number, number];
  return ((y * kw + x) * ci + c) * co + f;
}

/** min, max, mean and L2 norm over all weights of each output filter. */
export function filterStats(data: Float32Array, shape: readonly number[]): FilterStatsArrays {
  const co = shape[3] as number;
  const min = new Float32Array(co).fill(Infinity);
  const max = new Float32Array(co).fill(-Infinity);
  const sum = new Float64Array(co);
  const sq = new Float64Array(co);
  for (let i = 0; i < data.length; i++) {
    const f = i % co;
    const v = data[i] as number;
    if (v < (min[f] as number)) min[f] = v;
    if (v > (max[f] as number)) max[f] = v;
    sum[f] = (sum[f] as number) + v;
    sq[f] = (sq[f] as number) + v * v;
  }
  const per = data.length / Math.max(co, 1);
  const mean = new Float32Array(co);
  const l2 = new Float32Array(co);
  for (let f = 0; f < co; f++) {
    mean[f] = (sum[f] as number) / per;
    l2[f] = Math.sqrt(sq[f] as number);
  }
  return { min, max, mean, l2 };
}

/** Filter indices by L2 norm, largest first; equal norms keep file order. */
export function orderByL2(l2: Float32Array): Int32Array {
  const order = Array.from({ length: l2.length }, (_, i) => i);
  order.sort((a, b) => (l2[b] as number) - (l2[a] as number) || a - b);
  return Int32Array.from(order);
}
