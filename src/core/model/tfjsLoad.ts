// TF.js model.json → LoadedModel. Files come through ModelFiles; TF.js gets the bytes through tf.io.fromMemory
// (never tf.io.fileSystem or fetch), so the same code runs wherever the bytes come from.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { LayerLensError } from '../../shared/errors';
import { baseName, dirName, type ModelFiles } from '../io/modelFiles';
import type { LoadedModel } from './loadedModel';
import { readTfjsArtifacts } from './tfjsArtifacts';
import { topoOrder, unfuseLinearOps, withDefaultAttrs, type GraphNodeJson } from './tfjsGraphTopology';
import { wrapGraphModel } from './tfjsGraphModel';
import { wrapLayersModel } from './tfjsLayersModel';
import { matchLayersWeights } from './matchLayersWeights';
import { tfjsReason } from './tfjsReason';
import { rewriteNchwOps } from './graphChannelsFirst';
import { sidecarInputSize } from './assumedInputSize';
import type { ModelLoadOptions } from './loadOptions';

export async function loadTfjsModel(files: ModelFiles, options: ModelLoadOptions = {}): Promise<LoadedModel> {
  const { kind, artifacts } = await readTfjsArtifacts(files);
  const name = modelName(files.path);
  const size = { option: options.inputSize, sidecar: await sidecarInputSize(files) };
  if (kind === 'layers') {
    checkLayerClasses(artifacts.modelTopology as object, files.path);
    let model: tfl.LayersModel;
    try {
      model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
    } catch (e) {
      throw await diagnoseLayersLoad(e, artifacts, files.path);
    }
    return wrapLayersModel(model, files.path, name, size);
  }
  const topology = artifacts.modelTopology as { node: GraphNodeJson[]; versions?: unknown };
  // Channels-first ops become NHWC ones between transposes before the fused ops are split (TF.js runs NHWC only).
  const nhwc = rewriteNchwOps(withDefaultAttrs(topology.node), artifacts);
  const inner = nhwc.inner;
  const nodes = topoOrder(unfuseLinearOps(nhwc.nodes));
  // The converter reads versions.producer; hand-written graphs often leave `versions` out.
  const versions = topology.versions && typeof topology.versions === 'object' ? topology.versions : {};
  const rewritten: tf.io.ModelArtifacts = { ...nhwc.artifacts, modelTopology: { ...topology, versions, node: nodes } };
  let model;
  try {
    model = await loadGraphModel(tf.io.fromMemory(rewritten));
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    const why = tfjsReason(e);
    throw new LayerLensError('malformedModel', `${files.path} is a graph model TensorFlow.js cannot load${why ? ` (${why})` : ''}.`);
  }
  return wrapGraphModel(model, nodes, files.path, name, { inner, size });
}

/** `models/mnist-cnn/model.json` → `mnist-cnn`; `foo.json` → `foo`. */
function modelName(path: string): string {
  const file = baseName(path);
  if (file === 'model.json') return baseName(dirName(path)) || 'model';
  return file.replace(/\.json$/i, '');
}

/** Every class_name in a Keras topology must be registered, checked before TF.js fails with a longer message. */
function checkLayerClasses(topology: object, path: string): void {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const root = (topology as { model_config?: object }).model_config ?? topology;
  const visit = (config: unknown): void => {
    if (!config || typeof config !== 'object') return;
    const { class_name: className, config: inner } = config as { class_name?: unknown; config?: unknown };
    if (typeof className === 'string' && !(className in known)) {
      throw new LayerLensError('unknownLayer', `${path} uses the layer class ${className}, which TensorFlow.js does not know (custom layers cannot be loaded).`);
    }
    const layers = Array.isArray(inner) ? inner : (inner as { layers?: unknown } | undefined)?.layers;
    if (Array.isArray(layers)) layers.forEach(visit);
  };
  visit(root);
}

/**
 * Names what made tfjs-layers refuse a model that passed the structural checks. Weight mismatches are found by
 * building the topology alone (without weights: only on this failure path) and comparing its weights with the
 * manifest; anything else is the layers' configuration.
 */
async function diagnoseLayersLoad(e: unknown, artifacts: tf.io.ModelArtifacts, path: string): Promise<LayerLensError> {
  if (e instanceof LayerLensError) return e;
  let bare: tfl.LayersModel;
  try {
    bare = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: artifacts.modelTopology }));
  } catch (inner) {
    if (inner instanceof LayerLensError) return inner;
    const why = tfjsReason(inner);
    return new LayerLensError('malformedModel', `${path} has a layer configuration TensorFlow.js cannot build${why ? ` (${why})` : ''}.`);
  }
  try {
    const needed = bare.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] }));
    matchLayersWeights(needed, (artifacts.weightSpecs ?? []).map((w) => ({ name: w.name, shape: w.shape })), path);
  } finally {
    bare.dispose();
  }
  return loadError(e, path);
}

function loadError(e: unknown, path: string): LayerLensError {
  if (e instanceof LayerLensError) return e;
  const why = tfjsReason(e);
  if (/Unknown layer/i.test(why)) return new LayerLensError('unknownLayer', `${path} uses a layer class TensorFlow.js does not know.`);
  if (/weight|shape/i.test(why)) return new LayerLensError('badWeights', `The weights of ${path} do not fit its layers${why ? ` (${why})` : ''}.`);
  return new LayerLensError('malformedModel', `${path} has a layer configuration TensorFlow.js cannot build${why ? ` (${why})` : ''}.`);
}
