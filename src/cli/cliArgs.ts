// Argument parsing shared by every subcommand: node's parseArgs plus the checks that turn a missing or
// malformed flag into one sentence.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LayerLensError } from '../shared/errors';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: Options): Record<string, string | boolean | string[] | undefined> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | string[] | undefined>;
  } catch (e) {
    throw argumentError(e);
  }
  refuseEmptyValues(values);
  return values;
}

/**
 * `--units ""` (an unset shell variable) is refused by name: as a number it read 0 (`--diversity ""` ran as 0), as
 * a folder or layer it meant the default (`--images ""` drew no examples, `--layers ""` every layer), and elsewhere
 * it gave a sentence with a blank in it ("--class  is neither…").
 */
function refuseEmptyValues(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const list = Array.isArray(value) ? value : [value];
    if (list.some((v) => typeof v === 'string' && v.trim() === '')) throw new LayerLensError('badArgument', `--${name} needs a value, not an empty string.`);
  }
}

/**
 * `--unit -1` as `--unit=-1`: node's parseArgs takes a value that starts with '-' for another option and calls the
 * first one ambiguous, so a negative number read "--unit needs a value" instead of being checked (and refused, or
 * used) as the number it is.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([^=]+)$/.exec(argv[i])?.[1];
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

/**
 * node's parseArgs error as our one sentence: its own text ("Option '--steps <value>' argument missing", "Unknown
 * option '--foo'") names node's parser, not what to do, and the ambiguous-value one runs to three lines.
 */
export function argumentError(e: unknown): LayerLensError {
  const { code, message } = e as { code?: string; message?: string };
  const text = String(message ?? e);
  const quoted = /'(-[^' <]+)/.exec(text)?.[1] ?? /'([^']*)'/.exec(text)?.[1];
  if (quoted !== undefined) {
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new LayerLensError('badArgument', `${quoted} is not an option of this command (--help lists them).`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new LayerLensError('badArgument', `Unexpected argument '${quoted}': every value follows the --option it belongs to (--help lists them).`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      return new LayerLensError('badArgument', /does not take an argument/.test(text) ? `${quoted} takes no value.` : `${quoted} needs a value.`);
    }
  }
  return new LayerLensError('badArgument', text.split('\n')[0]);
}

export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new LayerLensError('badArgument', `--${name} is required.`);
  return v;
}

export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new LayerLensError('badArgument', `--${name} must be one of ${allowed.join(', ')}, not ${String(value)}.`);
}

export function integer(value: unknown, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new LayerLensError('badArgument', `--${name} must be an integer >= ${min}, not ${String(value)}.`);
  return n;
}

/** Common to every subcommand that runs a model. */
export const backendOption: Options = {
  backend: { type: 'string' },
};
