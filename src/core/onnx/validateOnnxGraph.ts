// Checks a decoded ONNX ModelProto before anything is allocated or run: the opset, the image input (type and
// size), every tensor's claimed size, attribute types of the ops whose attributes size windows, one producer
// per tensor, graph outputs that something defines, and float-only inputs of convs and matrix products.
// Byte flips and truncations mostly land here; each problem is one sentence naming the file.
import { LayerLensError } from '../../shared/errors';
import { AttrType, DataType } from './onnxSchema';
import type { AttributeMsg, GraphMsg, ModelMsg, NodeMsg, TensorMsg } from './onnxSchema';
import type { OnnxGraph } from './onnxGraph';
import { claimedElements, MAX_INPUT_ELEMENTS } from './validateOnnxSizes';
import { refuseNonFinite } from '../model/validateWeightValues';

/** Opsets whose semantics the op compilers follow (older ones moved inputs into attributes). */
export const MIN_OPSET = 7;
export const MAX_OPSET = 21;
const TYPE_NAMES: Record<number, string> = {
  [DataType.FLOAT]: 'float32', [DataType.UINT8]: 'uint8', [DataType.INT8]: 'int8', [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16', [DataType.INT32]: 'int32', [DataType.INT64]: 'int64', [DataType.STRING]: 'string',
  [DataType.BOOL]: 'bool', [DataType.FLOAT16]: 'float16', [DataType.DOUBLE]: 'float64', [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64', [DataType.BFLOAT16]: 'bfloat16',
};
const FLOAT_TYPES: ReadonlySet<number> = new Set([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.BFLOAT16]);

export function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `type ${t}`;
}

/** Throws 'malformedModel', 'unsupportedOp' or 'notAModel' for the first problem found. */
export function validateOnnxModel(model: ModelMsg, file: string): void {
  checkOpset(model, file);
  const g = model.graph;
  if (!g || !g.node || g.node.length === 0) return; // buildGraph says so in its own words
  for (const t of g.initializer ?? []) checkTensorClaim(t, file, t.name ? `initializer '${t.name}'` : 'an unnamed initializer');
  const nodeNames = g.node.map((n, i) => n.name || `${n.opType || 'node'}_${i}`);
  g.node.forEach((n, i) => {
    for (const a of n.attribute ?? []) {
      if (a.t) checkTensorClaim(a.t, file, `the tensor attribute '${a.name ?? ''}' of node '${nodeNames[i]}'`);
      checkAttrType(n, a, nodeNames[i] as string, file);
    }
    checkRequiredAttrs(n, nodeNames[i] as string, file);
  });
  checkImageInput(g, file);
  checkProducers(g, nodeNames, file);
  checkTypes(g, nodeNames, file);
}

function malformed(file: string, what: string): LayerLensError {
  return new LayerLensError('malformedModel', `${file} is malformed: ${what}.`);
}

function checkOpset(model: ModelMsg, file: string): void {
  const imports = model.opsetImport ?? [];
  const main = imports.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!main || main.version === undefined || main.version === 0) {
    throw malformed(file, `it declares no opset version for the standard ONNX operators (Layer Lens supports opsets ${MIN_OPSET} to ${MAX_OPSET})`);
  }
  if (!Number.isInteger(main.version) || main.version < MIN_OPSET || main.version > MAX_OPSET) {
    throw new LayerLensError(
      'unsupportedOp',
      `${file} uses ONNX opset ${main.version}, but Layer Lens supports opsets ${MIN_OPSET} to ${MAX_OPSET} (re-export the model with an opset in that range).`,
    );
  }
}

/** A tensor's dims and data length must agree before its typed array is made. */
function checkTensorClaim(t: TensorMsg, file: string, what: string): void {
  const dims = (t.dims ?? []).map(Number);
  const count = claimedElements(dims);
  if (typeof count === 'string') throw malformed(file, `${what} claims ${count} in its shape [${dims.join(', ')}]`);
  const type = t.dataType ?? DataType.FLOAT;
  if (TYPE_NAMES[type] === undefined || type === DataType.STRING) {
    throw new LayerLensError('unsupportedOp', `${file} holds ${what} of ONNX data type ${type}, which Layer Lens cannot import.`);
  }
}

