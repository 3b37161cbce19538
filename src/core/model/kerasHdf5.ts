// Reads an HDF5 file (a Keras .h5, or the model.weights.h5 inside a .keras) from bytes with h5wasm, the HDF5 C
// library built to WebAssembly: the same library that wrote the file (Keras saves through h5py), so every
// layout, index and filter (gzip, shuffle, …) a Keras user's file can hold is read, in Node and in a browser.
// The bytes go into h5wasm's in-memory file system; nothing touches a disk. Shapes are read (metadata only)
// before any values, so a dataset that claims absurd dimensions is refused before anything is allocated.
// See docs/keras.md for why h5wasm rather than jsfive.
import type { Dataset, Group } from 'h5wasm';
import { LayerLensError } from '../../shared/errors';

/** A dataset's rank beyond this is no weight of a layer. */
const MAX_RANK = 8;
/** As for TF.js weights: beyond this a typed array cannot be made. */
const MAX_ELEMENTS = 2 ** 31 - 1;

export interface Hdf5File {
  /** A text attribute of the group at `path` ('' or '/' for the root), or undefined when it has none. */
  text(path: string, name: string): string | undefined;
  /** A list-of-text attribute, or undefined; Keras splits long lists into `name0`, `name1`, … (read here as one). */
  texts(path: string, name: string): string[] | undefined;
  /** The names of the members of the group at `path`, or undefined when `path` is not a group. */
  members(path: string): string[] | undefined;
  /** The shape of the dataset at `path`, or undefined when there is none. Reads no values. */
  shape(path: string): number[] | undefined;
  /** The values of the dataset at `path` as float32 (float16/float64 converted). */
  floats(path: string): Float32Array;
  close(): void;
}

/** The part of h5wasm's in-memory (Emscripten) file system used here. */
interface MemoryFs {
  writeFile(name: string, data: Uint8Array): void;
  unlink(name: string): void;
}

let h5Module: Promise<{ lib: typeof import('h5wasm'); fs: MemoryFs | undefined }> | undefined;

// Loaded on first use: only Keras users pay for the HDF5 library's start (~0.4 s to instantiate its wasm).
function h5(): Promise<{ lib: typeof import('h5wasm'); fs: MemoryFs | undefined }> {
  h5Module ??= import('h5wasm').then(async (lib) => {
    const module = (await lib.ready) as unknown as { FS?: MemoryFs; activate_throwing_error_handler?: () => number };
    // HDF5 prints its error stack to stderr by default; thrown instead, it becomes our own sentence.
    module.activate_throwing_error_handler?.();
    return { lib, fs: module.FS };
  });
  return h5Module;
}

let counter = 0;

/**
 * Opens `bytes` as HDF5. `path` names the file in messages; `what` says what it is ("the Keras file x.h5",
 * "the weights (model.weights.h5) inside x.keras").
 */
