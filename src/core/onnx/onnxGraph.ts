// Decodes ONNX bytes into a small graph structure: nodes with parsed attributes, initializers as typed
// arrays, the image input and the outputs. No TF.js here: this is pure parsing.
import * as protobuf from 'protobufjs/light';
import { LayerLensError } from '../../shared/errors';
import { ONNX_SCHEMA, AttrType, DataType } from './onnxSchema';
import type { AttributeMsg, GraphMsg, ModelMsg, TensorMsg } from './onnxSchema';
import { MAX_TENSOR_ELEMENTS } from './validateOnnxSizes';
import { readExternalTensor } from './externalData';

/** A constant tensor held in JS: initializers and everything folded at load time. Integers are int32. */
export interface ConstValue {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: Float32Array | Int32Array;
}

export type AttrValue = number | number[] | string | string[] | ConstValue;

export interface OnnxNode {
  /** Position in the graph's (topologically sorted) node list. */
  index: number;
  name: string;
  opType: string;
  domain: string;
  /** Input tensor names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Map<string, AttrValue>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: Map<string, ConstValue>;
  /** The real (non-initializer) inputs, with declared dims: a number, or a symbolic name / null. */
  inputs: { name: string; dims: (number | string | null)[] }[];
  outputs: string[];
  /** Version of the default ('' / ai.onnx) opset. */
  opset: number;
  producer: string;
}

let modelType: protobuf.Type | undefined;

/** The protobufjs type of onnx.ModelProto (tests use it to encode small models). */
export function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

/** Decodes the ModelProto; throws 'malformedModel' for bytes that are not a complete ONNX file. */
export function decodeModel(bytes: Uint8Array, fileName: string): ModelMsg {
  // Zero bytes decode as an empty ModelProto, which was then called malformed for its missing opset.
  if (bytes.length === 0) throw new LayerLensError('malformedModel', `${fileName} is empty (0 bytes), so it holds no ONNX model.`);
  let msg: protobuf.Message;
  try {
    msg = onnxModelType().decode(bytes);
  } catch (e) {
    throw new LayerLensError('malformedModel', `${fileName} is not a readable ONNX file: ${decodeProblem(e, bytes.length)}.`);
  }
  return onnxModelType().toObject(msg, { longs: Number, arrays: true }) as ModelMsg;
}

/** How a message names a tensor: byte flips can leave it nameless. */
function tensorLabel(t: TensorMsg): string {
  return t.name ? `tensor '${t.name}'` : 'an unnamed tensor';
}

/** protobufjs's reason, in words: where the bytes stop making sense. */
function decodeProblem(e: unknown, length: number): string {
  const why = e instanceof Error ? e.message : '';
  if (/index out of range/i.test(why)) return `it ends in the middle of a record after ${length} bytes (truncated)`;
  const at = /offset (\d+)/i.exec(why)?.[1];
  return `its bytes stop being ONNX data${at ? ` at byte ${at}` : ''} (corrupt, or not an ONNX model)`;
}

/** Builds the graph, reading external tensor data through `readExternal`. */
export async function buildGraph(
  model: ModelMsg,
  fileName: string,
  readExternal?: (relativeName: string) => Promise<Uint8Array>,
): Promise<OnnxGraph> {
  const g: GraphMsg | undefined = model.graph;
  if (!g || !g.node || g.node.length === 0) {
    throw new LayerLensError('malformedModel', `${fileName} is not a readable ONNX file: it holds no graph nodes (truncated, or not an ONNX model).`);
  }
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 13;
  const initializers = new Map<string, ConstValue>();
  const externalCache = new Map<string, Uint8Array>();
  for (const t of g.initializer ?? []) {
    initializers.set(t.name ?? '', await tensorValue(t, fileName, readExternal, externalCache));
  }
  const nodes = (g.node ?? []).map((n, index): OnnxNode => {
    const attrs = new Map<string, AttrValue>();
    for (const a of n.attribute ?? []) attrs.set(a.name ?? '', attrValue(a, fileName));
    return {
      index,
      name: n.name || `${n.opType ?? 'node'}_${index}`,
      opType: n.opType ?? '',
      domain: n.domain ?? '',
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attrs,
    };
  });
  const inputs = (g.input ?? [])
    .filter((v) => !initializers.has(v.name ?? ''))
    .map((v) => ({
      name: v.name ?? '',
      dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue ? d.dimValue : d.dimParam ? d.dimParam : null)),
    }));
  return {
    nodes: topoSort(nodes, new Set([...initializers.keys(), ...inputs.map((i) => i.name)]), fileName),
    initializers,
    inputs,
    outputs: (g.output ?? []).map((o) => o.name ?? ''),
    opset,
    producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
  };
}

