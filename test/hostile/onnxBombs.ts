// ONNX graphs whose files are small but whose tensors are not: constants, shape ops and resizes that ask for 9e10
// elements or more, names with line breaks, and a protobuf nested deeper than any decoder's stack.
import { buildOnnx } from '../unit/onnx/onnxBuilder';
import type { ModelSpec, NodeSpec, TensorSpec } from '../unit/onnx/onnxBuilder';
import { CaseFolder } from './corpusTypes';
import type { HostileCase } from './corpusTypes';
import { baseSpec, edited } from './onnxCases';

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** Field `id` of wire type 2 (length-delimited) holding `payload`. */
function field(id: number, payload: number[]): number[] {
  return [...varint((id << 3) | 2), ...varint(payload.length), ...payload];
}

const ascii = (s: string) => [...Buffer.from(s, 'ascii')];

/**
 * A ModelProto whose graph holds an `If` node whose attribute holds a graph holding an `If` node … `depth` deep.
 * Built inside out as raw protobuf (AttributeProto.g = 6, GraphProto.node = 1, NodeProto.attribute = 5).
 */
export function nestedGraphs(depth: number, base: Uint8Array): Uint8Array {
  // Every level is a prefix followed by the level inside it, so only the prefixes are built (linear in depth).
  const prefixes: number[][] = [];
  let inner = 0; // byte length of the graph nested inside the current level
  for (let i = 0; i < depth; i++) {
    const attrHead = [...field(1, ascii('then_branch')), ...varint((20 << 3) | 0), 5, ...varint((6 << 3) | 2), ...varint(inner)];
    const attrLen = attrHead.length + inner;
    const nodeHead = [...field(4, ascii('If')), ...varint((5 << 3) | 2), ...varint(attrLen)];
    const nodeLen = nodeHead.length + attrLen;
    const graphHead = [...varint((1 << 3) | 2), ...varint(nodeLen)];
    prefixes.push([...graphHead, ...nodeHead, ...attrHead]);
    inner = graphHead.length + nodeLen;
  }
  // A second `graph` field (ModelProto.graph = 7) after the real one: decoders merge or replace; both must decode it.
  const head = [...varint((7 << 3) | 2), ...varint(inner)];
  const out = new Uint8Array(base.length + head.length + inner);
  out.set(base);
  let at = base.length;
  out.set(head, at);
  at += head.length;
  for (let i = prefixes.length - 1; i >= 0; i--) {
    out.set(prefixes[i]!, at);
    at += prefixes[i]!.length;
  }
  return out;
}

export function onnxBombCases(f: CaseFolder): HostileCase[] {
  const cases: HostileCase[] = [];
  const base = new Uint8Array(buildOnnx(baseSpec()));
  const refuse = (name: string, what: string, bytes: Uint8Array): void => {
    const path = f.file(`onnx/${name}/model.onnx`, bytes);
    cases.push({ id: `onnx/${name}`, cls: 'onnx', what, args: ['layers', '--model', path, '--json'], expect: 'refuse', names: [path, 'model.onnx'] });
  };
  /** The base model with `extra` nodes after the Conv, the last of them producing `y` from `c`. */
  const after = (nodes: NodeSpec[], inits: TensorSpec[] = []): Uint8Array => {
    const spec: ModelSpec = baseSpec();
    return buildOnnx({ ...spec, initializers: [...spec.initializers!, ...inits], nodes: [spec.nodes[0]!, ...nodes] });
  };
  const ints = (name: string, data: number[]): TensorSpec => ({ name, dims: [data.length], data, int64: true });
  const floats = (name: string, data: number[]): TensorSpec => ({ name, dims: [data.length], data });

  refuse('nested-graphs-20000', 'If nodes nested 20000 deep in attribute graphs', nestedGraphs(20_000, base));
  refuse('resize-bomb', 'a Resize by 100000× in each direction', after(
    [{ op: 'Resize', name: '/up/Resize', inputs: ['c', '', 'scales'], outputs: ['y'], attrs: { mode: 'nearest' } }],
    [floats('scales', [1, 1, 100000, 100000])],
  ));
  refuse('tile-bomb', 'a Tile by 100000× in each direction', after(
    [{ op: 'Tile', name: '/t/Tile', inputs: ['c', 'reps'], outputs: ['y'] }],
    [ints('reps', [1, 1, 100000, 100000])],
  ));
  refuse('expand-bomb', 'an Expand to 1×4×300000×300000', after(
    [{ op: 'Expand', name: '/e/Expand', inputs: ['c', 'shape'], outputs: ['y'] }],
    [ints('shape', [1, 4, 300000, 300000])],
  ));
  refuse('pad-bomb', 'a Pad of 10^9 pixels on each side', after(
    [{ op: 'Pad', name: '/p/Pad', inputs: ['c', 'pads'], outputs: ['y'] }],
    [ints('pads', [0, 0, 1e9, 1e9, 0, 0, 1e9, 1e9])],
  ));
  refuse('constant-of-shape-bomb', 'a ConstantOfShape of 9e10 elements', after([
    { op: 'ConstantOfShape', name: '/k/ConstantOfShape', inputs: ['shape'], outputs: ['k'] },
    { op: 'Add', name: '/a/Add', inputs: ['c', 'k'], outputs: ['y'] },
  ], [ints('shape', [1, 1, 300000, 300000])]));
  refuse('gather-out-of-range', 'a Gather of index 1000 on an axis of 4', after(
    [{ op: 'Gather', name: '/g/Gather', inputs: ['c', 'idx'], outputs: ['y'], attrs: { axis: 1 } }],
    [ints('idx', [1000])],
  ));
  refuse('reshape-two-minus-ones', 'a Reshape to [-1, -1]', after(
    [{ op: 'Reshape', name: '/r/Reshape', inputs: ['c', 'shape'], outputs: ['y'] }],
    [ints('shape', [-1, -1])],
  ));
  refuse('concat-mismatch', 'a Concat of 6×6 and 8×8 maps', after(
    [{ op: 'Concat', name: '/cat/Concat', inputs: ['c', 'x'], outputs: ['y'], attrs: { axis: 1 } }],
  ));
  refuse('op-name-newline', 'an unknown op whose type holds line breaks', buildOnnx({
    ...baseSpec(),
    nodes: baseSpec().nodes.map((n) => (n.op === 'Relu' ? { ...n, op: 'Evil\nOp\r\nat x (y.js:1:1)', name: '/evil\n/Op' } : n)),
  }));
  refuse('input-name-newline', 'an int64 input whose name holds a line break', edited(buildOnnx({
    ...baseSpec(),
    input: { name: 'x\nat y', dims: [1, 1, 8, 8] },
    nodes: baseSpec().nodes.map((n) => (n.op === 'Conv' ? { ...n, inputs: ['x\nat y', ...n.inputs.slice(1)] } : n)),
  }), (m) => void (m.graph.input[0]!.type.tensorType.elemType = 7)));
  return cases;
}
