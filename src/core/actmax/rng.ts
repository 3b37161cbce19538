// A small seeded generator: every random choice of a run (initial image, transform draws) comes from it,
// so the same settings give the same pixels on the same backend.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/**
 * mulberry32: uniform numbers in [0, 1) from a 32-bit state; good enough for sampling choices and noise, and
 * trivially reproducible. Scripts and tests that write seeded weights use it too, so their files repeat exactly.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A run's generator: mulberry32 from the seed mixed with the golden ratio, so seeds 0, 1, 2 start apart. */
export function createRng(seed: number): Rng {
  const next = mulberry32(Math.floor(seed) ^ 0x9e3779b9);
  return {
    next,
    int: (n) => Math.min(n - 1, Math.floor(next() * n)),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    pick: (items) => items[Math.min(items.length - 1, Math.floor(next() * items.length))],
  };
}

/** `count` normal values with standard deviation `sd`. */
export function normalArray(rng: Rng, count: number, sd: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal() * sd;
  return out;
}