/** Expected attribute types of the ops that read them (a numeric attribute may widen from int to float). */
const INTS = ['kernel_shape', 'strides', 'pads', 'dilations', 'output_padding', 'output_shape', 'perm'];
const INT = ['group', 'axis', 'transA', 'transB', 'keepdims', 'to', 'ceil_mode', 'count_include_pad', 'storage_order', 'size'];
const FLOAT = ['alpha', 'beta', 'epsilon', 'momentum', 'bias', 'gamma'];
const STRING = ['auto_pad', 'mode', 'coordinate_transformation_mode', 'nearest_mode'];
const EXPECTED = new Map<string, number>([
  ...INTS.map((n): [string, number] => [n, AttrType.INTS]),
  ...INT.map((n): [string, number] => [n, AttrType.INT]),
  ...FLOAT.map((n): [string, number] => [n, AttrType.FLOAT]),
  ...STRING.map((n): [string, number] => [n, AttrType.STRING]),
]);
const ATTR_TYPE_NAMES: Record<number, string> = {
  [AttrType.FLOAT]: 'a number', [AttrType.INT]: 'a whole number', [AttrType.STRING]: 'a string', [AttrType.TENSOR]: 'a tensor',
  [AttrType.GRAPH]: 'a graph', [AttrType.FLOATS]: 'a list of numbers', [AttrType.INTS]: 'a list of whole numbers',
  [AttrType.STRINGS]: 'a list of strings', [AttrType.TENSORS]: 'a list of tensors',
};
const WINDOW_OPS = new Set(['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'LpPool']);

/** Pools take their window from `kernel_shape` alone (a conv can read it off its weights). */
function checkRequiredAttrs(n: NodeMsg, nodeName: string, file: string): void {
  const op = n.opType ?? '';
  if (op !== 'MaxPool' && op !== 'AveragePool' && op !== 'LpPool') return;
  const ks = (n.attribute ?? []).find((a) => a.name === 'kernel_shape');
  if (!ks || !ks.ints || ks.ints.length === 0) throw malformed(file, `node '${nodeName}' (${op}) has no kernel_shape`);
}

function checkAttrType(n: NodeMsg, a: AttributeMsg, nodeName: string, file: string): void {
  const expected = EXPECTED.get(a.name ?? '');
  const declared = a.type ?? 0;
  if (expected === undefined || declared === 0) return;
  const widened = (expected === AttrType.FLOAT && declared === AttrType.INT) || (expected === AttrType.FLOATS && declared === AttrType.INTS);
  if (declared !== expected && !widened) {
    throw malformed(file, `attribute '${a.name}' of node '${nodeName}' (${n.opType}) is ${ATTR_TYPE_NAMES[declared] ?? `of type ${declared}`}, not ${ATTR_TYPE_NAMES[expected]}`);
  }
  if (!WINDOW_OPS.has(n.opType ?? '')) return;
  // Window sizes, strides and dilations of at least 1 and pads of at least 0 keep every output size finite.
  const values = a.ints ?? [];
  const least = a.name === 'pads' || a.name === 'output_padding' ? 0 : a.name === 'kernel_shape' || a.name === 'strides' || a.name === 'dilations' ? 1 : null;
  if (least !== null && values.some((v) => !Number.isSafeInteger(v) || v < least || v > 65536)) {
    throw malformed(file, `attribute '${a.name}' of node '${nodeName}' (${n.opType}) is [${values.join(', ')}], which is out of range`);
  }
  if (a.name === 'group' && !(Number.isSafeInteger(a.i) && (a.i as number) >= 1)) {
    throw malformed(file, `node '${nodeName}' (${n.opType}) has the group count ${a.i}, which is not a positive whole number`);
  }
}

/** The image input: a float tensor whose fixed dims are positive and whose size is bounded. */
function checkImageInput(g: GraphMsg, file: string): void {
  const initNames = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  for (const v of g.input ?? []) {
    if (initNames.has(v.name ?? '')) continue;
    const tt = v.type?.tensorType;
    const elem = tt?.elemType ?? 0;
    if (elem !== 0 && !FLOAT_TYPES.has(elem)) {
      throw new LayerLensError('notAModel', `${file} takes a ${typeName(elem)} input '${v.name ?? ''}', but Layer Lens feeds images as floats.`);
    }
    const dims = (tt?.shape?.dim ?? []).map((d) => (d.dimParam || d.dimValue === undefined ? null : Number(d.dimValue)));
    const fixed = dims.filter((d): d is number => d !== null);
    const bad = fixed.find((d) => !Number.isSafeInteger(d) || d <= 0);
    if (bad !== undefined) {
      throw malformed(file, `its input '${v.name ?? ''}' has the dimension ${bad} in its shape [${dims.map((d) => d ?? '?').join(', ')}]`);
    }
    const size = fixed.filter((d) => d > 0).reduce((a, b) => a * b, 1);
    if (size > MAX_INPUT_ELEMENTS) {
      throw malformed(file, `its input '${v.name ?? ''}' claims ${size} values per image (shape [${dims.map((d) => d ?? '?').join(', ')}]), more than Layer Lens can run`);
    }
  }
}

/** Every tensor has one producer, and every graph output is produced by something. */
function checkProducers(g: GraphMsg, nodeNames: string[], file: string): void {
  const initNames = new Set<string>();
  for (const t of g.initializer ?? []) {
    const name = t.name ?? '';
    if (initNames.has(name)) throw malformed(file, name ? `the initializer '${name}' is listed twice` : 'two initializers have no name');
    initNames.add(name);
  }
  const defined = new Set<string>([...(g.initializer ?? []).map((t) => t.name ?? ''), ...(g.input ?? []).map((v) => v.name ?? '')]);
  const producer = new Map<string, string>();
  g.node?.forEach((n, i) => {
    const name = nodeNames[i] as string;
    if (!n.opType) throw malformed(file, `node '${name}' has no op type`);
    if ((n.output ?? []).length === 0) throw malformed(file, `node '${name}' (${n.opType}) has no outputs`);
    for (const o of n.output ?? []) {
      if (o === '') continue;
      if (producer.has(o) || defined.has(o)) {
        throw malformed(file, `the tensor '${o}' is produced by both node '${producer.get(o) ?? 'the graph input'}' and node '${name}'`);
      }
      producer.set(o, name);
    }
  });
  const outputs = (g.output ?? []).map((o) => o.name ?? '');
  if (outputs.length === 0) throw malformed(file, 'its graph declares no outputs');
  for (const o of outputs) {
    if (!producer.has(o) && !defined.has(o)) throw malformed(file, `its graph output '${o}' is produced by no node`);
  }
}

/** Ops defined for float tensors only, and the inputs that must be floats. */
const FLOAT_ONLY: Record<string, number[]> = {
  Conv: [0, 1, 2], ConvTranspose: [0, 1, 2], BatchNormalization: [0, 1, 2, 3, 4], InstanceNormalization: [0, 1, 2],
  AveragePool: [0], GlobalAveragePool: [0], LRN: [0], Softmax: [0], LogSoftmax: [0],
};
/** Ops whose (listed, or all) inputs share one element type. */
const SAME_TYPE: Record<string, number[] | 'all'> = {
  Gemm: [0, 1, 2], MatMul: [0, 1], Add: [0, 1], Sub: [0, 1], Mul: [0, 1], Div: [0, 1], Concat: 'all', Sum: 'all',
};
const INT64_OUT = new Set(['Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero']);
const BOOL_OUT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);

/**
 * Element types, propagated in file order (a value whose type is not known yet stays unknown): initializers and
 * inputs as declared, Cast to its `to`, comparisons to bool, shape ops to int64, other ops their first input's.
 */
function checkTypes(g: GraphMsg, nodeNames: string[], file: string): void {
  const types = new Map<string, number>();
  const inits = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const t of g.initializer ?? []) types.set(t.name ?? '', t.dataType ?? DataType.FLOAT);
  for (const v of g.input ?? []) {
    const e = v.type?.tensorType?.elemType;
    if (e && !types.has(v.name ?? '')) types.set(v.name ?? '', e);
  }
  g.node?.forEach((n, i) => {
    const op = n.opType ?? '';
    const inputs = n.input ?? [];
    const standard = !n.domain || n.domain === 'ai.onnx';
    const typed = (ks: number[]): [string, number][] =>
      ks.flatMap((k) => {
        const name = inputs[k];
        const t = name ? types.get(name) : undefined;
        return name && t !== undefined ? [[name, t] as [string, number]] : [];
      });
    if (standard && WEIGHTED_OPS.has(op)) {
      for (const name of inputs.slice(1)) {
        const w = inits.get(name);
        if (w && (w.dims ?? []).some((d) => Number(d) === 0)) {
          throw malformed(file, `node '${nodeNames[i]}' (${op}) takes the weight '${name}' of shape [${(w.dims ?? []).join(', ')}], which holds no values`);
        }
      }
    }
    const floatOnly = standard ? FLOAT_ONLY[op] : undefined;
    const notFloat = floatOnly ? typed(floatOnly).find(([, t]) => !FLOAT_TYPES.has(t)) : undefined;
    if (notFloat) {
      throw malformed(file, `node '${nodeNames[i]}' (${op}) takes '${notFloat[0]}' of type ${typeName(notFloat[1])}, but it computes with floats (a Cast is missing)`);
    }
    const same = standard ? SAME_TYPE[op] : undefined;
    if (same) {
      const list = typed(same === 'all' ? inputs.map((_, k) => k) : same);
      const other = list.find(([, t]) => t !== (list[0] as [string, number])[1]);
      if (other) {
        const [firstName, firstType] = list[0] as [string, number];
        throw malformed(file, `node '${nodeNames[i]}' (${op}) mixes '${firstName}' of type ${typeName(firstType)} with '${other[0]}' of type ${typeName(other[1])}`);
      }
    }
    if (op === 'Cast') {
      const to = (n.attribute ?? []).find((a) => a.name === 'to')?.i;
      if (to === undefined || TYPE_NAMES[to] === undefined) throw malformed(file, `node '${nodeNames[i]}' (Cast) casts to the unknown data type ${to}`);
    }
    const out = outputType(n, types);
    if (out !== undefined) for (const o of n.output ?? []) if (o) types.set(o, out);
  });
}

