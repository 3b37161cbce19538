// Writes Keras files of TF.js Layers models, laid out as Keras itself writes them, with a model.json twin beside
// each, so that a test can load both and compare. No Python or Keras is needed: the HDF5 files are written by
// h5wasm, the same HDF5 C library h5py (and so Keras) calls, with Keras's layout:
//  - legacy .h5 (Keras 2.x `model.save('m.h5')`, keras/saving/legacy/hdf5_format.py): root attributes
//    keras_version, backend and model_config (JSON, a fixed-length byte string); group model_weights with the
//    attribute layer_names; one group per layer with the attribute weight_names (conv2d/kernel:0, …) and its
//    datasets at <layer>/<weight name> (the '/' in the name makes a subgroup, as h5py does).
//  - Keras 3 .keras (keras/src/saving/saving_lib.py): a zip of metadata.json, config.json (each object as
//    { module, class_name, config, registered_name }, a call as { args, kwargs } of __keras_tensor__s with
//    keras_history, dtype policies, InputLayer batch_shape) and model.weights.h5, whose variables sit at
//    layers/<class in snake case, _1, _2… by order>/vars/<i>, with an (empty) vars group for the model itself.
// Usage: tsx scripts/keras/kerasTwins.ts [OUT_DIR]   (default .cache/keras)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { zipSync } from 'fflate';
import { mulberry32 } from '../../src/core/actmax/rng';

type Json = Record<string, unknown>;

export interface TwinFiles {
  name: string;
  /** The model.json twin. */
  twin: string;
  h5: string;
  keras: string;
  inputShape: number[];
}

// ---------------------------------------------------------------- models

/** A deterministic generator, so the files are the same on every run. */
const rng = mulberry32;

