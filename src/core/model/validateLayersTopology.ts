// Checks a Keras (TF.js Layers) topology before tfjs-layers rebuilds it. Its `Container.fromConfig` re-queues a
// layer call until the call's inputs exist, so a cycle, a self loop, an input naming no layer (or a node the
// layer never gets), a duplicated layer name or a layer whose config names it differently re-queue forever.
// Everything here is plain JSON work and stops at the first problem with one sentence naming the file.
import { LayerLensError } from '../../shared/errors';
import { layerConfigProblem } from './validateLayerConfig';

type Json = Record<string, unknown>;

/** A reference to one output of one call of a layer: [layerName, nodeIndex, tensorIndex]. */
interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

interface LayerEntry {
  name: string;
  className: string;
  /** One list of input references per call of the layer. */
  calls: TensorRef[][];
  /** How many outputs one call of the layer may have (1 except for recurrent layers and nested models). */
  maxOutputs: number;
  /**
   * Nodes the layer has before any call: an InputLayer's own, and a nested model's inner one (so a nested model's
   * first call is node 1). Call k makes node offset + k.
   */
  offset: number;
}

const CONTAINERS = new Set(['Sequential', 'Model', 'Functional']);

/** Throws 'malformedModel' for the first structural problem of the topology (nested models included). */
export function validateLayersTopology(topology: unknown, path: string): void {
  const root = isObject(topology) && isObject(topology.model_config) ? topology.model_config : topology;
  validateModelConfig(root, path, 'the model');
}

function fail(path: string, what: string): never {
  throw new LayerLensError('malformedModel', `${path} has a broken layer graph: ${what}.`);
}

function isObject(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function validateModelConfig(model: unknown, path: string, where: string): void {
  if (!isObject(model) || typeof model.class_name !== 'string') fail(path, `${where} has no class_name`);
  const className = model.class_name as string;
  if (className === 'Sequential') return validateSequential(model.config, path, where);
  if (className === 'Model' || className === 'Functional') return validateFunctional(model.config, path, where);
  fail(path, `${where} is a ${className}, not a Sequential or functional model`);
}

function validateSequential(config: unknown, path: string, where: string): void {
  const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layers)) fail(path, `${where} (Sequential) has no list of layers`);
  if (layers.length === 0) fail(path, `${where} (Sequential) has no layers`);
  const first = layers[0] as Json;
  const firstConfig = isObject(first) && isObject(first.config) ? first.config : {};
  // A nested Sequential takes its input from the outer graph; the outermost one must say what it takes.
  if (where === 'the model' && isObject(first) && first.class_name !== 'InputLayer' && firstConfig.batch_input_shape == null && firstConfig.batchInputShape == null && !CONTAINERS.has(String(first.class_name))) {
    fail(path, `the first layer of ${where} (Sequential) does not say the input shape (batch_input_shape)`);
  }
  const names = new Set<string>();
  layers.forEach((layer: unknown, i) => {
    const entry = layerHeader(layer, path, `layer ${i + 1} of ${where}`);
    const name = (entry.config as Json).name;
    if (typeof name === 'string') {
      if (names.has(name)) fail(path, `two layers of ${where} are named '${name}'`);
      names.add(name);
    }
    if (CONTAINERS.has(entry.className)) validateModelConfig(layer, path, `the nested model '${String(name ?? i + 1)}'`);
  });
}

/** class_name and config of a layer entry. */
function layerHeader(layer: unknown, path: string, where: string): { className: string; config: Json } {
  if (!isObject(layer)) fail(path, `${where} is not an object`);
  if (typeof layer.class_name !== 'string' || layer.class_name === '') fail(path, `${where} has no class_name`);
  if (!isObject(layer.config)) fail(path, `${where} (${layer.class_name}) has no config`);
  const problem = layerConfigProblem(layer.class_name, layer.config);
  if (problem) {
    const name = typeof layer.config.name === 'string' ? `layer '${layer.config.name}'` : where;
    throw new LayerLensError('malformedModel', `${path} cannot be built: ${name} (${layer.class_name}) ${problem}.`);
  }
  return { className: layer.class_name, config: layer.config };
}

