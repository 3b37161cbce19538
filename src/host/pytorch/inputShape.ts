// The input shape a PyTorch file is converted at, as the user types it: NCHW, batch first ("1,3,224,224", also
// with spaces, "x" or "×" between the numbers). Pure, so the prompt and its tests share it.
import { PYTORCH_SHAPE_MAX_DIM, PYTORCH_SHAPE_MAX_ELEMENTS } from '../../shared/pytorchProtocol';

/** What the prompt offers when the file does not tell: an ImageNet-sized RGB image. */
export const DEFAULT_INPUT_SHAPE: readonly number[] = [1, 3, 224, 224];

export type ShapeParse = { ok: true; shape: number[] } | { ok: false; problem: string };

/** The shape typed by the user, or the one sentence that says what is wrong with it. */
export function parseInputShape(text: string): ShapeParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'Type the input shape as four numbers N,C,H,W such as 1,3,224,224.' };
  const parts = trimmed.split(/\s*[,x×*]\s*|\s+/i);
  if (parts.some((p) => !/^\d+$/.test(p))) {
    return { ok: false, problem: `"${shorten(trimmed)}" is not a list of whole numbers: type N,C,H,W such as 1,3,224,224.` };
  }
  const shape = parts.map(Number);
  if (shape.length !== 4) {
    return { ok: false, problem: `The input shape needs four numbers N,C,H,W (batch, channels, height, width), not ${shape.length}.` };
  }
  const zero = shape.findIndex((d) => d < 1);
  if (zero >= 0) return { ok: false, problem: `Each number of the input shape must be at least 1 (${'NCHW'[zero]} is ${shape[zero]}).` };
  const big = shape.findIndex((d) => d > PYTORCH_SHAPE_MAX_DIM);
  if (big >= 0) return { ok: false, problem: `${'NCHW'[big]} is ${shape[big]}; each number of the input shape may be at most ${PYTORCH_SHAPE_MAX_DIM}.` };
  const values = shape.reduce((a, b) => a * b, 1);
  if (values > PYTORCH_SHAPE_MAX_ELEMENTS) {
    return { ok: false, problem: `An input of ${shape.join('×')} holds ${values.toLocaleString('en-US')} values, more than the ${PYTORCH_SHAPE_MAX_ELEMENTS.toLocaleString('en-US')} a conversion may trace.` };
  }
  return { ok: true, shape };
}

/** The text the prompt is pre-filled with: the file's own shape when it has a usable one, else the default. */
export function initialShapeText(fromFile: readonly number[] | undefined): string {
  const text = fromFile?.join(',');
  return text !== undefined && parseInputShape(text).ok ? text : DEFAULT_INPUT_SHAPE.join(',');
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
