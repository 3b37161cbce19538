// The size a model without a fixed input size is run at, as the feature maps panel lets the user type it: "H×W"
// (or "H,W", "HxW", one number for a square). Checked the same way in the webview (to answer at once) and in the
// host (the webview's messages are never trusted).

export const INPUT_SIZE_MIN = 8;
export const INPUT_SIZE_MAX = 1024;

export interface InputSize {
  height: number;
  width: number;
}

/** The size `text` names, or one sentence saying what is wrong with it. */
export function parseInputSize(text: string): InputSize | string {
  const match = /^\s*(\d+)\s*(?:[,x×*]\s*(\d+))?\s*$/i.exec(text);
  if (!match) return `"${text.trim()}" is not a size: type HEIGHT×WIDTH in pixels, e.g. 224×224.`;
  const height = Number(match[1]);
  const width = Number(match[2] ?? match[1]);
  return checkInputSize(height, width) ?? { height, width };
}

/** One sentence when `height` × `width` is not a size Layer Lens runs a model at; undefined when it is. */
export function checkInputSize(height: unknown, width: unknown): string | undefined {
  const ok = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= INPUT_SIZE_MIN && (v as number) <= INPUT_SIZE_MAX;
  if (ok(height) && ok(width)) return undefined;
  return `The input size must be whole pixels from ${INPUT_SIZE_MIN} to ${INPUT_SIZE_MAX} on each side, not ${String(height)}×${String(width)}.`;
}

/** "224×224". */
export function formatInputSize(size: InputSize): string {
  return `${size.height}×${size.width}`;
}
