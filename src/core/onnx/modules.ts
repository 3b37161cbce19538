// Rebuilds PyTorch's module tree from node names (`/features/features.3/conv/Conv` -> module `features.3.conv`)
// and describes it as LayerInfo. A module's output is the output of the last node inside its scope, which is
// what a forward hook on that module returns.
import type { LayerInfo, LayerKind } from '../../shared/model';
import type { ConstValue, OnnxGraph, OnnxNode } from './onnxGraph';

export interface LayerEntry {
  info: LayerInfo;
  /** Tensor name whose value is this layer's output. */
  tensor: string;
  /** Conv node whose kernel this layer shows. */
  convNode?: OnnxNode;
}

/** Dotted module path of a node's scope, outermost first (`['features', 'features.3', 'features.3.conv']`). */
export function scopeChain(nodeName: string): string[] {
  if (!nodeName.startsWith('/')) return [];
  const segs = nodeName.split('/').slice(1, -1).filter((s) => s !== '');
  const chain: string[] = [];
  let id = '';
  let prev = '';
  for (const seg of segs) {
    // An item of a Sequential/ModuleList is written `parent.index`; its path adds only the index.
    id = prev && seg.startsWith(`${prev}.`) ? `${id}.${seg.slice(prev.length + 1)}` : id ? `${id}.${seg}` : seg;
    chain.push(id);
    prev = seg;
  }
  return chain;
}

const KIND: Record<string, LayerKind> = {
  Conv: 'conv', ConvTranspose: 'conv', Gemm: 'dense', MatMul: 'dense',
  MaxPool: 'pool', AveragePool: 'pool', GlobalAveragePool: 'pool', GlobalMaxPool: 'pool',
  BatchNormalization: 'norm', LRN: 'norm', InstanceNormalization: 'norm',
  Relu: 'activation', LeakyRelu: 'activation', PRelu: 'activation', Clip: 'activation', Sigmoid: 'activation',
  Tanh: 'activation', HardSigmoid: 'activation', HardSwish: 'activation', Softmax: 'activation', Elu: 'activation',
  Selu: 'activation', Mish: 'activation', Gelu: 'activation', Erf: 'activation', LogSoftmax: 'activation',
  Add: 'merge', Mul: 'merge', Sub: 'merge', Div: 'merge', Concat: 'merge', Sum: 'merge',
  Flatten: 'reshape', Reshape: 'reshape', Transpose: 'reshape', Squeeze: 'reshape', Unsqueeze: 'reshape', Resize: 'reshape',
  Upsample: 'reshape', Pad: 'reshape', Slice: 'reshape', Split: 'reshape',
  Dropout: 'dropout',
};

const WEIGHTED = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);
const SHAPE_OPS = new Set(['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Cast', 'ConstantOfShape', 'Constant', 'Concat', 'Size', 'Range']);

/** Canonical (NHWC) shape from a logical NCHW one, batch as null. */
export function canonicalShape(shape: number[] | undefined): (number | null)[] {
  if (!shape) return [null];
  if (shape.length === 4) return [null, shape[2], shape[3], shape[1]];
  return [null, ...shape.slice(1)];
}

export interface ModuleTreeInput {
  graph: OnnxGraph;
  shapes: Map<string, number[]>;
  constValue(name: string): ConstValue | undefined;
  inputName: string;
}

