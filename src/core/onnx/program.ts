// Runs an ONNX graph as TF.js ops for one input shape. Each node is compiled the first time it runs; nodes
// whose inputs are all constant (the Shape/Gather/Concat arithmetic exporters emit, weight transposes) are
// folded into constants then. The result is valid for every input of the same shape.
import * as tf from '@tensorflow/tfjs-core';
import { LayerLensError } from '../../shared/errors';
import type { ConstValue, OnnxGraph, OnnxNode } from './onnxGraph';
import { onCpuBackend, readsSynchronously } from '../onCpuBackend';
import { logicalShape, toPlain } from './layout';
import type { LT } from './layout';
import type { CompileContext, StaticIn, Step } from './opTypes';
import { compilerFor, SHAPE_ONLY_OPS } from './opRegistry';
import { claimedOutputElements, MAX_TENSOR_ELEMENTS } from './validateOnnxSizes';

export interface ModelContext {
  graph: OnnxGraph;
  file: string;
  /** Which node produces each tensor name. */
  producer: Map<string, OnnxNode>;
  /** Model-level tensors (prepared weights), shared by all programs. */
  cached(key: string, make: () => tf.Tensor): tf.Tensor;
}

export class Program {
  private readonly steps: (Step | 'folded' | undefined)[];
  private readonly folded = new Map<string, ConstValue>();
  private readonly foldedTensors = new Map<string, tf.Tensor>();
  /** Logical shapes of every value seen so far. */
  readonly shapes = new Map<string, number[]>();
  private readonly cx: CompileContext;

  constructor(
    private readonly m: ModelContext,
    readonly backend: string,
  ) {
    this.steps = new Array(m.graph.nodes.length);
    this.cx = { file: m.file, opset: m.graph.opset, backend, cached: m.cached };
  }

  constValue(name: string): ConstValue | undefined {
    return this.m.graph.initializers.get(name) ?? this.folded.get(name);
  }

  private constTensor(name: string): tf.Tensor {
    if (this.m.graph.initializers.has(name)) {
      const v = this.m.graph.initializers.get(name)!;
      return this.m.cached(`const:${name}`, () => tf.tensor(v.data, v.shape, v.dtype));
    }
    let t = this.foldedTensors.get(name);
    if (!t) {
      const v = this.folded.get(name)!;
      t = tf.keep(tf.tensor(v.data, v.shape, v.dtype));
      this.foldedTensors.set(name, t);
    }
    return t;
  }

  /**
   * Computes `wanted` tensor names from the graph input `input`, running only the nodes they need.
   * Call inside tf.tidy: intermediates are freed as soon as no later node reads them. A `dry` run replaces
   * convs and pools by zeros of their output shape: enough to compile every node and learn every shape.
   */
  execute(inputName: string, input: LT, wanted: readonly string[], dry = false): Map<string, LT> {
    const nodes = this.neededNodes(inputName, wanted);
    const live = new Map<string, LT>([[inputName, input]]);
    if (!this.shapes.has(inputName)) this.shapes.set(inputName, logicalShape(input));
    const uses = new Map<string, number>();
    for (const n of nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
    const keep = new Set([...wanted, inputName]);
    const refs = new Map<tf.Tensor, number>([[input.t, 1]]);

    for (const node of nodes) {
      let step = this.steps[node.index];
      if (step === undefined) step = this.compile(node, live);
      if (step !== 'folded') this.runLive(node, dry && step.dry ? step.dry : step, live, refs);
      this.release(node, live, uses, keep, refs);
    }
    for (const name of wanted) {
      if (!live.has(name) && this.constValue(name)) live.set(name, { t: tf.clone(this.constTensor(name)), perm: null });
    }
    return live;
  }

  private runLive(node: OnnxNode, step: Step, live: Map<string, LT>, refs: Map<tf.Tensor, number>): void {
    const inputs: (LT | undefined)[] = [];
    node.inputs.forEach((name, i) => {
      if (name === '') inputs[i] = undefined;
      else if (live.has(name)) inputs[i] = live.get(name);
      else Object.defineProperty(inputs, i, { get: () => ({ t: this.constTensor(name), perm: null }), enumerable: true });
    });
    inputs.length = node.inputs.length;
    const outs = this.runNode(node, step, inputs);
    node.outputs.forEach((name, i) => {
      if (name === '' || !outs[i]) return;
      live.set(name, outs[i]);
      refs.set(outs[i].t, (refs.get(outs[i].t) ?? 0) + 1);
      if (!this.shapes.has(name)) this.shapes.set(name, logicalShape(outs[i]));
    });
  }

  /** Frees values no later node reads (a tensor shared by two values goes when both are gone). */
  private release(node: OnnxNode, live: Map<string, LT>, uses: Map<string, number>, keep: Set<string>, refs: Map<tf.Tensor, number>): void {
    for (const name of node.inputs) {
      const left = (uses.get(name) ?? 0) - 1;
      uses.set(name, left);
      const v = live.get(name);
      if (left > 0 || !v || keep.has(name)) continue;
      live.delete(name);
      const r = (refs.get(v.t) ?? 1) - 1;
      refs.set(v.t, r);
      if (r === 0) v.t.dispose();
    }
    // Outputs nobody reads (Dropout masks, unused split parts) go at once.
    node.outputs.forEach((name) => {
      const v = live.get(name);
      if (v && !keep.has(name) && !uses.get(name)) {
        live.delete(name);
        const r = (refs.get(v.t) ?? 1) - 1;
        refs.set(v.t, r);
        if (r === 0) v.t.dispose();
      }
    });
  }

  private runNode(node: OnnxNode, step: Step, inputs: (LT | undefined)[]): LT[] {
    try {
      return step(inputs);
    } catch (e) {
      throw wrapError(e, this.m.file, node, inputs.map((v) => (v ? logicalShape(v) : undefined)));
    }
  }

  /** Nodes needed for `wanted`, in graph order (graph order is topological). */
  private neededNodes(inputName: string, wanted: readonly string[]): OnnxNode[] {
    const need = new Set<number>();
    const stack = [...wanted];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (seen.has(name) || name === inputName || name === '') continue;
      seen.add(name);
      const node = this.m.producer.get(name);
      if (!node || need.has(node.index)) continue;
      need.add(node.index);
      stack.push(...node.inputs);
    }
    return [...need].sort((a, b) => a - b).map((i) => this.m.graph.nodes[i]);
  }

