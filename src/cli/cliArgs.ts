// Argument parsing shared by every subcommand: node's parseArgs plus the checks that turn a missing or
// malformed flag into one sentence.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LayerLensError } from '../shared/errors';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: Options): Record<string, string | boolean | string[] | undefined> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | string[] | undefined>;
  } catch (e) {
    throw new LayerLensError('badArgument', (e as Error).message.split('\n')[0]);
  }
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
