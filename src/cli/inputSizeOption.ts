// --input-size H,W: the size a model whose input size is not fixed is opened and run at (the sidecar's or 224
// otherwise). Refused by the loader for a model whose fixed size differs.
import type { ModelLoadOptions } from '../core/model/loadOptions';
import { INPUT_SIZE_MAX, INPUT_SIZE_MIN } from '../shared/inputSize';
import type { AssumedInputSize } from '../shared/model';
import { LayerLensError } from '../shared/errors';
import { plainInteger, shown, type Options } from './cliArgs';

export const inputSizeOption: Options = {
  'input-size': { type: 'string' },
};

/**
 * The load options the command line asks for. Each side is a plain decimal integer, as every other number the CLI
 * reads ("224, 224" and 0x100 are refused), within the sides the engine runs a model at (shared/inputSize.ts): the
 * CLI took up to 8192, which the panels and the engine refuse.
 */
export function inputSizeOf(values: Record<string, unknown>): ModelLoadOptions {
  const raw = values['input-size'];
  if (raw === undefined) return {};
  // 224x224 and 224×224 too: the CLI and the panels print sizes that way.
  const sides = typeof raw === 'string' ? raw.split(/[,x×]/).map(plainInteger) : [];
  const [h, w] = sides;
  const ok = (n: number | undefined): n is number => n !== undefined && n >= INPUT_SIZE_MIN && n <= INPUT_SIZE_MAX;
  if (sides.length !== 2 || !ok(h) || !ok(w)) {
    throw new LayerLensError('badArgument', `--input-size must be HEIGHT,WIDTH, two integers from ${INPUT_SIZE_MIN} to ${INPUT_SIZE_MAX} (e.g. 224,224), not ${shown(raw)}.`);
  }
  return { inputSize: [h, w] };
}

/** "runs at 224×224 (Layer Lens's default; …)" for listings. */
export function assumedSizeLine(size: AssumedInputSize): string {
  const why = size.source === 'option' ? 'from --input-size' : size.source === 'sidecar' ? 'from the sidecar' : 'the default; --input-size H,W or input.height/width in the sidecar change it';
  return `runs at ${size.height}×${size.width} (input size not fixed by the model; ${why})`;
}