export function buildLayers(m: ModuleTreeInput): LayerEntry[] {
  const { graph } = m;
  // Nodes that only compute constants (shape arithmetic) are not part of any module's output.
  const isConstNode = (n: OnnxNode) => n.outputs.every((o) => o === '' || m.constValue(o) !== undefined);
  const scopes = new Map<string, OnnxNode[]>();
  const order: { id: string; first: number; depth: number; parent?: string }[] = [];
  for (const node of graph.nodes) {
    if (isConstNode(node)) continue;
    scopeChain(node.name).forEach((id, depth, chain) => {
      let list = scopes.get(id);
      if (!list) {
        list = [];
        scopes.set(id, list);
        order.push({ id, first: node.index, depth, parent: depth > 0 ? chain[depth - 1] : undefined });
      }
      list.push(node);
    });
  }
  const paramsOf = (nodes: OnnxNode[]) => {
    const seen = new Set<string>();
    let count = 0;
    for (const n of nodes) {
      n.inputs.slice(1).forEach((name) => {
        const k = m.constValue(name);
        if (!k || seen.has(name) || k.dtype !== 'float32' || (k.data.length < 2 && !WEIGHTED.has(n.opType))) return;
        seen.add(name);
        count += k.data.length;
      });
    }
    return count;
  };
  const entries: { sortKey: [number, number]; entry: LayerEntry }[] = [];
  const used = new Set<string>();
  const addEntry = (e: LayerEntry, first: number, depth: number) => {
    used.add(e.info.id);
    entries.push({ sortKey: [first, depth], entry: e });
  };
  const shapeOf = (t: string) => canonicalShape(m.shapes.get(t));

  for (const s of order) {
    const nodes = scopes.get(s.id)!;
    const last = nodes[nodes.length - 1];
    const single = nodes.length === 1 ? nodes[0] : undefined;
    const info: LayerInfo = {
      id: s.id,
      name: s.id.slice(s.parent ? s.parent.length + 1 : 0),
      className: single ? single.opType : 'Module',
      kind: single ? kindOf(single, m) : 'module',
      outputShape: shapeOf(last.outputs[0]),
      paramCount: paramsOf(nodes),
      ...(s.parent ? { parent: s.parent } : {}),
    };
    const entry: LayerEntry = { info, tensor: last.outputs[0] };
    if (single && single.opType === 'Conv') describeConv(entry, single, m);
    addEntry(entry, s.first, s.depth);
  }
  // Conv / Gemm nodes that share their scope with other nodes (or have none) get a layer of their own.
  for (const node of graph.nodes) {
    if (!WEIGHTED.has(node.opType) || isConstNode(node)) continue;
    const chain = scopeChain(node.name);
    const scope = chain[chain.length - 1];
    if (scope && scopes.get(scope)!.length === 1) continue;
    const local = node.name.split('/').pop() || `${node.opType}_${node.index}`;
    let id = scope ? `${scope}.${local}` : node.name;
    if (used.has(id)) id = `${id}#${node.index}`;
    const entry: LayerEntry = {
      info: {
        id,
        name: local,
        className: node.opType,
        kind: kindOf(node, m),
        outputShape: shapeOf(node.outputs[0]),
        paramCount: paramsOf([node]),
        ...(scope ? { parent: scope } : {}),
      },
      tensor: node.outputs[0],
    };
    if (node.opType === 'Conv') describeConv(entry, node, m);
    addEntry(entry, node.index, chain.length);
  }
  entries.sort((a, b) => a.sortKey[0] - b.sortKey[0] || a.sortKey[1] - b.sortKey[1]);
  const input: LayerEntry = {
    info: { id: used.has('input') ? m.inputName : 'input', name: 'input', className: 'Input', kind: 'input', outputShape: shapeOf(m.inputName), paramCount: 0 },
    tensor: m.inputName,
  };
  return [input, ...entries.map((e) => e.entry)];
}

function kindOf(node: OnnxNode, m: ModuleTreeInput): LayerKind {
  if (node.opType === 'Conv') {
    const w = m.constValue(node.inputs[1]);
    const group = node.attrs.get('group');
    if (w && typeof group === 'number' && group > 1 && w.shape[1] === 1) return 'depthwiseConv';
    return 'conv';
  }
  if (SHAPE_OPS.has(node.opType)) return 'reshape';
  return KIND[node.opType] ?? 'other';
}

function describeConv(entry: LayerEntry, node: OnnxNode, m: ModuleTreeInput): void {
  entry.convNode = node;
  const wName = node.inputs[1];
  const w = m.constValue(wName);
  if (!w || w.shape.length !== 4) return;
  const [O, I, kh, kw] = w.shape;
  const depthwise = entry.info.kind === 'depthwiseConv';
  const C = m.shapes.get(node.inputs[0])?.[1] ?? I;
  entry.info.kernelShape = depthwise ? [kh, kw, C, O / C] : [kh, kw, I, O];
  // torch.onnx folds BatchNorm2d into the preceding Conv2d and names the new weights `onnx::Conv_N`
  // instead of the parameter's own `<module>.weight`.
  const chain = scopeChain(node.name);
  if (/^onnx::/.test(wName) || chain.some((c) => /(^|\.)bn\d*$/i.test(c))) {
    entry.info.note = 'BatchNorm may be folded into this conv by the exporter: its output is after normalization.';
  }
}
