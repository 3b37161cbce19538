// Fills a model built from a Keras config with the weights of its HDF5 file, layer by layer, in the order Keras
// itself saves and loads them (trainable weights, then non-trainable: kernel, bias; gamma, beta, moving mean,
// moving variance). Where they live:
//  - legacy .h5 (Keras 2, or Keras 3's model.save('x.h5')): model_weights/<layer name>/, the layer's attribute
//    weight_names listing its datasets in order (conv2d/kernel:0, …; a nested model's group holds all its weights);
//  - Keras 3 model.weights.h5: layers/<class in snake case, numbered _1, _2 … by order>/vars/0…n, a nested model's
//    layers under its own layers/ group.
// Every shape is compared with the layer's before any value is read, so a file cannot make Layer Lens allocate
// more than the model's own size.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { LayerLensError } from '../../shared/errors';
import type { Hdf5File } from './kerasHdf5';
import { isObject } from './kerasConfig';
import { refuseNonFinite } from './validateWeightValues';

const CONTAINERS = new Set(['Sequential', 'Model', 'Functional']);

/** Where one layer's weights are, as dataset paths in order. */
type Locate = (layer: Layer) => string[] | undefined;

/** Legacy .h5: model_weights/<layer>/ with its weight_names attribute. */
export function legacyLocator(h5: Hdf5File, root: string): Locate {
  return (layer) => {
    const group = `${root}/${layer.name}`;
    if (!h5.members(group)) return undefined;
    const names = h5.texts(group, 'weight_names') ?? [];
    return names.map((n) => `${group}/${n}`);
  };
}

/**
 * Keras 3 model.weights.h5: the variables of the i-th layer of class C (in the order of the config's layer list)
 * are under layers/c[_i]/vars. `modelConfig` is the config as Keras 3 wrote it.
 */
export function keras3Locator(h5: Hdf5File, modelConfig: unknown): Locate {
  const paths = new Map<string, string>();
  collectKeras3Paths(modelConfig, 'layers', '', paths);
  return (layer) => {
    const path = paths.get(layerKey(layer));
    if (path === undefined || !h5.members(path)) return undefined;
    const vars = `${path}/vars`;
    const members = h5.members(vars) ?? [];
    return members
      .filter((m) => /^\d+$/.test(m))
      .sort((a, b) => Number(a) - Number(b))
      .map((m) => `${vars}/${m}`);
  };
}

// Nested models' layers are keyed by their owners' names: 'outer/inner'.
const owners = new WeakMap<Layer, string>();
function layerKey(layer: Layer): string {
  return owners.get(layer) ?? layer.name;
}

function collectKeras3Paths(model: unknown, prefix: string, owner: string, out: Map<string, string>): void {
  if (!isObject(model)) return;
  const config = model.config;
  const layers = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : [];
  const used = new Map<string, number>();
  layers.forEach((entry: unknown, i) => {
    if (!isObject(entry) || typeof entry.class_name !== 'string') return;
    // A Sequential's `layers` leaves out the InputLayer that starts it; Keras names the others from its list.
    if (model.class_name === 'Sequential' && i === 0 && entry.class_name === 'InputLayer') return;
    let name = snakeCase(entry.class_name);
    const seen = used.get(name);
    used.set(name, seen === undefined ? 0 : seen + 1);
    if (seen !== undefined) name = `${name}_${seen + 1}`;
    const layerName = typeof entry.name === 'string' ? entry.name : isObject(entry.config) && typeof entry.config.name === 'string' ? entry.config.name : '';
    const key = owner ? `${owner}/${layerName}` : layerName;
    out.set(key, `${prefix}/${name}`);
    if (CONTAINERS.has(entry.class_name)) collectKeras3Paths(entry, `${prefix}/${name}/layers`, key, out);
  });
}

/** Keras's naming.to_snake_case: Conv2D → conv2d, BatchNormalization → batch_normalization, ReLU → re_lu. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Sets every weight of `model` from the file. `nested`: Keras 3 stores a nested model's weights per inner layer,
 * legacy .h5 as one list for the nested model.
 */
export function assignKerasWeights(model: LayersModel, h5: Hdf5File, locate: Locate, nested: 'perLayer' | 'whole', path: string, what: string): void {
  const visit = (layers: Layer[], owner: string): void => {
    for (const layer of layers) {
      if (owner) owners.set(layer, `${owner}/${layer.name}`);
      const inner = (layer as unknown as { layers?: Layer[] }).layers;
      if (nested === 'perLayer' && CONTAINERS.has(layer.getClassName()) && Array.isArray(inner)) {
        visit(inner, layerKey(layer));
        continue;
      }
      assignLayer(layer, h5, locate, path, what);
    }
  };
  visit(model.layers, '');
}

function assignLayer(layer: Layer, h5: Hdf5File, locate: Locate, path: string, what: string): void {
  const wanted = layer.weights;
  if (wanted.length === 0) return;
  const found = locate(layer);
  if (!found || found.length === 0) {
    throw new LayerLensError('missingWeights', `${path} has no weights for the layer '${layer.name}' (${layer.getClassName()}), which needs ${wanted.length}.`);
  }
  if (found.length !== wanted.length) {
    throw new LayerLensError(
      'badWeights',
      `${path} stores ${found.length} weight${found.length === 1 ? '' : 's'} for the layer '${layer.name}' (${layer.getClassName()}), which has ${wanted.length}.`,
    );
  }
  const shapes = found.map((p) => h5.shape(p));
  shapes.forEach((shape, i) => {
    const need = (wanted[i] as { shape: number[] }).shape;
    const p = found[i] as string;
    if (!shape) throw new LayerLensError('missingWeights', `${what} names the weight ${p}, which it does not hold.`);
    if (shape.length !== need.length || !shape.every((d, k) => d === need[k])) {
      throw new LayerLensError(
        'badWeights',
        `${path} stores the weight ${p} with shape [${shape.join(', ')}], but the layer '${layer.name}' needs [${need.join(', ')}].`,
      );
    }
  });
  const values = found.map((p, i) => {
    const data = h5.floats(p);
    let bad = 0;
    for (let k = 0; k < data.length; k++) if (!Number.isFinite(data[k] as number)) bad++;
    refuseNonFinite(path, bad > 0 ? [{ name: p, count: bad }] : []);
    return tf.tensor(data, (wanted[i] as { shape: number[] }).shape, 'float32');
  });
  try {
    layer.setWeights(values);
  } finally {
    tf.dispose(values);
  }
}