/** ONNX requires topological order, but some tools write nodes out of order; sort stably, and name a dangling input. */
function topoSort(nodes: OnnxNode[], known: Set<string>, fileName: string): OnnxNode[] {
  const defined = new Set(known);
  const out: OnnxNode[] = [];
  let pending = nodes;
  while (pending.length > 0) {
    const next: OnnxNode[] = [];
    for (const n of pending) {
      if (n.inputs.every((i) => i === '' || defined.has(i))) {
        out.push(n);
        for (const o of n.outputs) defined.add(o);
      } else next.push(n);
    }
    if (next.length === pending.length) {
      const n = next[0];
      const missing = n.inputs.find((i) => i !== '' && !defined.has(i) && !nodes.some((m) => m.outputs.includes(i)));
      throw new LayerLensError(
        'malformedModel',
        missing !== undefined
          ? `${fileName} is malformed: node '${n.name}' reads tensor '${missing}', which no node or initializer defines (is the file truncated?).`
          : `${fileName} is malformed: its graph has a cycle through node '${n.name}'.`,
      );
    }
    pending = next;
  }
  return out.map((n, index) => ({ ...n, index }));
}

function attrValue(a: AttributeMsg, fileName: string): AttrValue {
  const dec = new TextDecoder();
  switch (a.type) {
    case AttrType.FLOAT: return a.f ?? 0;
    case AttrType.INT: return a.i ?? 0;
    case AttrType.STRING: return dec.decode(a.s ?? new Uint8Array());
    case AttrType.FLOATS: return a.floats ?? [];
    case AttrType.INTS: return a.ints ?? [];
    case AttrType.STRINGS: return (a.strings ?? []).map((s) => dec.decode(s));
    case AttrType.TENSOR: return inlineTensor(a.t ?? {}, fileName);
    default:
      // Old files may omit the type: infer it from whichever field is set.
      if (a.t) return inlineTensor(a.t, fileName);
      if (a.ints && a.ints.length) return a.ints;
      if (a.floats && a.floats.length) return a.floats;
      if (a.s && a.s.length) return dec.decode(a.s);
      if (a.i !== undefined) return a.i;
      return a.f ?? 0;
  }
}

function inlineTensor(t: TensorMsg, fileName: string): ConstValue {
  return decodeTensorData(t, t.rawData, fileName);
}

async function tensorValue(
  t: TensorMsg,
  fileName: string,
  readExternal: ((relativeName: string) => Promise<Uint8Array>) | undefined,
  cache: Map<string, Uint8Array>,
): Promise<ConstValue> {
  if (t.dataLocation !== 1) return decodeTensorData(t, t.rawData, fileName);
  // An unknown data type has no byte width: decodeTensorData names it before anything is read.
  const bytesPer = BYTES_PER[t.dataType ?? DataType.FLOAT];
  if (bytesPer === undefined) return decodeTensorData(t, undefined, fileName);
  return decodeTensorData(t, await readExternalTensor(t, fileName, bytesPer, readExternal, cache), fileName);
}

const BYTES_PER: Record<number, number> = {
  [DataType.FLOAT]: 4, [DataType.DOUBLE]: 8, [DataType.INT64]: 8, [DataType.UINT64]: 8, [DataType.INT32]: 4,
  [DataType.UINT32]: 4, [DataType.INT16]: 2, [DataType.UINT16]: 2, [DataType.INT8]: 1, [DataType.UINT8]: 1,
  [DataType.BOOL]: 1, [DataType.FLOAT16]: 2, [DataType.BFLOAT16]: 2,
};

