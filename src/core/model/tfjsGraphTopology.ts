// Reads the node list of a TF.js GraphModel's JSON: topological order, name scopes, op kinds, and the one rewrite
// that keeps input gradients cheap (a `_FusedConv2D`/`FusedDepthwiseConv2dNative`/`_FusedMatMul` with only a bias add is split in two: fused, its
// gradient also computes the filter gradient, slow on cpu and missing on wasm — docs/tfjs-facts.md).

export interface GraphNodeJson {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, Record<string, unknown>>;
}

/** Suffix of the helper node a split fused op leaves behind; such nodes are not listed. */
export const UNFUSED_SUFFIX = '__layerLensUnfused';

/** Node name a graph input string refers to: `^ctrl`, `name:1` → `name`. */
export function inputNodeName(input: string): string {
  const bare = input.startsWith('^') ? input.slice(1) : input;
  const colon = bare.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(bare.slice(colon + 1)) ? bare.slice(0, colon) : bare;
}

function fusedOps(node: GraphNodeJson): string[] {
  const list = node.attr?.fused_ops?.list as { s?: string[] } | undefined;
  return (list?.s ?? []).map((s) => decodeBase64(s));
}

function decodeBase64(s: string): string {
  // atob is in Node 16+ and browsers; attr strings are ASCII op names.
  try {
    return atob(s);
  } catch {
    return s;
  }
}

/** The plain op of each fused op that TF.js keeps fused under a gradient tape when its activation is linear. */
const UNFUSED_OPS: Record<string, string | undefined> = {
  _FusedConv2D: 'Conv2D',
  FusedDepthwiseConv2dNative: 'DepthwiseConv2dNative',
  _FusedMatMul: 'MatMul',
};

/**
 * Returns the nodes with every bias-only fused conv/depthwise conv/matmul split into the plain op plus BiasAdd.
 * A fused depthwise conv with LeakyRelu is split too (plus a LeakyRelu node): tfjs-converter 4.22 does not read
 * that op's leakyrelu_alpha, so fused it computes NaN on cpu and a plain ReLU on wasm.
 */
export function unfuseLinearOps(nodes: GraphNodeJson[]): GraphNodeJson[] {
  const out: GraphNodeJson[] = [];
  for (const node of nodes) {
    const ops = fusedOps(node);
    const plain = UNFUSED_OPS[node.op];
    const inputs = node.input ?? [];
    const leaky = node.op === 'FusedDepthwiseConv2dNative' && ops.length === 2 && ops[0] === 'BiasAdd' && ops[1] === 'LeakyRelu';
    if (!plain || !(leaky || (ops.length === 1 && ops[0] === 'BiasAdd')) || inputs.length < 3) {
      out.push(node);
      continue;
    }
    const attr = { ...(node.attr ?? {}) };
    for (const key of ['fused_ops', 'num_args', 'epsilon', 'leakyrelu_alpha', 'num_host_args']) delete attr[key];
    const helper = node.name + UNFUSED_SUFFIX;
    out.push({ name: helper, op: plain, input: [inputs[0] as string, inputs[1] as string], attr });
    const biasAttr: Record<string, Record<string, unknown>> = {};
    if (attr.T) biasAttr.T = attr.T;
    if (attr.data_format) biasAttr.data_format = attr.data_format;
    const control = inputs.slice(3).filter((i) => i.startsWith('^'));
    if (!leaky) {
      out.push({ name: node.name, op: 'BiasAdd', input: [helper, inputs[2] as string, ...control], attr: biasAttr });
      continue;
    }
    const biased = `${node.name}/bias${UNFUSED_SUFFIX}`;
    out.push({ name: biased, op: 'BiasAdd', input: [helper, inputs[2] as string, ...control], attr: biasAttr });
    // TensorFlow's default alpha when the attribute is absent.
    const alpha = node.attr?.leakyrelu_alpha ?? { f: 0.2 };
    out.push({ name: node.name, op: 'LeakyRelu', input: [biased], attr: { ...(attr.T ? { T: attr.T } : {}), alpha } });
  }
  return out;
}

const DILATED_OPS = new Set(['Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'DepthwiseConv2D', 'FusedDepthwiseConv2dNative', 'Conv2DBackpropInput']);

/**
 * Fills the attributes TensorFlow gives a default but tfjs-converter reads unconditionally (a conv without
 * `dilations` means dilation 1 in TensorFlow; the converter would read past it), as hand-written graphs omit them.
 */
export function withDefaultAttrs(nodes: GraphNodeJson[]): GraphNodeJson[] {
  return nodes.map((node) => {
    if (!DILATED_OPS.has(node.op) || node.attr?.dilations) return node;
    return { ...node, attr: { ...(node.attr ?? {}), dilations: { list: { i: ['1', '1', '1', '1'] } } } };
  });
}

/** Nodes in an order where every node follows its inputs (the JSON's own order is usually but not always so). */
export function topoOrder(nodes: GraphNodeJson[]): GraphNodeJson[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const done = new Set<string>();
  const order: GraphNodeJson[] = [];
  for (const root of nodes) {
    if (done.has(root.name)) continue;
    // Iterative DFS: graphs of real models are deep enough to overflow a recursive walk.
    const stack: [GraphNodeJson, number][] = [[root, 0]];
    const onStack = new Set<string>([root.name]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [GraphNodeJson, number];
      const [node, i] = top;
      const inputs = node.input ?? [];
      if (i < inputs.length) {
        top[1] = i + 1;
        const dep = byName.get(inputNodeName(inputs[i] as string));
        if (dep && !done.has(dep.name) && !onStack.has(dep.name)) {
          stack.push([dep, 0]);
          onStack.add(dep.name);
        }
        continue;
      }
      stack.pop();
      onStack.delete(node.name);
      if (!done.has(node.name)) {
        done.add(node.name);
        order.push(node);
      }
    }
  }
  return order;
}

const GRAPH_KINDS: Record<string, import('../../shared/model').LayerKind> = {
  Placeholder: 'input', Conv2D: 'conv', _FusedConv2D: 'conv', DepthwiseConv2dNative: 'depthwiseConv',
  FusedDepthwiseConv2dNative: 'depthwiseConv', MatMul: 'dense', _FusedMatMul: 'dense', BiasAdd: 'other',
  MaxPool: 'pool', AvgPool: 'pool', Mean: 'pool', Max: 'pool', FusedBatchNorm: 'norm', FusedBatchNormV2: 'norm',
  FusedBatchNormV3: 'norm', Relu: 'activation', Relu6: 'activation', Elu: 'activation', Selu: 'activation',
  LeakyRelu: 'activation', Sigmoid: 'activation', Tanh: 'activation', Softmax: 'activation', Prelu: 'activation',
  Add: 'merge', AddV2: 'merge', AddN: 'merge', ConcatV2: 'merge', Concat: 'merge', Mul: 'merge', Sub: 'merge',
  Reshape: 'reshape', Squeeze: 'reshape', ExpandDims: 'reshape', Transpose: 'reshape', Pad: 'reshape', MirrorPad: 'reshape',
  Identity: 'other',
};

export function graphKind(op: string): import('../../shared/model').LayerKind {
  return GRAPH_KINDS[op] ?? 'other';
}

/** Name scopes of a node (`a/b/c` → `a`, `a/b`), outermost first. */
export function scopesOf(name: string): string[] {
  const parts = name.split('/');
  const scopes: string[] = [];
  for (let i = 1; i < parts.length; i++) scopes.push(parts.slice(0, i).join('/'));
  return scopes;
}
