/**
 * ‖got − ref‖ / ‖ref‖, the error measure every parity test states its tolerance in. Infinity when the lengths
 * differ; when `ref` is all zeros, 0 for an exact match and Infinity otherwise (a zero reference cannot excuse
 * a non-zero answer).
 */
export function relativeL2(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (got.length !== ref.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num += ((got[i] as number) - (ref[i] as number)) ** 2;
    den += (ref[i] as number) ** 2;
  }
  return den === 0 ? (num === 0 ? 0 : Infinity) : Math.sqrt(num / den);
}