  private compile(node: OnnxNode, live: Map<string, LT>): Step | 'folded' {
    const ins: (StaticIn | undefined)[] = node.inputs.map((name) => {
      if (name === '') return undefined;
      const v = live.get(name);
      if (v) return { shape: logicalShape(v) };
      const k = this.constValue(name);
      if (!k) throw new LayerLensError('malformedModel', `${this.m.file} is malformed: node '${node.name}' reads '${name}', which was never computed.`);
      return { shape: k.shape, konst: k };
    });
    const claimed = claimedOutputElements(node.opType, ins);
    if (claimed !== undefined && !(claimed <= MAX_TENSOR_ELEMENTS)) {
      throw new LayerLensError('malformedModel', `${this.m.file} is malformed: node '${node.name}' (${node.opType}) would make a tensor of ${claimed} values, more than Layer Lens allocates.`);
    }
    const compiler = compilerFor(node.opType, node.domain)!;
    let step: Step;
    try {
      step = compiler(node, ins, this.cx);
    } catch (e) {
      throw wrapError(e, this.m.file, node);
    }
    const foldable = SHAPE_ONLY_OPS.has(node.opType) || ins.every((s) => !s || s.konst);
    if (!foldable) {
      this.steps[node.index] = step;
      return step;
    }
    // The folded values are read back at once as numbers, which a GPU backend cannot do synchronously: there the
    // fold runs on the cpu backend, on tensors made from the constants' numbers (not the cached GPU copies, which
    // would move to the CPU and back). Shape and Size read only their live input's shape, never its values.
    const onGpu = !readsSynchronously();
    const constInput = (name: string): tf.Tensor => {
      const v = this.constValue(name)!;
      return onGpu ? tf.tensor(v.data, v.shape, v.dtype) : this.constTensor(name);
    };
    onCpuBackend(() => tf.tidy(() => {
      const inputs = node.inputs.map((name): LT | undefined =>
        name === '' ? undefined : live.has(name) ? live.get(name) : { t: constInput(name), perm: null },
      );
      const outs = this.runNode(node, step, inputs);
      node.outputs.forEach((name, i) => {
        if (name === '' || !outs[i]) return;
        // In logical order: a folded Transpose only relabels axes (its perm), which a constant does not keep.
        const t = toPlain(outs[i]);
        const data = t.dtype === 'float32' ? Float32Array.from(t.dataSync()) : Int32Array.from(t.dataSync());
        this.folded.set(name, { shape: t.shape.slice(), dtype: t.dtype === 'bool' ? 'bool' : t.dtype === 'float32' ? 'float32' : 'int32', data });
        this.shapes.set(name, t.shape.slice());
      });
    }));
    this.steps[node.index] = 'folded';
    return 'folded';
  }

  dispose(): void {
    for (const t of this.foldedTensors.values()) t.dispose();
    this.foldedTensors.clear();
  }
}

function wrapError(e: unknown, file: string, node: OnnxNode, shapes?: (number[] | undefined)[]): Error {
  if (e instanceof LayerLensError) return e;
  const why = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/\.\s*$/, '');
  // TF.js's own op checks ("Error in matMul: inner shapes ... must match"): the file's shapes do not fit.
  if (shapes && /^Error in \w+:|must match|shapes? .* (?:are|is) not|broadcast/i.test(why)) {
    const listed = shapes.filter((s): s is number[] => s !== undefined).map((s) => `[${s.join(', ')}]`).join(' and ');
    return new LayerLensError('malformedModel', `${file} could not run node '${node.name}' (${node.opType}): its inputs of shapes ${listed} do not fit together.`);
  }
  // A V8 or TF.js internal message says nothing to a user: the node's attributes or inputs are what is wrong.
  if (e instanceof TypeError || e instanceof RangeError || /undefined|null|NaN|tfjs|File an issue/.test(why)) {
    return new LayerLensError('malformedModel', `${file} could not run node '${node.name}' (${node.opType}): its attributes or inputs are not ones this op takes.`);
  }
  return new LayerLensError('unsupportedOp', `${file} could not run node '${node.name}' (${node.opType}): ${why}.`);
}
