// Typed arrays across the webview boundary. Desktop VS Code transfers them as typed arrays, but code-server
// (VS Code 1.139 in a browser: what the test harness runs, and what remote users run) was seen delivering
// every typed array as a plain object with index keys, in both directions — a JSON number list in disguise,
// and slow. So both sides pack every typed array into base64 before posting and unpack on receipt: one
// representation everywhere, a third larger than raw bytes, decoded at memory speed.
import { fromByteArray, toByteArray } from 'base64-js';

const KINDS = {
  Uint8Array,
  Uint8ClampedArray,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} as const;

type Kind = keyof typeof KINDS;

export interface PackedBinary {
  $binary: Kind;
  base64: string;
}

function isPacked(value: unknown): value is PackedBinary {
  return typeof value === 'object' && value !== null && typeof (value as PackedBinary).$binary === 'string'
    && typeof (value as PackedBinary).base64 === 'string' && (value as PackedBinary).$binary in KINDS;
}

/** Replaces every typed array inside `value` (objects and arrays, any depth) by its base64 form. */
export function packBinary(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const kind = value.constructor.name as Kind;
    if (!(kind in KINDS)) return value;
    return { $binary: kind, base64: fromByteArray(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) } satisfies PackedBinary;
  }
  if (value instanceof ArrayBuffer) return packBinary(new Uint8Array(value));
  if (Array.isArray(value)) return value.map(packBinary);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = packBinary(v);
    return out;
  }
  return value;
}

/** The inverse of packBinary: every packed value becomes its typed array again. */
export function unpackBinary(value: unknown): unknown {
  if (isPacked(value)) {
    const bytes = toByteArray(value.base64);
    const Ctor = KINDS[value.$binary];
    // toByteArray returns a fresh, offset-0 buffer, so any element size is aligned.
    return new Ctor(bytes.buffer as ArrayBuffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
  }
  if (Array.isArray(value)) return value.map(unpackBinary);
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = unpackBinary(v);
    return out;
  }
  return value;
}