function validateFunctional(config: unknown, path: string, where: string): void {
  if (!isObject(config)) fail(path, `${where} has no config`);
  if (!Array.isArray(config.layers) || config.layers.length === 0) fail(path, `${where} has no layers`);
  const byName = new Map<string, LayerEntry>();
  const entries: LayerEntry[] = [];
  config.layers.forEach((raw: unknown, i) => {
    const entry = readLayer(raw, path, `layer ${i + 1} of ${where}`);
    if (byName.has(entry.name)) fail(path, `two layers of ${where} are named '${entry.name}'`);
    byName.set(entry.name, entry);
    entries.push(entry);
  });
  const nodeCount = (e: LayerEntry): number => e.offset + e.calls.length;
  const checkRef = (ref: TensorRef, what: string): LayerEntry => {
    const target = byName.get(ref.layer);
    if (!target) fail(path, `${what} reads layer '${ref.layer}', which ${where} does not have`);
    if (ref.node >= nodeCount(target)) {
      fail(path, `${what} reads call ${ref.node} of layer '${ref.layer}', which is called only ${nodeCount(target)} time${nodeCount(target) === 1 ? '' : 's'}`);
    }
    if (ref.tensor >= target.maxOutputs) fail(path, `${what} reads output ${ref.tensor} of layer '${ref.layer}', which has no such output`);
    return target;
  };
  for (const e of entries) {
    e.calls.forEach((call, k) => {
      for (const ref of call) {
        // A shared layer may read its own earlier call (A(A(x))), never this call or a later one.
        if (ref.layer === e.name && ref.node >= e.offset + k) fail(path, `layer '${e.name}' takes its own output as input`);
        checkRef(ref, `layer '${e.name}'${e.calls.length > 1 ? ` (call ${k})` : ''}`);
      }
    });
  }
  const inputs = readRefList(config.input_layers, path, `the input list of ${where}`);
  const outputs = readRefList(config.output_layers, path, `the output list of ${where}`);
  if (inputs.length === 0) fail(path, `${where} names no input layer`);
  if (outputs.length === 0) fail(path, `${where} names no output layer`);
  for (const ref of inputs) {
    const target = checkRef(ref, `the input list of ${where}`);
    if (target.className !== 'InputLayer') fail(path, `${where} lists '${ref.layer}' as an input, but it is a ${target.className}, not an InputLayer`);
  }
  for (const ref of outputs) checkRef(ref, `the output list of ${where}`);
  const cycle = findCycle(entries, byName);
  if (cycle) fail(path, `its layers read each other in a cycle (${cycle.join(' ← ')})`);
  for (const e of entries) {
    if (CONTAINERS.has(e.className)) validateModelConfig((config.layers as unknown[])[entries.indexOf(e)], path, `the nested model '${e.name}'`);
  }
}

function readLayer(raw: unknown, path: string, where: string): LayerEntry {
  const { className, config } = layerHeader(raw, path, where);
  const layer = raw as Json;
  if (typeof layer.name !== 'string' || layer.name === '') fail(path, `${where} (${className}) has no name`);
  const name = layer.name;
  // tfjs-layers names the layer from its config but tracks its pending calls by the outer name.
  if (config.name !== name) fail(path, `layer '${name}' says its name is '${String(config.name)}' in its config`);
  const inbound = layer.inbound_nodes ?? layer.inboundNodes ?? [];
  if (!Array.isArray(inbound)) fail(path, `the inbound nodes of layer '${name}' are not a list`);
  const calls = inbound.map((call: unknown, k) => {
    if (!Array.isArray(call)) fail(path, `call ${k} of layer '${name}' is not a list of inputs (this Keras 3 format is not supported)`);
    if (call.length === 0) fail(path, `call ${k} of layer '${name}' has no inputs`);
    return call.map((ref: unknown) => readRef(ref, path, `an input of layer '${name}'`));
  });
  return { name, className, calls, maxOutputs: maxOutputs(className, config), offset: nodesAtConstruction(className, config) };
}

