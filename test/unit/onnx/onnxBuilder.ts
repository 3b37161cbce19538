// Builds small ONNX files for tests by encoding ModelProto messages with the importer's own schema.
import { onnxModelType } from '../../../src/core/onnx/onnxGraph';

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
}

export interface ModelSpec {
  input: { name: string; dims: (number | string)[] };
  outputs: string[];
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
  opset?: number;
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
  const raw = new Uint8Array(new Float32Array(t.data ?? []).buffer);
  return { name: t.name, dims: t.dims, dataType: 1, rawData: raw };
}

export function buildOnnx(spec: ModelSpec): Uint8Array {
  const type = onnxModelType();
  const dims = spec.input.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  const msg = type.fromObject({
    irVersion: 8,
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }],
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
      input: [{ name: spec.input.name, type: { tensorType: { elemType: 1, shape: { dim: dims } } } }],
      output: spec.outputs.map((name) => ({ name, type: { tensorType: { elemType: 1 } } })),
    },
  });
  return type.encode(msg).finish();
}

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32). */
export function seeded(n: number, seed = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  });
}
