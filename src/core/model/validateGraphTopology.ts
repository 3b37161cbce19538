// Checks a TF.js GraphModel's node list before tfjs-converter sees it: well-formed nodes with unique names, inputs
// that name nodes, no cycle, only ops the converter runs synchronously, and weights that match the constants.
// Pure JSON work; each problem is one sentence naming the file (and the nodes or ops involved).
import { LayerLensError } from '../../shared/errors';
import type { GraphNodeJson } from './tfjsGraphTopology';
import { inputNodeName } from './tfjsGraphTopology';
import type { WeightSpec } from './validateManifest';
import type { GraphOpSupport } from './tfjsGraphOps';

/** Returns the nodes, checked; throws 'malformedModel', 'unsupportedOp' or 'badWeights' otherwise. */
export function validateGraphTopology(
  rawNodes: unknown,
  weights: readonly WeightSpec[],
  path: string,
  support: (op: string) => GraphOpSupport,
): GraphNodeJson[] {
  const fail = (what: string): never => {
    throw new LayerLensError('malformedModel', `${path} has a broken graph: ${what}.`);
  };
  if (!Array.isArray(rawNodes) || rawNodes.length === 0) fail('it has no nodes');
  const nodes = rawNodes as unknown[];
  const byName = new Map<string, GraphNodeJson>();
  nodes.forEach((n, i) => {
    if (!n || typeof n !== 'object') fail(`node ${i + 1} is not an object`);
    const { name, op, input } = n as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') fail(`node ${i + 1} has no name`);
    if (typeof op !== 'string' || op === '') fail(`node '${String(name)}' has no op`);
    if (input !== undefined && (!Array.isArray(input) || !input.every((x) => typeof x === 'string'))) fail(`the inputs of node '${String(name)}' are not a list of names`);
    const attr = (n as { attr?: unknown }).attr;
    if (attr !== undefined && (!attr || typeof attr !== 'object' || Array.isArray(attr))) fail(`the attributes of node '${String(name)}' are not an object`);
    if (byName.has(name as string)) fail(`two nodes are named '${String(name)}'`);
    byName.set(name as string, n as GraphNodeJson);
  });
  const list = [...byName.values()];

  for (const node of list) {
    for (const input of node.input ?? []) {
      const source = inputNodeName(input);
      if (source === node.name) fail(`node '${node.name}' takes its own output as input`);
      if (!byName.has(source)) fail(`node '${node.name}' reads '${input}', which no node defines`);
    }
  }
  const cycle = findCycle(list, byName);
  if (cycle) fail(`its nodes read each other in a cycle (${cycle.join(' ← ')})`);

  checkOps(list, path, support);
  for (const n of list) checkWindowAttrs(n, fail);
  if (!list.some((n) => n.op === 'Placeholder')) fail('it has no input (Placeholder) node');
  for (const n of list) if (n.op === 'Placeholder') checkPlaceholder(n, fail);
  checkWeights(list, byName, weights, path);
  return list;
}

function checkOps(nodes: GraphNodeJson[], path: string, support: (op: string) => GraphOpSupport): void {
  const unknown = new Set<string>();
  const async = new Set<string>();
  for (const n of nodes) {
    const s = support(n.op);
    if (s === 'unknown') unknown.add(n.op);
    else if (s === 'async') async.add(n.op);
  }
  const listed = (ops: Set<string>): string => [...ops].slice(0, 8).join(', ') + (ops.size > 8 ? ` and ${ops.size - 8} more` : '');
  if (unknown.size > 0) {
    throw new LayerLensError('unsupportedOp', `${path} uses ${unknown.size === 1 ? 'the op' : 'the ops'} ${listed(unknown)}, which TensorFlow.js cannot run.`);
  }
  if (async.size > 0) {
    throw new LayerLensError(
      'unsupportedOp',
      `${path} uses ${async.size === 1 ? 'the op' : 'the ops'} ${listed(async)} (control flow or data-dependent shapes), which Layer Lens cannot run.`,
    );
  }
}

const WINDOW_OPS: Record<string, readonly string[]> = {
  Conv2D: ['strides', 'padding'], _FusedConv2D: ['strides', 'padding'], DepthwiseConv2dNative: ['strides', 'padding'],
  FusedDepthwiseConv2dNative: ['strides', 'padding'], MaxPool: ['strides', 'padding', 'ksize'], AvgPool: ['strides', 'padding', 'ksize'],
};

/** Convs and pools need strides, padding (and pools a window) that TensorFlow has no default for. */
function checkWindowAttrs(n: GraphNodeJson, fail: (what: string) => never): void {
  const required = WINDOW_OPS[n.op];
  if (!required) return;
  for (const key of required) {
    const a = n.attr?.[key] as { list?: { i?: unknown }; s?: unknown } | undefined;
    if (key === 'padding') {
      if (typeof a?.s !== 'string') fail(`node '${n.name}' (${n.op}) has no padding`);
      continue;
    }
    const values = Array.isArray(a?.list?.i) ? (a?.list?.i as unknown[]).map(Number) : [];
    if (values.length !== 4 || !values.every((v) => Number.isInteger(v) && v >= 1)) {
      fail(`node '${n.name}' (${n.op}) needs ${key} of four whole numbers of at least 1`);
    }
  }
}