function decodeTensorData(t: TensorMsg, raw: Uint8Array | undefined, fileName: string): ConstValue {
  const shape = (t.dims ?? []).map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const type = t.dataType ?? DataType.FLOAT;
  const isFloat = type === DataType.FLOAT || type === DataType.DOUBLE || type === DataType.FLOAT16 || type === DataType.BFLOAT16;
  const dtype: ConstValue['dtype'] = isFloat ? 'float32' : type === DataType.BOOL ? 'bool' : 'int32';
  const bytesPer = BYTES_PER[type];
  if (bytesPer === undefined) {
    throw new LayerLensError('unsupportedOp', `${fileName} holds ${tensorLabel(t)} of ONNX data type ${type}, which Layer Lens cannot import.`);
  }
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_TENSOR_ELEMENTS) {
    throw new LayerLensError('malformedModel', `${fileName} is malformed: ${tensorLabel(t)} claims the shape [${shape.join(', ')}], which no tensor can have.`);
  }
  // Sizes are compared before anything is allocated: a flipped dim must not ask for gigabytes first.
  if (raw && raw.length > 0 && raw.length !== size * bytesPer) {
    throw new LayerLensError('malformedModel', `${fileName} is malformed: ${tensorLabel(t)} has ${raw.length} bytes of data where its shape needs ${size * bytesPer} (is the file truncated?).`);
  }
  if (raw && raw.length > 0) {
    const data = isFloat ? new Float32Array(size) : new Int32Array(size);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < size; i++) data[i] = readRaw(view, i, type);
    return { shape, dtype, data };
  }
  const list: number[] =
    t.floatData?.length ? t.floatData
      : t.doubleData?.length ? t.doubleData
        : t.int64Data?.length ? t.int64Data
          : t.uint64Data?.length ? t.uint64Data
            : t.int32Data ?? [];
  if (list.length !== size) {
    if (list.length === 0 && size > 0 && (t.dataLocation ?? 0) === 0) {
      throw new LayerLensError('malformedModel', `${fileName} is malformed: ${tensorLabel(t)} has no data (is the file truncated?).`);
    }
    if (list.length !== size) throw new LayerLensError('malformedModel', `${fileName} is malformed: ${tensorLabel(t)} has ${list.length} values where its shape needs ${size}.`);
  }
  const data = isFloat ? new Float32Array(size) : new Int32Array(size);
  if (type === DataType.FLOAT16 || type === DataType.BFLOAT16) {
    for (let i = 0; i < size; i++) data[i] = type === DataType.FLOAT16 ? half(list[i]) : bfloat(list[i]);
  } else {
    for (let i = 0; i < size; i++) data[i] = clampInt(list[i], isFloat);
  }
  return { shape, dtype, data };
}

function readRaw(v: DataView, i: number, type: number): number {
  switch (type) {
    case DataType.FLOAT: return v.getFloat32(i * 4, true);
    case DataType.DOUBLE: return v.getFloat64(i * 8, true);
    case DataType.INT64: return clampInt(Number(v.getBigInt64(i * 8, true)), false);
    case DataType.UINT64: return clampInt(Number(v.getBigUint64(i * 8, true)), false);
    case DataType.INT32: return v.getInt32(i * 4, true);
    case DataType.UINT32: return clampInt(v.getUint32(i * 4, true), false);
    case DataType.INT16: return v.getInt16(i * 2, true);
    case DataType.UINT16: return v.getUint16(i * 2, true);
    case DataType.INT8: return v.getInt8(i);
    case DataType.UINT8: case DataType.BOOL: return v.getUint8(i);
    case DataType.FLOAT16: return half(v.getUint16(i * 2, true));
    case DataType.BFLOAT16: return bfloat(v.getUint16(i * 2, true));
    default: return 0;
  }
}

/** int64 values (INT64_MAX marks "to the end" in Slice) are clamped into int32 range. */
function clampInt(x: number, isFloat: boolean): number {
  if (isFloat) return x;
  return Math.max(-2147483648, Math.min(2147483647, x));
}

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function bfloat(bits: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setUint32(0, bits << 16);
  return v.getFloat32(0);
}