function outputType(n: NodeMsg, types: Map<string, number>): number | undefined {
  const op = n.opType ?? '';
  const attr = (name: string) => (n.attribute ?? []).find((a) => a.name === name);
  if (op === 'Cast') return attr('to')?.i;
  if (INT64_OUT.has(op)) return DataType.INT64;
  if (BOOL_OUT.has(op)) return DataType.BOOL;
  if (op === 'Constant') return attr('value')?.t?.dataType ?? (attr('value_ints') || attr('value_int') ? DataType.INT64 : DataType.FLOAT);
  if (op === 'ConstantOfShape') return attr('value')?.t?.dataType ?? DataType.FLOAT;
  if (op === 'Range' || op === 'Where') return types.get((n.input ?? [])[op === 'Where' ? 1 : 0] ?? '');
  const first = (n.input ?? []).find((x) => x !== '');
  return first !== undefined ? types.get(first) : undefined;
}

const WEIGHTED_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'BatchNormalization', 'InstanceNormalization']);

/**
 * Weights of convs, matrix products and normalizations must be finite: one NaN turns every later feature map
 * into NaN. (Other constants may hold infinities on purpose, such as masks.) Throws 'badWeights' naming the
 * first such initializer and how many values it has.
 */
export function checkFiniteWeights(graph: OnnxGraph, file: string): void {
  const seen = new Set<string>();
  const bad: { name: string; count: number }[] = [];
  for (const n of graph.nodes) {
    if (!WEIGHTED_OPS.has(n.opType)) continue;
    for (const name of n.inputs.slice(1)) {
      const w = graph.initializers.get(name);
      if (!w || w.dtype !== 'float32' || seen.has(name)) continue;
      seen.add(name);
      let count = 0;
      for (const v of w.data) if (!Number.isFinite(v)) count++;
      if (count > 0) bad.push({ name, count });
    }
  }
  refuseNonFinite(file, bad);
}

