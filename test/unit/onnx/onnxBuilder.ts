// Builds small ONNX files for tests by encoding ModelProto messages with the importer's own schema.
import { onnxModelType } from '../../../src/core/onnx/onnxGraph';
import { mulberry32 } from '../../../src/core/actmax/rng';

export interface NodeSpec {
  op: string;
  name?: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, number | number[] | string>;
  domain?: string;
}

export interface TensorSpec {
  name: string;
  dims: number[];
  data?: number[];
  /** Store the data in an external file instead of inline. */
  external?: { location: string; offset?: number; length?: number };
  int64?: boolean;
  /** Stored element type (raw little-endian bytes); default float32. */
  dataType?: 'float16' | 'float64' | 'int8' | 'int64';
}

export interface ModelSpec {
  /** elemType: ONNX TensorProto.DataType of the input (default 1, float32). */
  input: { name: string; dims: (number | string)[]; elemType?: number };
  outputs: string[];
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
  /** null: no opset import for the standard domain at all. */
  opset?: number | null;
}

const DATA_TYPES = { float16: 10, float64: 11, int8: 3, int64: 7 } as const;

/** IEEE half-precision bits of a number (round to nearest; enough for test weights). */
export function toHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity || a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  const e = Math.floor(Math.log2(a));
  const m = Math.round((a / 2 ** e - 1) * 1024);
  return m === 1024 ? sign | ((e + 16) << 10) : sign | ((e + 15) << 10) | m;
}

function rawBytes(type: keyof typeof DATA_TYPES, data: number[]): Uint8Array {
  if (type === 'float16') return new Uint8Array(Uint16Array.from(data, toHalf).buffer);
  if (type === 'float64') return new Uint8Array(Float64Array.from(data).buffer);
  if (type === 'int8') return new Uint8Array(Int8Array.from(data).buffer);
  return new Uint8Array(BigInt64Array.from(data, (x) => BigInt(x)).buffer);
}

function attr(name: string, v: number | number[] | string) {
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return v.every(Number.isInteger) ? { name, type: 7, ints: v } : { name, type: 6, floats: v };
  return Number.isInteger(v) ? { name, type: 2, i: v } : { name, type: 1, f: v };
}

function tensor(t: TensorSpec) {
  if (t.external) {
    const ext = [{ key: 'location', value: t.external.location }];
    if (t.external.offset !== undefined) ext.push({ key: 'offset', value: String(t.external.offset) });
    if (t.external.length !== undefined) ext.push({ key: 'length', value: String(t.external.length) });
    return { name: t.name, dims: t.dims, dataType: 1, dataLocation: 1, externalData: ext };
  }
  if (t.int64) return { name: t.name, dims: t.dims, dataType: 7, int64Data: t.data ?? [] };
  if (t.dataType) return { name: t.name, dims: t.dims, dataType: DATA_TYPES[t.dataType], rawData: rawBytes(t.dataType, t.data ?? []) };
  const raw = new Uint8Array(new Float32Array(t.data ?? []).buffer);
  return { name: t.name, dims: t.dims, dataType: 1, rawData: raw };
}

export function buildOnnx(spec: ModelSpec): Uint8Array {
  const type = onnxModelType();
  const dims = spec.input.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  const msg = type.fromObject({
    irVersion: 8,
    opsetImport: spec.opset === null ? [] : [{ domain: '', version: spec.opset ?? 13 }],
    producerName: 'layer-lens-test',
    graph: {
      name: 'g',
      node: spec.nodes.map((n, i) => ({
        name: n.name ?? `/${n.op}_${i}`,
        opType: n.op,
        domain: n.domain ?? '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attr(k, v)),
      })),
      initializer: (spec.initializers ?? []).map(tensor),
      input: [{ name: spec.input.name, type: { tensorType: { elemType: spec.input.elemType ?? 1, shape: { dim: dims } } } }],
      output: spec.outputs.map((name) => ({ name, type: { tensorType: { elemType: 1 } } })),
    },
  });
  return type.encode(msg).finish();
}

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32). */
export function seeded(n: number, seed = 1): number[] {
  const next = mulberry32(seed);
  return Array.from({ length: n }, () => next() * 2 - 1);
}
