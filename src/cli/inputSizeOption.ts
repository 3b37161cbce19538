// --input-size H,W: the size a model whose input size is not fixed is opened and run at (the sidecar's or 224
// otherwise). Refused by the loader for a model whose fixed size differs.
import type { ModelLoadOptions } from '../core/model/loadOptions';
import type { AssumedInputSize } from '../shared/model';
import { LayerLensError } from '../shared/errors';
import type { Options } from './cliArgs';

export const inputSizeOption: Options = {
  'input-size': { type: 'string' },
};

const MAX_SIDE = 8192;

/** The load options the command line asks for. */
export function inputSizeOf(values: Record<string, unknown>): ModelLoadOptions {
  const raw = values['input-size'];
  if (raw === undefined) return {};
  const match = typeof raw === 'string' ? /^\s*(\d+)\s*[,x×]\s*(\d+)\s*$/i.exec(raw) : null;
  const h = Number(match?.[1]);
  const w = Number(match?.[2]);
  if (!match || h < 1 || w < 1 || h > MAX_SIDE || w > MAX_SIDE) {
    throw new LayerLensError('badArgument', `--input-size must be HEIGHT,WIDTH in pixels from 1 to ${MAX_SIDE} (e.g. 224,224), not ${String(raw)}.`);
  }
  return { inputSize: [h, w] };
}

/** "runs at 224×224 (Layer Lens's default; …)" for listings. */
export function assumedSizeLine(size: AssumedInputSize): string {
  const why = size.source === 'option' ? 'from --input-size' : size.source === 'sidecar' ? 'from the sidecar' : 'the default; --input-size H,W or input.height/width in the sidecar change it';
  return `runs at ${size.height}×${size.width} (input size not fixed by the model; ${why})`;
}
