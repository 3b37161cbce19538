// LoadedModel for a TF.js GraphModel: nodes listed in topological order, grouped by their name scopes
// (a scope is listed as a 'module' whose output is that of the last node inside it).
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { AssumedInputSize, LayerInfo, ModelInfo } from '../../shared/model';
import { LayerLensError } from '../../shared/errors';
import type { LoadedModel } from './loadedModel';
import { tfjsReason } from './tfjsReason';
import { graphKind, inputNodeName, scopesOf, UNFUSED_SUFFIX, type GraphNodeJson } from './tfjsGraphTopology';
import { inputIsChannelsFirst, nodeLayouts, placeholderShape, type Layout } from './graphChannelsFirst';
import { enterModel, leaveModel, recordInputFacts, type InputBoundary } from './modelBoundary';
import { chooseInputSize, describeAssumedSize, type InputSizeRequest } from './assumedInputSize';
import { releaseGradientKernels } from '../gradients/heldKernels';

export interface GraphWrapOptions {
  /** Listed node → the node that computes its output in NHWC (channels-first ops rewritten by graphChannelsFirst). */
  inner?: Map<string, string>;
  /** Where the size comes from when the input does not fix one. */
  size?: InputSizeRequest;
}

/** Nodes Layer Lens adds to a graph (split fused ops, NHWC rewrites) carry this in their names and are never listed. */
const HELPER_MARK = '__layerLens';