/** Gives every weight seeded values; BN variances stay positive. */
function randomize(model: tfl.LayersModel, seed: number): tfl.LayersModel {
  const r = rng(seed);
  const values = model.weights.map((w) => {
    const shape = w.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const positive = /moving_variance|gamma/.test(w.originalName);
    const data = Float32Array.from({ length: n }, () => (positive ? 0.5 + r() : (r() - 0.5) * 0.6));
    return tf.tensor(data, shape);
  });
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

const L = tfl.layers;

function mobilenetLike(): tfl.LayersModel {
  const input = tfl.input({ shape: [32, 32, 3], name: 'input_1' });
  let x = L.conv2d({ name: 'conv1', filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(input) as tfl.SymbolicTensor;
  x = L.batchNormalization({ name: 'conv1_bn' }).apply(x) as tfl.SymbolicTensor;
  x = L.reLU({ name: 'conv1_relu', maxValue: 6 }).apply(x) as tfl.SymbolicTensor;
  x = L.depthwiseConv2d({ name: 'dw1', kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tfl.SymbolicTensor;
  x = L.batchNormalization({ name: 'dw1_bn' }).apply(x) as tfl.SymbolicTensor;
  x = L.reLU({ name: 'dw1_relu', maxValue: 6 }).apply(x) as tfl.SymbolicTensor;
  x = L.conv2d({ name: 'pw1', filters: 16, kernelSize: 1, useBias: false }).apply(x) as tfl.SymbolicTensor;
  x = L.batchNormalization({ name: 'pw1_bn' }).apply(x) as tfl.SymbolicTensor;
  x = L.reLU({ name: 'pw1_relu', maxValue: 6 }).apply(x) as tfl.SymbolicTensor;
  x = L.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfl.SymbolicTensor;
  const out = L.dense({ name: 'predictions', units: 10, activation: 'softmax' }).apply(x) as tfl.SymbolicTensor;
  return randomize(tfl.model({ inputs: input, outputs: out, name: 'mobilenet_like' }), 11);
}

function resnetLike(): tfl.LayersModel {
  const input = tfl.input({ shape: [16, 16, 3], name: 'input_1' });
  let x = L.conv2d({ name: 'conv1', filters: 8, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
  x = L.batchNormalization({ name: 'conv1_bn' }).apply(x) as tfl.SymbolicTensor;
  const shortcut = L.activation({ name: 'conv1_relu', activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
  let y = L.conv2d({ name: 'block1_conv1', filters: 8, kernelSize: 3, padding: 'same' }).apply(shortcut) as tfl.SymbolicTensor;
  y = L.batchNormalization({ name: 'block1_bn1' }).apply(y) as tfl.SymbolicTensor;
  y = L.activation({ name: 'block1_relu1', activation: 'relu' }).apply(y) as tfl.SymbolicTensor;
  y = L.conv2d({ name: 'block1_conv2', filters: 8, kernelSize: 3, padding: 'same' }).apply(y) as tfl.SymbolicTensor;
  y = L.batchNormalization({ name: 'block1_bn2' }).apply(y) as tfl.SymbolicTensor;
  let z = L.add({ name: 'block1_add' }).apply([shortcut, y]) as tfl.SymbolicTensor;
  z = L.activation({ name: 'block1_out', activation: 'relu' }).apply(z) as tfl.SymbolicTensor;
  z = L.maxPooling2d({ name: 'pool', poolSize: 2 }).apply(z) as tfl.SymbolicTensor;
  z = L.flatten({ name: 'flatten' }).apply(z) as tfl.SymbolicTensor;
  const out = L.dense({ name: 'fc', units: 5, activation: 'softmax' }).apply(z) as tfl.SymbolicTensor;
  return randomize(tfl.model({ inputs: input, outputs: out, name: 'resnet_like' }), 12);
}

function inceptionLike(): tfl.LayersModel {
  const input = tfl.input({ shape: [16, 16, 3], name: 'input_1' });
  const stem = L.conv2d({ name: 'stem', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  const b1 = L.conv2d({ name: 'branch1x1', filters: 4, kernelSize: 1, activation: 'relu' }).apply(stem) as tfl.SymbolicTensor;
  const b3 = L.conv2d({ name: 'branch3x3', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(stem) as tfl.SymbolicTensor;
  const bp0 = L.averagePooling2d({ name: 'branch_pool', poolSize: 3, strides: 1, padding: 'same' }).apply(stem) as tfl.SymbolicTensor;
  const bp = L.conv2d({ name: 'branch_pool_conv', filters: 4, kernelSize: 1, activation: 'relu' }).apply(bp0) as tfl.SymbolicTensor;
  let x = L.concatenate({ name: 'mixed0', axis: -1 }).apply([b1, b3, bp]) as tfl.SymbolicTensor;
  x = L.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as tfl.SymbolicTensor;
  x = L.dropout({ name: 'dropout', rate: 0.2 }).apply(x) as tfl.SymbolicTensor;
  const out = L.dense({ name: 'predictions', units: 6, activation: 'softmax' }).apply(x) as tfl.SymbolicTensor;
  return randomize(tfl.model({ inputs: input, outputs: out, name: 'inception_like' }), 13);
}

/** A Sequential model, as Keras 2 writes one: the first layer carries the input shape. */
function sequentialLike(): tfl.LayersModel {
  const model = tfl.sequential({
    name: 'sequential_like',
    layers: [
      L.conv2d({ name: 'conv', inputShape: [10, 10, 2], filters: 4, kernelSize: 3, activation: 'relu' }),
      L.batchNormalization({ name: 'bn' }),
      L.separableConv2d({ name: 'sep', filters: 6, kernelSize: 3, padding: 'same' }),
      L.maxPooling2d({ name: 'pool', poolSize: 2 }),
      L.flatten({ name: 'flatten' }),
      L.dense({ name: 'fc', units: 3, activation: 'softmax' }),
    ],
  });
  return randomize(model, 15);
}

/** A backbone model used as one layer of the outer model, as transfer learning does (keras.applications + a head). */
function nestedLike(): tfl.LayersModel {
  const inner = tfl.input({ shape: [12, 12, 3], name: 'backbone_input' });
  let y = L.conv2d({ name: 'backbone_conv1', filters: 6, kernelSize: 3, padding: 'same' }).apply(inner) as tfl.SymbolicTensor;
  y = L.batchNormalization({ name: 'backbone_bn1' }).apply(y) as tfl.SymbolicTensor;
  y = L.activation({ name: 'backbone_relu1', activation: 'relu' }).apply(y) as tfl.SymbolicTensor;
  y = L.conv2d({ name: 'backbone_conv2', filters: 6, kernelSize: 3, strides: 2, activation: 'relu' }).apply(y) as tfl.SymbolicTensor;
  const backbone = tfl.model({ inputs: inner, outputs: y, name: 'backbone' });
  const input = tfl.input({ shape: [12, 12, 3], name: 'image' });
  let x = backbone.apply(input) as tfl.SymbolicTensor;
  x = L.globalAveragePooling2d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  const out = L.dense({ name: 'head', units: 4, activation: 'softmax' }).apply(x) as tfl.SymbolicTensor;
  return randomize(tfl.model({ inputs: input, outputs: out, name: 'nested_like' }), 14);
}

/** A TF.js Layers model read from its model.json and shards (the sample MNIST model, a trained zoo model). */
export async function readLayersModel(modelJson: string): Promise<tfl.LayersModel> {
  const dir = dirname(modelJson);
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const shards = json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p)));
  const data = Buffer.concat(shards);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }));
}

// ---------------------------------------------------------------- writers

type H5 = typeof import('h5wasm');
let h5lib: Promise<{ lib: H5; fs: { readFile(p: string): Uint8Array; unlink(p: string): void } }> | undefined;
function h5(): Promise<{ lib: H5; fs: { readFile(p: string): Uint8Array; unlink(p: string): void } }> {
  h5lib ??= import('h5wasm').then(async (lib) => ({ lib, fs: ((await lib.ready) as unknown as { FS: { readFile(p: string): Uint8Array; unlink(p: string): void } }).FS }));
  return h5lib;
}

type H5Group = InstanceType<H5['Group']>;

/** h5py writes a Python bytes value as a fixed-length byte string; 'A<n>' is h5wasm's fixed-length ASCII. */
function bytesAttr(g: H5Group, name: string, text: string): void {
  g.create_attribute(name, text, null, `A${Math.max(1, Buffer.byteLength(text))}`);
}

/** Keras's save_attributes_to_hdf5_group: a list of byte strings (an empty list as an empty float array). */
function listAttr(g: H5Group, name: string, items: string[]): void {
  if (items.length === 0) {
    g.create_attribute(name, new Float64Array(0), [0], '<d');
    return;
  }
  const width = Math.max(1, ...items.map((s) => Buffer.byteLength(s)));
  g.create_attribute(name, items, [items.length], `A${width}`);
}

function dataset(g: H5Group, name: string, value: Float32Array, shape: number[], gzip: boolean): void {
  const parts = name.split('/');
  let at = g;
  for (const part of parts.slice(0, -1)) at = (at.get(part) as H5Group | null) ?? at.create_group(part);
  const chunks = gzip && shape.length > 0 ? shape.map((d) => Math.max(1, d)) : null;
  at.create_dataset({ name: parts[parts.length - 1] as string, data: value, shape, dtype: '<f', ...(chunks ? { chunks, compression: 'gzip' as const, compression_opts: 4 } : {}) });
}

let fileCounter = 0;

/**
 * h5py (so Keras) writes with the library's default bounds, the earliest format that can hold the data (version 0
 * superblock, symbol-table groups); `modern` writes HDF5 1.8's format (link messages, new object headers), as
 * h5py.File(..., libver='latest') or other HDF5 tools do.
 */
async function writeHdf5(fill: (root: InstanceType<H5['File']>) => void, modern = false): Promise<Uint8Array> {
  const { lib, fs } = await h5();
  const name = `/keras-twin-${fileCounter++}.h5`;
  const file = new lib.File(name, 'w', { libver: modern ? ['v108', 'latest'] : ['earliest', 'latest'] });
  try {
    fill(file);
  } finally {
    file.close();
  }
  const bytes = fs.readFile(name);
  fs.unlink(name);
  return bytes;
}

function weightValues(layer: tfl.layers.Layer): { name: string; value: Float32Array; shape: number[] }[] {
  return layer.weights.map((w) => ({ name: w.originalName, value: w.read().dataSync() as Float32Array, shape: w.shape as number[] }));
}

/** Keras 2's model_config: the topology tfjs-layers writes is Keras 2's own format. */
function keras2Config(model: tfl.LayersModel): Json {
  const json = model.toJSON(null, false) as Json;
  return { class_name: json.class_name, config: json.config };
}

export interface LegacyH5Options {
  /** gzip-compressed, chunked datasets (what a user's own h5py code may write). */
  gzip?: boolean;
  /** HDF5 1.8's format instead of the earliest one. */
  modern?: boolean;
  /** The model_config to store instead of the model's own. */
  config?: Json;
  /** As Keras 3's model.save('m.h5'): its own config form, and weight names without ':0' (the variable's path). */
  keras3?: boolean;
  /**
   * Split layer_names and weight_names into this many attributes name0, name1, … as Keras's
   * save_attributes_to_hdf5_group does when a list exceeds the 64 KiB an object header holds.
   */
  chunks?: number;
}

export async function writeLegacyH5(model: tfl.LayersModel, options: LegacyH5Options = {}): Promise<Uint8Array> {
  const config = JSON.stringify(options.config ?? (options.keras3 ? keras3Config(model) : keras2Config(model)));
  const version = options.keras3 ? '3.6.0' : '2.15.0';
  const suffix = options.keras3 ? '' : ':0';
  const list = (g: H5Group, name: string, items: string[]): void => {
    const n = options.chunks ?? 1;
    if (n <= 1 || items.length < n) return listAttr(g, name, items);
    const size = Math.ceil(items.length / n);
    for (let k = 0; k * size < items.length; k++) listAttr(g, `${name}${k}`, items.slice(k * size, (k + 1) * size));
  };
  return writeHdf5((f) => {
    bytesAttr(f, 'keras_version', version);
    bytesAttr(f, 'backend', 'tensorflow');
    bytesAttr(f, 'model_config', config);
    const mw = f.create_group('model_weights');
    list(mw, 'layer_names', model.layers.map((l) => l.name));
    bytesAttr(mw, 'backend', 'tensorflow');
    bytesAttr(mw, 'keras_version', version);
    for (const layer of model.layers) {
      const g = mw.create_group(layer.name);
      const weights = weightValues(layer);
      list(g, 'weight_names', weights.map((w) => `${w.name}${suffix}`));
      for (const w of weights) dataset(g, `${w.name}${suffix}`, w.value, w.shape, options.gzip === true);
    }
    // The earliest format keeps attributes in the object header, at most 64 KiB: a larger model_config needs
    // HDF5 1.8's dense attribute storage, which is what h5py falls back to only with libver='latest'.
  }, options.modern ?? config.length > 60_000);
}

// ------------------------------------------------ Keras 3 config (what keras.src.saving.serialization_lib writes)

const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

function keras3Object(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keras3Object);
  if (!v || typeof v !== 'object') return v;
  const o = v as Json;
  if (typeof o.class_name === 'string' && 'config' in o) {
    return { module: 'keras.initializers', class_name: o.class_name, config: o.config, registered_name: null };
  }
  return v;
}

function keras3LayerConfig(className: string, config: Json): Json {
  if (className === 'InputLayer') {
    return { batch_shape: config.batch_input_shape, dtype: 'float32', sparse: false, name: config.name };
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(config)) out[k] = k === 'dtype' ? POLICY : keras3Object(v);
  return out;
}

const CONTAINERS = new Set(['Sequential', 'Model', 'Functional']);

/** A reference as Keras 3 writes it: a nested model's calls count from 0 there (Keras 2 and TF.js count its own node first). */
function tensorOf(model: tfl.LayersModel, ref: unknown[]): Json {
  const layer = model.getLayer(ref[0] as string);
  const node = ref[1] as number;
  const shape = layer.inboundNodes[node]?.outputTensors[ref[2] as number]?.shape ?? null;
  const k3node = CONTAINERS.has(layer.getClassName()) ? node - 1 : node;
  return { class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [ref[0], k3node, ref[2]] } };
}

function keras3Ref(model: tfl.LayersModel, ref: unknown[]): unknown[] {
  const layer = model.getLayer(ref[0] as string);
  return [ref[0], CONTAINERS.has(layer.getClassName()) ? (ref[1] as number) - 1 : ref[1], ref[2]];
}

/** Keras 3's Sequential lists the InputLayer it made from the first layer's input shape, which that layer loses. */
function sequentialLayers(layers: Json[]): Json[] {
  const first = layers[0];
  if (!first || first.class_name === 'InputLayer') return layers;
  const { batch_input_shape: shape, ...rest } = first.config as Json;
  if (!shape) return layers;
  const input = { class_name: 'InputLayer', config: { batch_input_shape: shape, name: 'input_layer' } };
  return [input, { ...first, config: rest }, ...layers.slice(1)];
}

export function keras3Config(model: tfl.LayersModel): Json {
  return keras3Model(model, keras2Config(model));
}

function keras3Model(model: tfl.LayersModel, k2: Json): Json {
  const cfg = k2.config as Json;
  const layers = cfg.layers as Json[];
  if (k2.class_name === 'Sequential') {
    return {
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: cfg.name,
        trainable: true,
        dtype: POLICY,
        layers: sequentialLayers(layers).map((l) => ({ module: 'keras.layers', class_name: l.class_name, config: keras3LayerConfig(l.class_name as string, l.config as Json), registered_name: null })),
        build_input_shape: (model.inputs[0] as tfl.SymbolicTensor).shape,
      },
      registered_name: null,
      build_config: { input_shape: (model.inputs[0] as tfl.SymbolicTensor).shape },
    };
  }
  const single = (refs: unknown): unknown => {
    const list = (refs as unknown[][]).map((r) => keras3Ref(model, r));
    return list.length === 1 ? list[0] : list;
  };
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: cfg.name,
      trainable: true,
      layers: layers.map((l) => {
        const calls = (l.inbound_nodes as unknown[][][]).map((call) => {
          const tensors = call.map((ref) => tensorOf(model, ref));
          return { args: [tensors.length === 1 ? tensors[0] : tensors], kwargs: {} };
        });
        if (CONTAINERS.has(l.class_name as string)) {
          const inner = keras3Model(model.getLayer(l.name as string) as tfl.LayersModel, { class_name: l.class_name, config: l.config });
          return { ...inner, name: l.name, inbound_nodes: calls };
        }
        return {
          module: 'keras.layers',
          class_name: l.class_name,
          config: keras3LayerConfig(l.class_name as string, l.config as Json),
          registered_name: null,
          name: l.name,
          inbound_nodes: calls,
        };
      }),
      input_layers: single(cfg.input_layers),
      output_layers: single(cfg.output_layers),
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}

/** Keras's naming.to_snake_case, written from its regular expressions. */
function snake(name: string): string {
  return name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Keras walks model.layers: a Sequential's leaves out its InputLayer. */
function kerasLayers(model: tfl.LayersModel): tfl.layers.Layer[] {
  return model.layers.filter((l, i) => !(model.getClassName() === 'Sequential' && i === 0 && l.getClassName() === 'InputLayer'));
}

/** layers/<snake class>[_n]/vars/<i>; a nested model's own vars group, then its layers under its layers/ group. */
function writeKeras3Layers(group: H5Group, layers: tfl.layers.Layer[]): void {
  const used = new Map<string, number>();
  for (const layer of layers) {
    let name = snake(layer.getClassName() === 'Model' ? 'Functional' : layer.getClassName());
    const n = used.get(name);
    used.set(name, n === undefined ? 0 : n + 1);
    if (n !== undefined) name = `${name}_${n + 1}`;
    const own = group.create_group(name);
    const vars = own.create_group('vars');
    if (CONTAINERS.has(layer.getClassName())) {
      writeKeras3Layers(own.create_group('layers'), kerasLayers(layer as tfl.LayersModel));
      continue;
    }
    weightValues(layer).forEach((w, i) => dataset(vars, String(i), w.value, w.shape, false));
  }
}

export async function writeKeras3(model: tfl.LayersModel, options: { deflate?: boolean; config?: Json } = {}): Promise<Uint8Array> {
  const config = options.config ?? keras3Config(model);
  const layers = kerasLayers(model);
  const weights = await writeHdf5((f) => {
    f.create_group('vars');
    writeKeras3Layers(f.create_group('layers'), layers);
  });
  const level = options.deflate ? 6 : 0;
  return zipSync({
    'metadata.json': [new TextEncoder().encode(JSON.stringify({ keras_version: '3.6.0', date_saved: '2026-12-06@00:00:00' })), { level }],
    'config.json': [new TextEncoder().encode(JSON.stringify(config)), { level }],
    'model.weights.h5': [weights, { level }],
  });
}

async function saveTwin(model: tfl.LayersModel, dir: string): Promise<string> {
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(dir, 'model.json');
}

export async function zooModels(root: string): Promise<{ name: string; model: tfl.LayersModel }[]> {
  return [
    { name: 'mnist-cnn', model: await readLayersModel(join(root, 'models/mnist-cnn/model.json')) },
    { name: 'mobilenet-like', model: mobilenetLike() },
    { name: 'resnet-like', model: resnetLike() },
    { name: 'inception-like', model: inceptionLike() },
    { name: 'nested-like', model: nestedLike() },
    { name: 'sequential-like', model: sequentialLike() },
  ];
}

/** Writes every model as <out>/<name>/{model.json, weights.bin, <name>.h5, <name>.keras}. */
export async function writeKerasTwins(root: string, out: string): Promise<TwinFiles[]> {
  const written: TwinFiles[] = [];
  for (const [i, { name, model }] of (await zooModels(root)).entries()) {
    const dir = join(out, name);
    mkdirSync(dir, { recursive: true });
    const twin = await saveTwin(model, dir);
    const h5 = join(dir, `${name}.h5`);
    const keras = join(dir, `${name}.keras`);
    // Alternate the storage choices Keras users meet: gzip-compressed datasets in HDF5 1.8's format, deflated zip entries.
    writeFileSync(h5, await writeLegacyH5(model, { gzip: i % 2 === 1, modern: i % 2 === 1 }));
    writeFileSync(keras, await writeKeras3(model, { deflate: i % 2 === 0 }));
    written.push({ name, twin, h5, keras, inputShape: (model.inputs[0] as tfl.SymbolicTensor).shape.map((d) => d ?? 1) });
    model.dispose();
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]).endsWith(join('scripts', 'keras', 'kerasTwins.ts'))) {
  const root = resolve(new URL('../..', import.meta.url).pathname);
  const out = resolve(process.argv[2] ?? join(root, '.cache/keras'));
  void (async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    for (const t of await writeKerasTwins(root, out)) console.log(`${t.name}: ${t.h5}, ${t.keras}`);
  })();
}
