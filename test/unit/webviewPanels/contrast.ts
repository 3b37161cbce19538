// WCAG 2's contrast ratio of two CSS colours as a page computes them ("rgb(…)" / "rgba(…)"), for the panel tests.

/** [r, g, b, a] (0-255, alpha 0-1) of a computed CSS colour: "rgb(…)" or "rgba(…)". */
export function parseRgb(css: string): [number, number, number, number] {
  const m = /^rgba?\((\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)(?:,\s*(\d*\.?\d+))?\)$/.exec(css);
  if (!m) throw new Error(`not an rgb colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
}

/** WCAG 2's relative luminance of an sRGB colour. */
function luminance([r, g, b]: number[]): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
}

/** WCAG 2's contrast ratio of text over a background; a translucent colour is first laid over the one under it. */
export function contrastRatio(text: string, background: string, under: string): number {
  const over = (top: number[], bottom: number[]): number[] => top.slice(0, 3).map((c, i) => c * top[3]! + bottom[i]! * (1 - top[3]!));
  const base = parseRgb(under);
  const bg = over(parseRgb(background), base);
  const fg = over(parseRgb(text), bg);
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  return (hi! + 0.05) / (lo! + 0.05);
}
