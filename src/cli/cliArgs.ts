// Argument parsing shared by every subcommand: node's parseArgs plus the checks that turn a missing or
// malformed flag into one sentence.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LayerLensError } from '../shared/errors';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: Options): Record<string, string | boolean | string[] | undefined> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: false, strict: true, tokens: true });
  } catch (e) {
    throw argumentError(e);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  refuseEmptyValues(values);
  refuseRepeatedValues(parsed.tokens ?? [], options);
  return values;
}

/**
 * `--k 3 … --k 4` ran with 4 and dropped the 3 without a word (node's parser keeps the last): an option that takes
 * one value, given twice with different values, is refused by name. The same value twice changes nothing.
 */
export function refuseRepeatedValues(tokens: readonly { kind: string; name?: string; value?: string }[], options: Options): void {
  const seen = new Map<string, string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === undefined || t.value === undefined || options[t.name]?.multiple) continue;
    const before = seen.get(t.name);
    if (before !== undefined && before !== t.value) throw new LayerLensError('badArgument', `--${t.name} is given twice (${before} and ${t.value}): give it once.`);
    seen.set(t.name, t.value);
  }
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

/** A plain decimal integer as typed: digits, with a leading '-' only for a negative one ("-0" is not one). */
const PLAIN_INTEGER = /^(0|-?[1-9]\d*|0\d+)$/;
/** A plain decimal number: 12, -0.5, .25, 1e-3; no hex, no '+', no spaces, no Infinity or NaN. */
const PLAIN_NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * An integer option: only a plain decimal integer is read (Number() took 1e1 as 10, 0x10 as 16, " 12 " as 12 and
 * "-0" as 0), within [min, max]; one sentence names the option, the range and the value otherwise. Without `max`
 * the option has no upper bound beyond what a double holds exactly.
 */
export function integer(value: unknown, name: string, fallback: number, min = 0, max?: number): number {
  if (value === undefined) return fallback;
  const n = plainInteger(value);
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    throw new LayerLensError('badArgument', `--${name} must be an integer ${rangeText(min, max)}, not ${shown(value)}.`);
  }
  return n;
}

/** The integer a value spells as a plain decimal integer; NaN for anything else (1e1, 0x10, " 12 ", +3, -0). */
export function plainInteger(value: unknown): number {
  return typeof value === 'string' && PLAIN_INTEGER.test(value) ? Number(value) : NaN;
}

/** A number option (a rate, a weight, a fraction): a plain decimal number within [min, max]. */
export function decimal(value: unknown, name: string, min: number, max: number, what = 'a number'): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && PLAIN_NUMBER.test(value) ? Number(value) : NaN;
  // '-0' is negative as typed: refused where the range starts at 0, as -0.0 would be.
  const negativeZero = typeof value === 'string' && value.startsWith('-') && n === 0 && min >= 0;
  if (!Number.isFinite(n) || n < min || n > max || negativeZero) throw new LayerLensError('badArgument', `--${name} must be ${what} from ${min} to ${max}, not ${shown(value)}.`);
  return n;
}

/** A value as the sentence quotes it: in quotes when spaces in it would vanish into the sentence. */
export function shown(value: unknown): string {
  return typeof value === 'string' && /\s/.test(value) ? JSON.stringify(value) : String(value);
}

function rangeText(min: number, max: number | undefined): string {
  return max === undefined ? `>= ${min}` : `from ${min} to ${max}`;
}

/** Common to every subcommand that runs a model. */
export const backendOption: Options = {
  backend: { type: 'string' },
};