/** One input's values (batch excluded) beyond which a probe run would ask for gigabytes: 2^26, as for ONNX. */
const MAX_INPUT_VALUES = 2 ** 26;

/** An input's declared dims are -1 (any) or positive, and a fixed input is not absurdly large. */
function checkPlaceholder(n: GraphNodeJson, fail: (what: string) => never): void {
  const dim = (n.attr?.shape as { shape?: { dim?: unknown; unknownRank?: boolean } } | undefined)?.shape?.dim;
  if (!Array.isArray(dim)) return;
  const sizes = dim.map((d: unknown) => Number((d as { size?: unknown } | null)?.size ?? -1));
  if (!sizes.every((d) => Number.isSafeInteger(d) && (d === -1 || d >= 1))) fail(`its input '${n.name}' has the shape [${sizes.join(', ')}]`);
  const values = sizes.slice(1).reduce((a, d) => a * Math.max(d, 1), 1);
  if (values > MAX_INPUT_VALUES) fail(`its input '${n.name}' claims ${values} values per image (shape [${sizes.join(', ')}]), more than Layer Lens can run`);
}

const TF_DTYPES: Record<string, string> = { DT_FLOAT: 'float32', DT_INT32: 'int32', DT_BOOL: 'bool', DT_COMPLEX64: 'complex64' };

/** Every weight names a node, every constant has a weight, and a constant's declared shape is its weight's. */
function checkWeights(nodes: GraphNodeJson[], byName: Map<string, GraphNodeJson>, weights: readonly WeightSpec[], path: string): void {
  const weightByName = new Map(weights.map((w) => [w.name, w]));
  for (const w of weights) {
    if (!byName.has(w.name)) throw new LayerLensError('badWeights', `${path} lists the weight '${w.name}', which no node of its graph has.`);
  }
  for (const n of nodes) {
    if (n.op !== 'Const') continue;
    const w = weightByName.get(n.name);
    if (!w) throw new LayerLensError('missingWeights', `${path} has no value for the constant node '${n.name}' in its weights.`);
    const tfType = (n.attr?.dtype as { type?: unknown } | undefined)?.type;
    const expected = typeof tfType === 'string' ? TF_DTYPES[tfType] : undefined;
    if (expected && w.dtype !== expected) {
      throw new LayerLensError('badWeights', `${path} stores the weight '${w.name}' as ${w.dtype}, but its node declares ${expected}.`);
    }
    const declared = declaredShape(n);
    if (declared && (declared.length !== w.shape.length || declared.some((d, i) => d !== w.shape[i]))) {
      throw new LayerLensError(
        'badWeights',
        `${path} stores the weight '${w.name}' with shape [${w.shape.join(', ')}], but its node declares [${declared.join(', ')}].`,
      );
    }
  }
}

/** The shape a Const node declares in attr.value.tensor.tensorShape, or null when it declares none. */
function declaredShape(n: GraphNodeJson): number[] | null {
  const tensor = (n.attr?.value as { tensor?: { tensorShape?: { dim?: unknown; unknownRank?: boolean } } } | undefined)?.tensor;
  const shape = tensor?.tensorShape;
  if (!shape || shape.unknownRank) return null;
  if (shape.dim === undefined) return [];
  if (!Array.isArray(shape.dim)) return null;
  const dims = shape.dim.map((d: unknown) => Number((d as { size?: unknown } | null)?.size ?? NaN));
  return dims.every((d) => Number.isInteger(d) && d >= 0) ? dims : null;
}

/** A cycle among nodes (names, each reading the next), or null. Iterative: real graphs are deep. */
function findCycle(nodes: GraphNodeJson[], byName: Map<string, GraphNodeJson>): string[] | null {
  const state = new Map<string, 1 | 2>();
  for (const root of nodes) {
    if (state.has(root.name)) continue;
    const stack: { node: GraphNodeJson; i: number }[] = [{ node: root, i: 0 }];
    state.set(root.name, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: GraphNodeJson; i: number };
      const inputs = top.node.input ?? [];
      if (top.i >= inputs.length) {
        state.set(top.node.name, 2);
        stack.pop();
        continue;
      }
      const dep = byName.get(inputNodeName(inputs[top.i++] as string)) as GraphNodeJson;
      const s = state.get(dep.name);
      if (s === 1) {
        const from = stack.findIndex((f) => f.node.name === dep.name);
        return [...stack.slice(from).map((f) => f.node.name), dep.name];
      }
      if (s === 2) continue;
      state.set(dep.name, 1);
      stack.push({ node: dep, i: 0 });
    }
  }
  return null;
}