export function wrapGraphModel(model: GraphModel, nodes: GraphNodeJson[], path: string, name: string, options: GraphWrapOptions = {}): LoadedModel {
  const warnings: string[] = [];
  const weights = model.weights;
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const isConst = (n: string): boolean => nodeByName.get(n)?.op === 'Const' || (weights[n] !== undefined && nodeByName.get(n)?.op !== 'Placeholder');
  const inner = options.inner ?? new Map<string, string>();
  const listed = nodes.filter((n) => n.op !== 'Const' && n.op !== 'NoOp' && !n.name.includes(HELPER_MARK));
  const listedNames = new Set(listed.map((n) => n.name));

  const inputInfo = model.inputs[0];
  if (!inputInfo) throw new LayerLensError('malformedModel', `${path} is a graph model without an input.`);
  if (model.inputs.length > 1) warnings.push(`The model has ${model.inputs.length} inputs; Layer Lens feeds the image to the first one only.`);
  const inputName = inputInfo.name.replace(/:0$/, '');
  const inputNode = nodeByName.get(inputName);
  const boundary = inputBoundary(inputNode, inputInfo.dtype, nodes, path);
  const declared = (inputInfo.shape ?? (inputNode ? placeholderShape(inputNode) : [])).map((d, i) => (i === 0 || d < 0 ? null : d));
  const inputShape = boundary.layout === 'NCHW' && declared.length === 4 ? [declared[0] ?? null, declared[2] ?? null, declared[3] ?? null, declared[1] ?? null] : declared;
  const assumed = inputShape.length === 4 ? chooseInputSize([inputShape[1] ?? null, inputShape[2] ?? null], options.size ?? {}, path) : undefined;
  if (assumed) warnings.push(`The input size is not fixed in the model; it runs at ${describeAssumedSize(assumed)}.`);
  // A synchronous read that is safe on every backend: these are the file's own weights, tensors made from its bytes,
  // whose values TF.js's webgpu backend holds in CPU memory until first used and cpuCopies.ts keeps after that. Only
  // small int constants (axes, shapes) are read, once, at load.
  const constInts = (n: string): number[] | undefined => {
    const t = weights[n]?.[0];
    return t && t.dtype === 'int32' && t.size <= 8 ? Array.from(t.dataSync()) : undefined;
  };
  const layouts = nodeLayouts(nodes, () => boundary.layout, constInts);

  // The node whose output stands for each id (a module's is its last node).
  const target = new Map<string, string>();
  const layers: LayerInfo[] = [];
  const seenScopes = new Set<string>();
  const moduleEntries = new Map<string, LayerInfo>();
  for (const node of listed) {
    const scopes = scopesOf(node.name);
    for (const scope of scopes) {
      if (seenScopes.has(scope) || listedNames.has(scope)) continue;
      seenScopes.add(scope);
      const entry: LayerInfo = { id: scope, name: lastSegment(scope), className: 'Module', kind: 'module', outputShape: [null], paramCount: 0 };
      const parent = nearestScope(scope, seenScopes, listedNames);
      if (parent) entry.parent = parent;
      layers.push(entry);
      moduleEntries.set(scope, entry);
    }
    // A rewritten channels-first op is listed as its NHWC twin; a split fused op as the op the file has.
    const core = nodeByName.get(inner.get(node.name) ?? node.name) ?? node;
    const helper = nodeByName.get(core.name + UNFUSED_SUFFIX);
    const op = originalOp(core, helper);
    const info: LayerInfo = { id: node.name, name: lastSegment(node.name), className: op, kind: graphKind(op), outputShape: [null], paramCount: 0 };
    const parent = nearestScope(node.name, seenScopes, listedNames);
    if (parent) info.parent = parent;
    // Parameters: the float constant inputs of this node and of its helper (int constants are shapes, axes).
    const constInputs = [...(core.input ?? []), ...(helper?.input ?? [])].map(inputNodeName).filter(isConst);
    info.paramCount = constInputs.reduce((sum, c) => sum + floatSize(weights[c]?.[0]), 0);
    const filter = kernelInput(core, helper, nodeByName);
    if (filter) {
      const w = weights[filter]?.[0];
      if (w && w.rank === 4) info.kernelShape = w.shape.slice();
    }
    layers.push(info);
    target.set(node.name, core.name);
    for (const scope of scopes) {
      if (moduleEntries.has(scope)) {
        target.set(scope, core.name);
        (moduleEntries.get(scope) as LayerInfo).paramCount += info.paramCount;
      }
    }
  }

  const outputIds = model.outputs.map((o) => o.name.replace(/:0$/, ''));
  const info: ModelInfo = {
    path,
    name,
    format: 'graph',
    inputShape,
    nativeLayout: boundary.layout,
    layers,
    outputIds,
    logitsId: findLogits(outputIds, nodeByName),
    paramCount: Object.values(weights).reduce((sum, ts) => sum + floatSize(ts[0]), 0),
    warnings,
  };
  recordInputFacts(info, inputName, boundary, assumed);
  let disposed = false;

  const loaded: LoadedModel = {
    info,
    forward(x: tf.Tensor4D, layerIds: readonly string[]): tf.Tensor[] {
      if (disposed) throw new LayerLensError('internal', `The model ${path} was already closed.`);
      const names = layerIds.map((id) => {
        const node = target.get(id);
        if (!node) throw new LayerLensError('badArgument', `${path} has no layer named ${id}.`);
        return node;
      });
      if (names.length === 0) return [];
      return tf.tidy(() => {
        const unique = [...new Set(names)];
        const outs = model.execute({ [inputName]: enterModel(x, boundary) }, unique);
        const list = Array.isArray(outs) ? outs : [outs];
        const byName = new Map(unique.map((n, i) => [n, leaveModel(list[i] as tf.Tensor, layouts.get(n))]));
        // Cloned: the caller may dispose every result, even the input or a node asked for twice.
        return names.map((n) => tf.clone(byName.get(n) as tf.Tensor));
      });
    },
    kernel(layerId: string): tf.Tensor4D | null {
      const node = nodeByName.get(inner.get(layerId) ?? layerId);
      if (!node) return null;
      const filter = kernelInput(node, nodeByName.get(node.name + UNFUSED_SUFFIX), nodeByName);
      const w = filter ? weights[filter]?.[0] : undefined;
      return w && w.rank === 4 ? (tf.clone(w) as tf.Tensor4D) : null;
    },
    dispose(): void {
      if (!disposed) model.dispose();
      disposed = true;
      // The flipped kernels its conv gradients hold (convInputGrad.ts): freed with the model, not when idle.
      releaseGradientKernels();
    },
  };
  fillShapes(loaded, inputShape, assumed, warnings, path);
  return loaded;
}

