// Float32 views of the tensors a kernel receives, for the two backends whose memory a native kernel can use
// directly: wasm (one linear heap; a tensor is an offset into it) and cpu (a typed array per tensor). These
// are internals of tfjs-backend-wasm / tfjs-backend-cpu 4.x, so they are read through a narrow shape and
// checked: when they do not look as expected, the caller keeps the backend's own kernel.
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';

/** Dtypes stored as 4-byte words on both backends, which the value-moving kernels copy as they are. */
export type WordDtype = 'float32' | 'int32';
export type Words = Float32Array | Int32Array;

export interface TensorAccess {
  /** A Float32Array over the tensor's values (no copy). */
  view(t: TensorInfo): Float32Array;
  /** Allocates a float32 output, lets `fill` write it, returns its TensorInfo. */
  output(shape: number[], fill: (values: Float32Array) => void): TensorInfo;
  /** Whether words(t) can read t: a float32 or int32 tensor stored as this backend's kernels store them. */
  holdsWords(t: TensorInfo): boolean;
  /** The values of a float32 or int32 tensor (no copy; an empty array for an empty tensor). */
  words(t: TensorInfo): Words;
  /** Allocates a float32 or int32 output, lets `fill` write it, returns its TensorInfo. */
  wordsOutput(shape: number[], dtype: WordDtype, fill: (values: Words) => void): TensorInfo;
}

interface WasmBackendShape {
  dataIdMap: { get(id: DataId): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: WordDtype): TensorInfo;
}

interface CpuBackendShape {
  data: { get(id: DataId): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: WordDtype, values: Words): TensorInfo;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const arrayOf = (dtype: string) => (dtype === 'int32' ? Int32Array : Float32Array);

function wasmAccess(b: WasmBackendShape): TensorAccess {
  // The heap can grow (and be replaced) on every allocation, so views are made after the last one.
  const words = (t: TensorInfo): Words => {
    const n = size(t.shape);
    if (n === 0) return new (arrayOf(t.dtype))(0);
    const entry = b.dataIdMap.get(t.dataId);
    if (!entry) throw new Error('tensor is not on the wasm heap');
    const heap = b.wasm.HEAPU8.buffer;
    return t.dtype === 'int32' ? new Int32Array(heap, entry.memoryOffset, n) : new Float32Array(heap, entry.memoryOffset, n);
  };
  const view = (t: TensorInfo): Float32Array => {
    const entry = b.dataIdMap.get(t.dataId);
    if (!entry) throw new Error('tensor is not on the wasm heap');
    return new Float32Array(b.wasm.HEAPU8.buffer, entry.memoryOffset, size(t.shape));
  };
  return {
    view,
    output(shape, fill) {
      const out = b.makeOutput(shape, 'float32');
      fill(view(out));
      return out;
    },
    holdsWords: (t) => (t.dtype === 'float32' || t.dtype === 'int32') && b.dataIdMap.get(t.dataId) !== undefined,
    words,
    wordsOutput(shape, dtype, fill) {
      const out = b.makeOutput(shape, dtype);
      fill(words(out));
      return out;
    },
  };
}

function cpuAccess(b: CpuBackendShape): TensorAccess {
  return {
    view(t) {
      const values = b.data.get(t.dataId)?.values;
      if (!(values instanceof Float32Array)) throw new Error('tensor values are not a Float32Array');
      return values;
    },
    output(shape, fill) {
      const values = new Float32Array(size(shape));
      fill(values);
      return b.makeTensorInfo(shape, 'float32', values);
    },
    holdsWords: (t) => (t.dtype === 'float32' || t.dtype === 'int32') && b.data.get(t.dataId)?.values instanceof arrayOf(t.dtype),
    words(t) {
      const values = b.data.get(t.dataId)?.values;
      if (!(values instanceof arrayOf(t.dtype))) throw new Error(`tensor values are not a ${arrayOf(t.dtype).name}`);
      return values as Words;
    },
    wordsOutput(shape, dtype, fill) {
      const values = new (arrayOf(dtype))(size(shape));
      fill(values);
      return b.makeTensorInfo(shape, dtype, values);
    },
  };
}

/** Access for a backend object, or null when it is neither a wasm nor a cpu backend of the expected shape. */
export function tensorAccess(backendName: string, backend: unknown): TensorAccess | null {
  const b = backend as Partial<WasmBackendShape & CpuBackendShape>;
  if (backendName === 'wasm' && b.dataIdMap && b.wasm?.HEAPU8 && typeof b.makeOutput === 'function') return wasmAccess(b as WasmBackendShape);
  if (backendName === 'cpu' && b.data && typeof b.makeTensorInfo === 'function') return cpuAccess(b as CpuBackendShape);
  return null;
}