export async function openHdf5(bytes: Uint8Array, path: string, what: string): Promise<Hdf5File> {
  if (!isHdf5(bytes)) throw new LayerLensError('notAModel', `${what} is not an HDF5 file (it does not start with the HDF5 signature).`);
  const { lib, fs } = await h5();
  const name = `/layer-lens-${counter++}.h5`;
  if (!fs) throw new LayerLensError('internal', `The HDF5 library has no file system to read ${path} from.`);
  fs.writeFile(name, bytes);
  let file: InstanceType<typeof lib.File>;
  try {
    file = new lib.File(name, 'r');
    // h5wasm opens lazily in places; reading the root's members makes a damaged file fail here.
    file.keys();
  } catch {
    fs.unlink(name);
    throw damaged(what);
  }
  const group = (p: string): Group | undefined => {
    try {
      const entity = p === '' || p === '/' ? file : file.get(p);
      return entity instanceof lib.Group ? entity : undefined;
    } catch {
      throw damaged(what);
    }
  };
  const dataset = (p: string): Dataset | undefined => {
    try {
      const entity = file.get(p);
      return entity instanceof lib.Dataset ? entity : undefined;
    } catch {
      throw damaged(what);
    }
  };
  const attr = (p: string, attrName: string): unknown => {
    const g = group(p);
    if (!g) return undefined;
    try {
      const a = g.attrs[attrName];
      return a ? a.value : undefined;
    } catch {
      throw damaged(what);
    }
  };
  let closed = false;
  return {
    text(p, attrName) {
      return asText(attr(p, attrName));
    },
    texts(p, attrName) {
      const whole = attr(p, attrName);
      if (whole !== undefined) return asTexts(whole);
      const g = group(p);
      if (!g || !(`${attrName}0` in g.attrs)) return undefined;
      const out: string[] = [];
      for (let k = 0; `${attrName}${k}` in g.attrs; k++) out.push(...(asTexts(attr(p, `${attrName}${k}`)) ?? []));
      return out;
    },
    members(p) {
      const g = group(p);
      if (!g) return undefined;
      try {
        return g.keys();
      } catch {
        throw damaged(what);
      }
    },
    shape(p) {
      const d = dataset(p);
      if (!d) return undefined;
      try {
        return d.shape ?? [];
      } catch {
        throw damaged(what);
      }
    },
    floats(p) {
      const d = dataset(p);
      if (!d) throw new LayerLensError('missingWeights', `${what} has no dataset ${p}.`);
      let shape: number[];
      let meta: { type: number; size: number };
      try {
        shape = d.shape ?? [];
        meta = d.metadata;
      } catch {
        throw damaged(what);
      }
      const count = shape.reduce((a, b) => a * b, 1);
      if (shape.length > MAX_RANK || !shape.every((s) => Number.isSafeInteger(s) && s >= 0) || count > MAX_ELEMENTS) {
        throw new LayerLensError('badWeights', `${what} claims the shape [${shape.join(', ')}] for ${p}, more than any weight can be.`);
      }
      // HDF5 class 1 is floating point; Keras stores weights as float32 (float16/64 when a user chose so).
      if (meta.type !== 1 || ![2, 4, 8].includes(meta.size)) {
        throw new LayerLensError('badWeights', `${what} stores ${p} as something other than floating-point numbers, which Layer Lens cannot read as weights.`);
      }
      let value: unknown;
      try {
        value = d.value;
      } catch {
        throw damaged(what);
      }
      if (value instanceof Float32Array) return value;
      if (value instanceof Float64Array) return Float32Array.from(value);
      if (value instanceof Uint16Array && meta.size === 2) return halfToFloat(value);
      if (value && typeof value === 'object' && 'length' in value && ArrayBuffer.isView(value)) {
        return Float32Array.from(value as unknown as ArrayLike<number>);
      }
      throw damaged(what);
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        file.close();
      } finally {
        fs.unlink(name);
      }
    },
  };
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether `bytes` start with the HDF5 signature (a user block before it is not used by Keras). */
export function isHdf5(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

function damaged(what: string): LayerLensError {
  return new LayerLensError('malformedModel', `${what} is damaged or cut short (the HDF5 library cannot read its structure).`);
}

function asText(v: unknown): string | undefined {
  // A fixed-length string may keep its NUL padding (h5py writes bytes NUL-padded).
  if (typeof v === 'string') return v.replace(/\0+$/, '');
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  if (Array.isArray(v) && v.length === 1) return asText(v[0]);
  return undefined;
}

function asTexts(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) {
    const out = v.map(asText);
    return out.every((s): s is string => s !== undefined) ? out : undefined;
  }
  return undefined;
}

function halfToFloat(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const x = h[i] as number;
    const sign = x & 0x8000 ? -1 : 1;
    const exp = (x >> 10) & 0x1f;
    const frac = x & 0x3ff;
    out[i] = exp === 0 ? sign * 2 ** -14 * (frac / 1024) : exp === 31 ? (frac ? NaN : sign * Infinity) : sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return out;
}
