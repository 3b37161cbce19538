// ONNX import: a PyTorch-exported CNN becomes a LoadedModel whose forward pass is TF.js ops (so tf.grad flows
// to the input). The input arrives NHWC and is tagged as such; see layout.ts for how NCHW is handled inside.
import * as tf from '@tensorflow/tfjs-core';
// Gradients are registered on demand when tfjs-core is used without the umbrella package; forward must be differentiable.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { LayerLensError } from '../../shared/errors';
import type { LayerInfo, ModelInfo } from '../../shared/model';
import type { LoadedModel } from '../model/loadedModel';
import { buildGraph, decodeModel } from './onnxGraph';
import type { ConstValue, OnnxGraph, OnnxNode } from './onnxGraph';
import { NHWC, toNhwc, toPlain } from './layout';
import { Program } from './program';
import type { ModelContext } from './program';
import { compilerFor } from './opRegistry';
import { buildLayers, canonicalShape } from './modules';
import type { LayerEntry } from './modules';
import { depthwiseFilter, oihwToHwio } from './convKernels';
import { ensureWasmGradientKernels } from './wasmGradients';
import { checkFiniteWeights, validateOnnxModel } from './validateOnnxGraph';
import { releaseGradientKernels } from '../gradients/heldKernels';

const MAX_PROGRAMS = 3;

