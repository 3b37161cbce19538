// Timing helpers for the benchmarks: median of repeated runs after a warm-up, printed as one line each.
import { performance } from 'node:perf_hooks';

export async function medianMs(runs: number, fn: () => Promise<void> | void, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Every line printed, for `npm run bench -- --json FILE`. */
export const printedRows: { label: string; value: string }[] = [];

export function line(label: string, value: string): void {
  printedRows.push({ label, value });
  process.stdout.write(`${label.padEnd(64)} ${value}\n`);
}
