// Turns the model config of a Keras file (Keras 2's model_config attribute of a .h5, Keras 3's config.json of a
// .keras or the model_config Keras 3 writes into a .h5) into the Keras 2 form tfjs-layers reads. Keras 3 writes
// each object as { module, class_name, config, registered_name }, a layer call as { args, kwargs } whose
// tensors carry keras_history, an InputLayer's shape as batch_shape and dtypes as policy objects. Pure JSON
// work; stops at the first layer that cannot run, naming it in one sentence.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { LayerLensError } from '../../shared/errors';
import { quoteName } from '../../shared/userText';

type Json = Record<string, unknown>;

const CONTAINERS = new Set(['Sequential', 'Model', 'Functional']);
/** Layers that hold Python code: nothing but Python can run them. */
const PYTHON_LAYERS = new Set(['Lambda', 'TFOpLambda', 'SlicingOpLambda', 'TorchModuleWrapper', 'JaxLayer', 'FlaxLayer']);
/** Keras 3 activation names TF.js spells differently. */
const ACTIVATIONS: Readonly<Record<string, string>> = { silu: 'swish', hard_sigmoid: 'hardSigmoid', log_softmax: 'logSoftmax' };
/** Keys Keras 3 adds that tfjs-layers has no use for (inference reads none of them). */
const DROPPED = new Set(['synchronized', 'lora_rank', 'lora_alpha', 'quantization_config', 'optional', 'sparse', 'ragged', 'input_tensor']);