export async function loadOnnxModel(
  bytes: Uint8Array,
  path: string,
  readExternal?: (relativeName: string) => Promise<Uint8Array>,
): Promise<LoadedModel> {
  const file = path.split(/[\\/]/).pop() || path;
  const decoded = decodeModel(bytes, file);
  validateOnnxModel(decoded, file);
  const graph = await buildGraph(decoded, file, readExternal);
  checkFiniteWeights(graph, file);
  checkOps(graph, file);
  ensureWasmGradientKernels();
  const model = new OnnxModel(graph, path, file);
  try {
    model.init();
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** One sentence naming the first unsupported op type, its first node and how many nodes use it. */
function checkOps(graph: OnnxGraph, file: string): void {
  const bad = new Map<string, OnnxNode[]>();
  for (const n of graph.nodes) {
    if (compilerFor(n.opType, n.domain)) continue;
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
    bad.set(key, [...(bad.get(key) ?? []), n]);
  }
  if (bad.size === 0) return;
  const [[op, nodes]] = bad;
  const others = bad.size > 1 ? ` (and ${bad.size - 1} other unsupported op type${bad.size > 2 ? 's' : ''}: ${[...bad.keys()].slice(1).join(', ')})` : '';
  throw new LayerLensError(
    'unsupportedOp',
    `${file} uses the ONNX op '${op}', which Layer Lens cannot import, in ${nodes.length} node${nodes.length > 1 ? 's' : ''} starting with '${nodes[0].name}'${others}.`,
  );
}

class OnnxModel implements LoadedModel {
  info!: ModelInfo;
  private readonly cache = new Map<string, tf.Tensor>();
  private readonly programs = new Map<string, Program>();
  private readonly ctx: ModelContext;
  private layers = new Map<string, LayerEntry>();
  /** Constants folded at load (the load-time program's), for weights computed from initializers. */
  private foldedConst: (name: string) => ConstValue | undefined = () => undefined;
  private readonly inputName: string;
  private readonly inputNchw: number[];

  constructor(
    private readonly graph: OnnxGraph,
    private readonly path: string,
    private readonly file: string,
  ) {
    const producer = new Map<string, OnnxNode>();
    for (const n of graph.nodes) for (const o of n.outputs) if (o !== '') producer.set(o, n);
    this.ctx = {
      graph,
      file,
      producer,
      cached: (key, make) => {
        let t = this.cache.get(key);
        if (!t) {
          t = tf.keep(tf.tidy(make));
          this.cache.set(key, t);
        }
        return t;
      },
    };
    if (graph.inputs.length !== 1) {
      throw new LayerLensError('notAModel', `${file} has ${graph.inputs.length} inputs, but Layer Lens needs a model with one image input.`);
    }
    const input = graph.inputs[0];
    this.inputName = input.name;
    if (input.dims.length !== 4) {
      throw new LayerLensError('notAModel', `${file} takes a ${input.dims.length}-D input '${input.name}', but Layer Lens needs an NCHW image input.`);
    }
    const symbolic = input.dims.slice(1).find((d) => typeof d !== 'number');
    if (symbolic !== undefined) {
      throw new LayerLensError(
        'unresolvedShape',
        `${file} declares its input '${input.name}' with the symbolic size '${symbolic ?? '?'}', so shapes cannot be resolved statically (export with a fixed input size).`,
      );
    }
    this.inputNchw = [1, ...(input.dims.slice(1) as number[])];
  }

  /** Compiles the graph for the declared input size (folding shape arithmetic) and describes its modules. */
  init(): void {
    const [, c, h, w] = this.inputNchw;
    const program = this.program([1, h, w, c]);
    tf.tidy(() => {
      const x = tf.zeros([1, h, w, c]);
      program.execute(this.inputName, { t: x, perm: NHWC }, this.graph.outputs, true);
    });
    this.foldedConst = (n) => program.constValue(n);
    const entries = buildLayers({
      graph: this.graph,
      shapes: program.shapes,
      constValue: (n) => program.constValue(n),
      inputName: this.inputName,
    });
    this.layers = new Map(entries.map((e) => [e.info.id, e]));
    const byTensor = (t: string) => entries.find((e) => e.tensor === t && e.info.kind !== 'input');
    const outputIds = this.graph.outputs.map((o, i) => {
      const found = byTensor(o);
      if (found) return found.info.id;
      const id = this.graph.outputs.length > 1 ? `output${i}` : 'output';
      const node = this.ctx.producer.get(o);
      const info: LayerInfo = {
        id, name: id, className: node?.opType ?? 'Output', kind: 'other',
        outputShape: canonicalShape(program.shapes.get(o)), paramCount: 0,
      };
      const entry = { info, tensor: o };
      entries.push(entry);
      this.layers.set(id, entry);
      return id;
    });
    const paramCount = [...this.graph.initializers.values()].reduce((s, v) => s + (v.dtype === 'float32' ? v.data.length : 0), 0);
    this.info = {
      path: this.path,
      name: this.file.replace(/\.onnx$/i, ''),
      format: 'onnx',
      inputShape: [null, h, w, c],
      nativeLayout: 'NCHW',
      layers: entries.map((e) => e.info),
      outputIds,
      ...this.logits(entries),
      paramCount,
      warnings: [],
    };
  }

  /** The last Gemm/MatMul output when the graph ends in it, or in it followed by Softmax. */
  private logits(entries: LayerEntry[]): { logitsId?: string } {
    const out = this.graph.outputs[0];
    let node = this.ctx.producer.get(out);
    if (node && (node.opType === 'Softmax' || node.opType === 'LogSoftmax')) node = this.ctx.producer.get(node.inputs[0]);
    if (node && node.opType === 'Add') {
      const mm = node.inputs.map((i) => this.ctx.producer.get(i)).find((p) => p?.opType === 'MatMul');
      if (!mm) node = undefined;
    } else if (node && node.opType !== 'Gemm' && node.opType !== 'MatMul') node = undefined;
    if (!node) return {};
    const t = node.outputs[0];
    const entry = entries.find((e) => e.tensor === t && e.info.kind !== 'module') ?? entries.find((e) => e.tensor === t);
    return entry ? { logitsId: entry.info.id } : {};
  }

  private program(nhwc: readonly number[]): Program {
    const key = `${tf.getBackend()}|${nhwc.join('x')}`;
    let p = this.programs.get(key);
    if (p) {
      // Most recently used last.
      this.programs.delete(key);
      this.programs.set(key, p);
      return p;
    }
    p = new Program(this.ctx, tf.getBackend());
    this.programs.set(key, p);
    if (this.programs.size > MAX_PROGRAMS) {
      const [oldKey, old] = this.programs.entries().next().value as [string, Program];
      this.programs.delete(oldKey);
      old.dispose();
    }
    return p;
  }

  private entry(id: string): LayerEntry {
    const e = this.layers.get(id);
    if (!e) throw new LayerLensError('unknownLayer', `${this.file} has no layer or module '${id}'.`);
    return e;
  }

  forward(input: tf.Tensor4D, layerIds: readonly string[]): tf.Tensor[] {
    const tensors = layerIds.map((id) => this.entry(id).tensor);
    const [, h, w, c] = input.shape;
    if (c !== this.inputNchw[1]) {
      throw new LayerLensError('badArgument', `${this.file} expects ${this.inputNchw[1]} input channels, not ${c}.`);
    }
    return tf.tidy(() => {
      const program = this.program([input.shape[0], h, w, c]);
      const values = program.execute(this.inputName, { t: input, perm: NHWC }, tensors);
      return tensors.map((name) => {
        const v = values.get(name)!;
        const t = v.t.rank === 4 ? toNhwc(v) : toPlain(v);
        // The caller owns the result; never hand back the caller's own input tensor.
        return t === input ? tf.clone(t) : t;
      });
    });
  }

  kernel(layerId: string): tf.Tensor4D | null {
    let e = this.entry(layerId);
    if (!e.convNode && e.info.kind === 'module') {
      // A module holding exactly one conv shows that conv's kernel.
      const convs = [...this.layers.values()].filter((l) => l.convNode && l.info.id.startsWith(`${layerId}.`));
      if (convs.length === 1) e = convs[0];
    }
    const node = e.convNode;
    if (!node || !e.info.kernelShape) return null;
    // The weights may reach the conv through a Cast (float16/float64 files) or another folded constant.
    const w = this.graph.initializers.get(node.inputs[1]) ?? this.foldedConst(node.inputs[1]);
    if (!w || w.shape.length !== 4) return null;
    return e.info.kind === 'depthwiseConv'
      ? depthwiseFilter(w.data, w.shape, e.info.kernelShape[2])
      : oihwToHwio(w.data, w.shape, 0, w.shape[0]);
  }

  dispose(): void {
    for (const p of this.programs.values()) p.dispose();
    this.programs.clear();
    for (const t of this.cache.values()) t.dispose();
    this.cache.clear();
    // The flipped kernels its conv gradients hold (heldKernels.ts): freed with the model, not when idle.
    releaseGradientKernels();
  }
}