/** How the core's NHWC float input enters the model: layout from the input's shape and attrs, integer types rounded. */
function inputBoundary(node: GraphNodeJson | undefined, dtype: string | undefined, nodes: GraphNodeJson[], path: string): InputBoundary {
  const layout: Layout = node && inputIsChannelsFirst(node, nodes) ? 'NCHW' : 'NHWC';
  if (dtype === undefined || dtype === 'float32') return { layout };
  if (dtype === 'int32') {
    const raw = (node?.attr?.dtype as { type?: unknown } | undefined)?.type;
    return { layout, dtype: raw === 'DT_UINT8' ? 'uint8' : 'int32' };
  }
  throw new LayerLensError('malformedModel', `${path} takes a ${dtype} input, which is not an image Layer Lens can feed.`);
}

function originalOp(node: GraphNodeJson, helper: GraphNodeJson | undefined): string {
  if (!helper) return node.op;
  return helper.op === 'Conv2D' ? '_FusedConv2D' : helper.op === 'DepthwiseConv2dNative' ? 'FusedDepthwiseConv2dNative' : '_FusedMatMul';
}

function floatSize(t: tf.Tensor | undefined): number {
  return t && t.dtype === 'float32' ? t.size : 0;
}

/** The weight a conv's filter comes from, through the Identity nodes TensorFlow 1 graphs put in between. */
function kernelInput(node: GraphNodeJson, helper: GraphNodeJson | undefined, nodeByName: Map<string, GraphNodeJson>): string | null {
  const conv = helper ?? node;
  if (graphKind(conv.op) !== 'conv' && graphKind(conv.op) !== 'depthwiseConv') return null;
  const filter = conv.input?.[1];
  if (!filter) return null;
  let name = inputNodeName(filter);
  for (let hops = 0; hops < 16; hops++) {
    const source = nodeByName.get(name);
    if (!source || source.op !== 'Identity' || !source.input?.[0]) break;
    name = inputNodeName(source.input[0]);
  }
  return name;
}

function lastSegment(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? name : name.slice(i + 1);
}

function nearestScope(name: string, scopes: Set<string>, nodes: Set<string>): string | undefined {
  const all = scopesOf(name);
  for (let i = all.length - 1; i >= 0; i--) {
    const s = all[i] as string;
    if (scopes.has(s) || nodes.has(s)) return s;
  }
  return undefined;
}

/** Logits: the input of a final Softmax, or a final MatMul/BiasAdd itself. */
function findLogits(outputIds: string[], nodeByName: Map<string, GraphNodeJson>): string | undefined {
  if (outputIds.length !== 1) return undefined;
  let node = nodeByName.get(outputIds[0] as string);
  while (node && (node.op === 'Identity' || node.op === 'Softmax') && node.input?.[0]) {
    node = nodeByName.get(inputNodeName(node.input[0]));
  }
  return node && ['MatMul', '_FusedMatMul', 'BiasAdd', 'Add', 'AddV2'].includes(node.op) ? node.name : undefined;
}

/**
 * Output shapes come from one probe pass on a zero image (batch 1), at the assumed size when the input size is not
 * fixed (3 channels when the channel count is not either).
 */
function fillShapes(model: LoadedModel, inputShape: (number | null)[], assumed: AssumedInputSize | undefined, warnings: string[], path: string): void {
  if (inputShape.length !== 4) {
    warnings.push('The input is not declared as a 4-D image, so layer output shapes are unknown until an image runs.');
    return;
  }
  const dims = [inputShape[1] ?? assumed?.height, inputShape[2] ?? assumed?.width, inputShape[3] ?? 3];
  const layers = model.info.layers;
  try {
    tf.tidy(() => {
      const x = tf.zeros([1, ...(dims as number[])] as [number, number, number, number]);
      const outs = model.forward(x as tf.Tensor4D, layers.map((l) => l.id));
      layers.forEach((l, i) => {
        l.outputShape = [null, ...(outs[i] as tf.Tensor).shape.slice(1)];
      });
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const op = /not supported[^:]*:\s*([\w.]+)/i.exec(message)?.[1];
    if (op) throw new LayerLensError('unsupportedOp', `${path} uses the op ${op}, which TensorFlow.js cannot run.`);
    const why = e instanceof LayerLensError ? e.message.replace(/\.$/, '') : tfjsReason(e);
    warnings.push(`Layer output shapes are unknown: a probe run on a blank image failed${why ? ` (${why})` : ''}.`);
  }
}
