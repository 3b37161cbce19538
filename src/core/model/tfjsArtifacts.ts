// Reads a TF.js model.json and its weight shards into ModelArtifacts, checking everything a user can get
// wrong before TF.js sees it, so that each mistake gets one sentence naming the file.
import type * as tf from '@tensorflow/tfjs-core';
import { LayerLensError } from '../../shared/errors';
import { jsonProblem } from '../../shared/userText';
import { baseName, type ModelFiles } from '../io/modelFiles';
import { readManifest, weightBytes, type WeightSpec } from './validateManifest';
import { checkFiniteWeights } from './validateWeightValues';
import { validateLayersTopology } from './validateLayersTopology';
import { validateGraphTopology } from './validateGraphTopology';
import { graphOpSupport } from './tfjsGraphOps';

export type TfjsKind = 'layers' | 'graph';

export interface TfjsArtifacts {
  kind: TfjsKind;
  artifacts: tf.io.ModelArtifacts;
}

export async function readTfjsArtifacts(files: ModelFiles): Promise<TfjsArtifacts> {
  const bytes = await files.read(baseName(files.path));
  const json = parseJson(bytes, files.path);
  const kind = modelKind(json, files.path);
  const manifest = readManifest(json, files.path);
  // The topology is checked before any shard is read: a broken one is refused at once, and never reaches TF.js.
  const topology = json.modelTopology as Record<string, unknown>;
  if (kind === 'layers') validateLayersTopology(topology, files.path);
  else validateGraphTopology(topology.node, manifest.flatMap((g) => g.weights), files.path, graphOpSupport);
  const weightSpecs: WeightSpec[] = [];
  const shards: Uint8Array[] = [];
  for (const group of manifest) {
    const expected = group.weights.some((w) => weightBytes(w) < 0) ? -1 : group.weights.reduce((sum, w) => sum + weightBytes(w), 0);
    const groupShards: Uint8Array[] = [];
    for (const shardPath of group.paths) groupShards.push(await files.read(shardPath));
    const actual = groupShards.reduce((sum, s) => sum + s.byteLength, 0);
    if (expected >= 0 && actual !== expected) {
      const names = group.paths.join(', ');
      throw new LayerLensError(
        'badWeights',
        `The weight file${group.paths.length > 1 ? 's' : ''} ${names} next to ${files.path} hold${group.paths.length > 1 ? '' : 's'} ${actual} bytes, but the model describes ${expected}.`,
      );
    }
    weightSpecs.push(...group.weights);
    shards.push(...groupShards);
  }
  const weightData = concat(shards);
  checkFiniteWeights(new Uint8Array(weightData), weightSpecs, files.path);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: topology,
    weightSpecs,
    weightData,
    format: typeof json.format === 'string' ? json.format : undefined,
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : undefined,
    convertedBy: typeof json.convertedBy === 'string' ? json.convertedBy : undefined,
  };
  if (json.signature && typeof json.signature === 'object') artifacts.signature = json.signature as object;
  if (json.userDefinedMetadata && typeof json.userDefinedMetadata === 'object') {
    artifacts.userDefinedMetadata = json.userDefinedMetadata as Record<string, {}>;
  }
  if (json.modelInitializer && typeof json.modelInitializer === 'object') artifacts.modelInitializer = json.modelInitializer as object;
  return { kind, artifacts };
}

function parseJson(bytes: Uint8Array, path: string): Record<string, unknown> {
  let value: unknown;
  const text = new TextDecoder('utf-8').decode(bytes);
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new LayerLensError('notJson', `${path} cannot be read as a model: ${jsonProblem(text, e)}.`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new LayerLensError('notAModel', `${path} is JSON but not a TensorFlow.js model (it is not an object with a modelTopology).`);
  }
  return value as Record<string, unknown>;
}

function modelKind(json: Record<string, unknown>, path: string): TfjsKind {
  const topology = json.modelTopology;
  if (!topology || typeof topology !== 'object') {
    throw new LayerLensError('notAModel', `${path} is JSON but not a TensorFlow.js model (it has no modelTopology).`);
  }
  const t = topology as Record<string, unknown>;
  if (Array.isArray(t.node)) return 'graph';
  // Keras saves either the model config itself or { model_config: ... } (tfjs-converter from .h5).
  const config = (t.model_config && typeof t.model_config === 'object' ? t.model_config : t) as Record<string, unknown>;
  if (typeof config.class_name === 'string' && config.config && typeof config.config === 'object') return 'layers';
  throw new LayerLensError('notAModel', `${path} is JSON but not a TensorFlow.js model (its modelTopology is neither a Keras model nor a graph).`);
}

function concat(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((sum, p) => sum + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out.buffer;
}