export function isObject(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The model config in tfjs-layers' form ({ class_name, config }), or a LayerLensError naming what cannot run. */
export function kerasModelConfig(raw: unknown, path: string): Json {
  if (!isObject(raw) || typeof raw.class_name !== 'string' || !raw.config) {
    throw new LayerLensError('notAModel', `${path} holds no Keras model config (a class_name and config).`);
  }
  checkModelClass(raw, path);
  return convertModel(raw, path);
}

function checkModelClass(model: Json, path: string): void {
  const cls = quoteName(model.class_name as string);
  if (!CONTAINERS.has(model.class_name as string)) {
    throw new LayerLensError(
      'unknownLayer',
      `${path} holds a model of the class ${cls}, which is not a built-in Keras model (a subclassed model's layers exist only in its Python code); save a Sequential or functional model to open it.`,
    );
  }
}

/** Whether a serialized object names a class of the user's own (Keras 3 and 2.13+ write module and registered_name). */
function isCustom(entry: Json): boolean {
  const module = entry.module;
  const registered = entry.registered_name;
  if (typeof module === 'string' && module !== '' && !/^(keras|tf_keras|tensorflow)(\.|$)/.test(module)) return true;
  return typeof registered === 'string' && registered !== entry.class_name && !CONTAINERS.has(registered);
}

function checkLayerClass(entry: Json, path: string): void {
  const cls = quoteName(entry.class_name as string);
  const name = isObject(entry.config) && typeof entry.config.name === 'string' ? ` ('${quoteName(entry.config.name)}')` : '';
  if (PYTHON_LAYERS.has(cls)) {
    throw new LayerLensError('unknownLayer', `${path} uses a ${cls} layer${name}, which holds Python code that only Python can run.`);
  }
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  if (isCustom(entry) || !((entry.class_name as string) in known)) {
    const builtIn = !isCustom(entry) && /^[A-Z]/.test(cls) && typeof entry.module === 'string';
    throw new LayerLensError(
      'unknownLayer',
      builtIn
        ? `${path} uses the Keras layer class ${cls}${name}, which TensorFlow.js does not implement, so Layer Lens cannot run it.`
        : `${path} uses the layer class ${cls}${name}, which is not a built-in Keras layer; Layer Lens cannot run a custom layer's Python code.`,
    );
  }
}

function convertModel(model: Json, path: string): Json {
  const cls = model.class_name as string;
  const config = model.config;
  if (cls === 'Sequential') {
    const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
    if (!Array.isArray(layers)) return { class_name: cls, config };
    const out = layers.map((l) => convertEntry(l, path, new Map()));
    // Keras 3 keeps a Sequential's input shape beside its layers when no InputLayer starts it.
    const first = out[0];
    const built = isObject(config) ? config.build_input_shape : undefined;
    if (isObject(first) && first.class_name !== 'InputLayer' && isObject(first.config) && first.config.batch_input_shape == null && Array.isArray(built)) {
      first.config = { ...first.config, batch_input_shape: built };
    }
    const name = isObject(config) && typeof config.name === 'string' ? config.name : 'sequential';
    return { class_name: cls, config: { name, layers: out } };
  }
  if (!isObject(config) || !Array.isArray(config.layers)) return { class_name: cls, config };
  // Keras 3 numbers a nested model's calls from 0; tfjs-layers (like Keras 2) counts the node the model makes
  // for itself first, so a Keras 3 reference to a nested model's call k is call k + 1 there.
  const shift = new Map<string, number>();
  for (const l of config.layers) {
    if (isObject(l) && typeof l.name === 'string' && CONTAINERS.has(String(l.class_name))) shift.set(l.name, nodesAtConstruction(convertModel(l, path)));
  }
  const keras3 = config.layers.some((l) => isObject(l) && Array.isArray(l.inbound_nodes) && l.inbound_nodes.some(isObject));
  const layers = config.layers.map((l) => convertEntry(l, path, keras3 ? shift : new Map()));
  return {
    class_name: cls,
    config: {
      name: typeof config.name === 'string' ? config.name : 'model',
      layers,
      input_layers: refList(config.input_layers, keras3 ? shift : new Map()),
      output_layers: refList(config.output_layers, keras3 ? shift : new Map()),
    },
  };
}

function nodesAtConstruction(model: Json): number {
  if (model.class_name !== 'Sequential') return 1;
  const layers = isObject(model.config) && Array.isArray(model.config.layers) ? model.config.layers : [];
  const first = layers[0];
  return isObject(first) && (first.class_name === 'InputLayer' || (isObject(first.config) && first.config.batch_input_shape != null)) ? 1 : 0;
}

function convertEntry(entry: unknown, path: string, shift: Map<string, number>): unknown {
  if (!isObject(entry) || typeof entry.class_name !== 'string') return entry; // validateLayersTopology names it
  const cls = entry.class_name;
  const out: Json = {};
  if (CONTAINERS.has(cls)) {
    Object.assign(out, convertModel(entry, path));
  } else {
    checkLayerClass(entry, path);
    out.class_name = cls;
    out.config = isObject(entry.config) ? layerConfig(cls, entry.config, path) : entry.config;
  }
  if (entry.name !== undefined) out.name = entry.name;
  const inbound = entry.inbound_nodes;
  if (inbound !== undefined) out.inbound_nodes = Array.isArray(inbound) ? inbound.map((n) => (isObject(n) ? keras3Call(n, shift) : n)) : inbound;
  return out;
}

function layerConfig(cls: string, config: Json, path: string): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    if (DROPPED.has(key)) continue;
    if (key === 'dtype') out.dtype = dtypeName(value);
    else if (key === 'batch_shape') out.batch_input_shape = value;
    // Every weight is overwritten from the file: building with zeros is fast and needs no Keras initializer.
    else if (key.endsWith('_initializer')) out[key] = value === null ? null : { class_name: 'Zeros', config: {} };
    // Training-only terms; tfjs-layers does not know every Keras 3 regularizer or constraint class.
    else if (key.endsWith('_regularizer') || key.endsWith('_constraint')) out[key] = null;
    else if (key === 'activation') out.activation = activation(value, cls, config, path);
    else out[key] = plain(value);
  }
  if ((cls === 'Conv2D' || cls === 'Conv1D' || cls === 'Conv3D') && typeof config.groups === 'number' && config.groups !== 1) {
    throw new LayerLensError('unknownLayer', `${path} has a grouped convolution (layer '${String(config.name)}', groups ${config.groups}), which TensorFlow.js cannot run.`);
  }
  delete out.groups;
  if (/^Global.*Pooling/.test(cls) && config.keepdims === true) {
    throw new LayerLensError('unknownLayer', `${path} has a ${cls} layer ('${String(config.name)}') that keeps its dimensions (keepdims), which TensorFlow.js cannot run.`);
  }
  delete out.keepdims;
  // tf.keras 2 writes a normalization axis as a one-element list; tfjs-layers takes the number.
  if (Array.isArray(out.axis) && out.axis.length === 1 && /Normalization$/.test(cls)) out.axis = out.axis[0];
  return out;
}

