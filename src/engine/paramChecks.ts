// Field checks for the engine's request params: each reads one field of a plain object and either returns it,
// typed, or throws a one-sentence badArgument that names the method and the field. Only own properties count,
// so `__proto__`, `constructor` and the like never pass for a field.
import { LayerLensError } from '../shared/errors';

export type Fields = Record<string, unknown>;

/** Longest path the engine accepts (Linux PATH_MAX); layer ids and other names are shorter. */
export const MAX_PATH_LENGTH = 4096;
export const MAX_NAME_LENGTH = 1024;

export function bad(where: string, problem: string): never {
  throw new LayerLensError('badArgument', `${where} ${problem}.`);
}

/** A plain object (not an array, not null); `where` names it in the sentence. */
export function record(value: unknown, where: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(where, 'must be an object');
  return value as Fields;
}

function field(o: Fields, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

export class ParamReader {
  constructor(
    private readonly o: Fields,
    /** e.g. "kernels: params" */
    private readonly where: string,
  ) {}

  static of(value: unknown, where: string): ParamReader {
    return new ParamReader(record(value, where), where);
  }

  private name(key: string): string {
    return `${this.where}.${key}`;
  }

  has(key: string): boolean {
    return field(this.o, key) !== undefined;
  }

  child(key: string): ParamReader {
    return ParamReader.of(field(this.o, key), this.name(key));
  }

  optionalChild(key: string): ParamReader | undefined {
    return this.has(key) ? this.child(key) : undefined;
  }

  raw(key: string): unknown {
    return field(this.o, key);
  }

  string(key: string, maxLength = MAX_NAME_LENGTH): string {
    const v = field(this.o, key);
    if (typeof v !== 'string') bad(this.name(key), 'must be a string');
    if (v.length > maxLength) bad(this.name(key), `is ${v.length} characters long; at most ${maxLength} are accepted`);
    if (v.includes('\0')) bad(this.name(key), 'contains a NUL character');
    return v;
  }

  /** A file or folder path: a non-empty string of at most MAX_PATH_LENGTH characters. */
  path(key: string): string {
    const v = this.string(key, MAX_PATH_LENGTH);
    if (v === '') bad(this.name(key), 'is empty');
    return v;
  }

  optionalString(key: string, maxLength = MAX_NAME_LENGTH): string | undefined {
    return this.has(key) ? this.string(key, maxLength) : undefined;
  }

  integer(key: string, lo: number, hi: number): number {
    return checkInteger(field(this.o, key), this.name(key), lo, hi);
  }

  optionalInteger(key: string, lo: number, hi: number): number | undefined {
    return this.has(key) ? this.integer(key, lo, hi) : undefined;
  }

  number(key: string, lo: number, hi: number): number {
    return checkNumber(field(this.o, key), this.name(key), lo, hi);
  }

  optionalNumber(key: string, lo: number, hi: number): number | undefined {
    return this.has(key) ? this.number(key, lo, hi) : undefined;
  }

  boolean(key: string): boolean {
    const v = field(this.o, key);
    if (typeof v !== 'boolean') bad(this.name(key), 'must be true or false');
    return v;
  }

  optionalBoolean(key: string): boolean | undefined {
    return this.has(key) ? this.boolean(key) : undefined;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = field(this.o, key);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) bad(this.name(key), `must be one of ${values.join(', ')}`);
    return v as T;
  }

  optionalOneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    return this.has(key) ? this.oneOf(key, values) : undefined;
  }

  /** An array of at most `max` (and at least `min`) items; `each` checks one item, named `key[i]`. */
  list<T>(key: string, min: number, max: number, each: (item: unknown, where: string) => T): T[] {
    const v = field(this.o, key);
    if (!Array.isArray(v)) bad(this.name(key), 'must be a list');
    if (v.length < min || v.length > max) {
      bad(this.name(key), min === max ? `must have ${min} entries (has ${v.length})` : `must have ${min} to ${max} entries (has ${v.length})`);
    }
    return v.map((item, i) => each(item, `${this.name(key)}[${i}]`));
  }

  optionalList<T>(key: string, min: number, max: number, each: (item: unknown, where: string) => T): T[] | undefined {
    return this.has(key) ? this.list(key, min, max, each) : undefined;
  }
}

export function checkNumber(v: unknown, where: string, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(where, 'must be a finite number');
  if (v < lo || v > hi) bad(where, `must be from ${lo} to ${hi} (got ${v})`);
  return v;
}

export function checkInteger(v: unknown, where: string, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) bad(where, 'must be a whole number');
  if (v < lo || v > hi) bad(where, `must be from ${lo} to ${hi} (got ${v})`);
  return v;
}

export function checkString(v: unknown, where: string, maxLength = MAX_NAME_LENGTH): string {
  if (typeof v !== 'string') bad(where, 'must be a string');
  if (v.length > maxLength) bad(where, `is ${v.length} characters long; at most ${maxLength} are accepted`);
  return v;
}
