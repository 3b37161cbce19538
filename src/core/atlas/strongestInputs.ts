// The units of the previous layer that feed a unit most: the L2 norm over the kernel window of the weights from
// each input channel into it (HWIO), largest first.
export function strongestInputs(kernel: Float32Array, shape: readonly number[], unit: number, count: number): { unit: number; weight: number }[] {
  const [kh, kw, ci, co] = shape as [number, number, number, number];
  const norms: { unit: number; weight: number }[] = [];
  for (let i = 0; i < ci; i++) {
    let sum = 0;
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        const w = kernel[((y * kw + x) * ci + i) * co + unit] as number;
        sum += w * w;
      }
    }
    norms.push({ unit: i, weight: Math.sqrt(sum) });
  }
  return norms.sort((a, b) => b.weight - a.weight || a.unit - b.unit).slice(0, count);
}