function activation(value: unknown, cls: string, config: Json, path: string): unknown {
  if (value === null || value === undefined) return value;
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const name = typeof value === 'string' ? (ACTIVATIONS[value] ?? value) : undefined;
  if (name !== undefined && name in known) return name;
  const shown = name ?? (isObject(value) && typeof value.config === 'string' ? value.config : isObject(value) ? String(value.class_name) : String(value));
  throw new LayerLensError('unknownLayer', `${path} uses the activation ${quoteName(shown)} in layer '${quoteName(String(config.name))}' (${cls}), which is not a built-in activation TensorFlow.js has.`);
}

/** A dtype or dtype policy → the dtype TF.js computes in (mixed and half precision run in float32). */
function dtypeName(v: unknown): unknown {
  const name = isObject(v) && isObject(v.config) ? v.config.name : v;
  if (typeof name !== 'string') return 'float32';
  return /float16|bfloat16|float64|^mixed/.test(name) ? 'float32' : name;
}

/** Drops Keras 3's module/registered_name around nested serialized objects. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (!isObject(v)) return v;
  if (typeof v.class_name === 'string' && 'config' in v) return { class_name: v.class_name, config: plain(v.config) };
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
}

/** A Keras 3 call ({ args, kwargs }) → Keras 2's list of [layer, node, tensor, kwargs]. */
function keras3Call(node: Json, shift: Map<string, number>): unknown[] {
  const refs: [string, number, number][] = [];
  collectTensors(node.args, refs);
  const kwargs: Json = {};
  if (isObject(node.kwargs)) {
    for (const [k, v] of Object.entries(node.kwargs)) {
      const before = refs.length;
      collectTensors(v, refs);
      if (refs.length === before && v !== null && v !== undefined) kwargs[k] = v;
    }
  }
  return refs.map(([layer, index, tensor]) => [layer, index + (shift.get(layer) ?? 0), tensor, kwargs]);
}

function collectTensors(v: unknown, out: [string, number, number][]): void {
  if (Array.isArray(v)) {
    for (const x of v) collectTensors(x, out);
    return;
  }
  if (!isObject(v)) return;
  if (v.class_name === '__keras_tensor__') {
    const history = isObject(v.config) ? v.config.keras_history : undefined;
    // A malformed history becomes a reference validateLayersTopology refuses with a sentence.
    out.push(Array.isArray(history) ? (history as [string, number, number]) : (['', -1, -1] as [string, number, number]));
    return;
  }
  for (const x of Object.values(v)) collectTensors(x, out);
}

/** input_layers/output_layers: Keras 3 writes one [name, node, tensor] unwrapped for a single tensor, or a dict. */
function refList(v: unknown, shift: Map<string, number>): unknown {
  let list: unknown[];
  if (Array.isArray(v) && typeof v[0] === 'string') list = [v];
  else if (Array.isArray(v)) list = v;
  else if (isObject(v)) list = Object.values(v);
  else return v;
  return list.map((r) => (Array.isArray(r) && typeof r[0] === 'string' && typeof r[1] === 'number' ? [r[0], r[1] + (shift.get(r[0]) ?? 0), ...r.slice(2)] : r));
}