function readRef(ref: unknown, path: string, what: string): TensorRef {
  if (!Array.isArray(ref) || ref.length < 3 || typeof ref[0] !== 'string' || !isIndex(ref[1]) || !isIndex(ref[2])) {
    fail(path, `${what} is not a [layer name, call index, output index] reference`);
  }
  if (ref.length > 3 && ref[3] !== null && ref[3] !== undefined && !isObject(ref[3])) fail(path, `${what} has call arguments that are not an object`);
  return { layer: ref[0], node: ref[1], tensor: ref[2] };
}

function readRefList(list: unknown, path: string, what: string): TensorRef[] {
  if (!Array.isArray(list)) fail(path, `${what} is missing`);
  return list.map((ref) => readRef(ref, path, `an entry of ${what}`));
}

function nodesAtConstruction(className: string, config: Json): number {
  if (className === 'InputLayer' || className === 'Model' || className === 'Functional') return 1;
  if (className !== 'Sequential') return 0;
  // A Sequential whose first layer states its input shape is built, with its inner node, when it is made.
  const layers = Array.isArray(config) ? config : Array.isArray(config.layers) ? config.layers : [];
  const first = layers[0] as Json | undefined;
  const inner = first && isObject(first.config) ? first.config : {};
  return first?.class_name === 'InputLayer' || inner.batch_input_shape != null || inner.batchInputShape != null ? 1 : 0;
}

/** Recurrent layers can return their states; nested models one output per output layer; other layers one. */
function maxOutputs(className: string, config: Json): number {
  if (/RNN|LSTM|GRU|Bidirectional/.test(className)) return Number.MAX_SAFE_INTEGER;
  if (CONTAINERS.has(className)) {
    const outs = config.output_layers;
    return Array.isArray(outs) ? Math.max(1, outs.length) : 1;
  }
  return 1;
}

/**
 * A cycle among layer calls, as layer names, or null. A layer's node made by a call depends on the nodes the call
 * reads and on the layer's previous call's node (tfjs-layers creates a layer's nodes in order). Iterative: real
 * models are deep.
 */
function findCycle(entries: LayerEntry[], byName: Map<string, LayerEntry>): string[] | null {
  const key = (layer: string, node: number): string => `${node}\u0000${layer}`;
  const deps = (layer: string, node: number): [string, number][] => {
    const e = byName.get(layer) as LayerEntry;
    if (node < e.offset) return [];
    const out: [string, number][] = (e.calls[node - e.offset] ?? []).map((r) => [r.layer, r.node]);
    if (node > e.offset) out.push([layer, node - 1]);
    return out;
  };
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: done
  for (const e of entries) {
    for (let node = e.offset; node < e.offset + e.calls.length; node++) {
      if (state.has(key(e.name, node))) continue;
      const stack: { layer: string; node: number; next: [string, number][]; i: number }[] = [
        { layer: e.name, node, next: deps(e.name, node), i: 0 },
      ];
      state.set(key(e.name, node), 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as (typeof stack)[number];
        if (top.i >= top.next.length) {
          state.set(key(top.layer, top.node), 2);
          stack.pop();
          continue;
        }
        const [layer, node] = top.next[top.i++] as [string, number];
        const s = state.get(key(layer, node));
        if (s === 1) {
          const from = stack.findIndex((f) => f.layer === layer && f.node === node);
          return [...stack.slice(from).map((f) => f.layer), layer];
        }
        if (s === 2) continue;
        state.set(key(layer, node), 1);
        stack.push({ layer, node, next: deps(layer, node), i: 0 });
      }
    }
  }
  return null;
}
