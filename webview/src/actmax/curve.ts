// The objective curve's geometry (pure, no DOM): values per step → polylines in a w × h box, y growing down.
export interface CurveGeometry {
  min: number;
  max: number;
  /** One polyline per unit: [x, y] pixel points. */
  lines: [number, number][][];
}

/**
 * Scales the first `upto` values of every history into the box inside `pad` pixels: x spans `totalSteps`
 * (so the curve grows to the right while the run goes on), y spans the min..max over all shown values.
 * A flat curve sits in the middle; NaN and ±Infinity are skipped.
 */
export function curveGeometry(histories: ArrayLike<number>[], upto: number, totalSteps: number, width: number, height: number, pad = 4): CurveGeometry {
  let min = Infinity;
  let max = -Infinity;
  for (const h of histories) {
    for (let i = 0; i < Math.min(upto, h.length); i++) {
      const v = h[i];
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) return { min: 0, max: 0, lines: histories.map(() => []) };
  const innerW = Math.max(1, width - 2 * pad);
  const innerH = Math.max(1, height - 2 * pad);
  const span = max - min;
  const xOf = (i: number) => pad + (totalSteps > 1 ? (i / (totalSteps - 1)) * innerW : innerW / 2);
  const yOf = (v: number) => (span > 0 ? pad + (1 - (v - min) / span) * innerH : pad + innerH / 2);
  const lines = histories.map((h) => {
    const pts: [number, number][] = [];
    for (let i = 0; i < Math.min(upto, h.length); i++) {
      if (Number.isFinite(h[i])) pts.push([xOf(i), yOf(h[i])]);
    }
    return pts;
  });
  return { min, max, lines };
}

/** Live frames carry only the latest objective values; this grows per-unit histories from them. */
export class LiveHistory {
  private values: number[][] = [];
  private steps: number[] = [];

  reset(units: number): void {
    this.values = Array.from({ length: units }, () => []);
    this.steps = [];
  }

  add(step: number, objective: readonly number[]): void {
    if (this.values.length !== objective.length) this.reset(objective.length);
    this.steps.push(step);
    objective.forEach((v, i) => this.values[i].push(v));
  }

  /** Histories laid out by step index (gaps filled with the previous value), for curveGeometry. */
  dense(totalSteps: number): { histories: number[][]; upto: number } {
    const last = this.steps[this.steps.length - 1] ?? 0;
    const histories = this.values.map((vals) => {
      const out = new Array<number>(Math.min(last, totalSteps)).fill(NaN);
      this.steps.forEach((s, k) => {
        if (s >= 1 && s <= out.length) out[s - 1] = vals[k];
      });
      return out;
    });
    return { histories, upto: Math.min(last, totalSteps) };
  }
}
