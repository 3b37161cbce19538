// Tiny TF.js models held in memory and opened through the product's own loader (loadModelFiles), so the tests
// exercise the same rewrites (Layers evaluated as plain ops, GraphModel fused ops split) that real models get.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModelFiles } from '../../../src/core/model/loadModel';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import type { ModelFiles } from '../../../src/core/io/modelFiles';
import { SHARD_NAME, graphModelArtifacts, type GraphConstant } from '../../helpers/graphModelJson';

function memoryFiles(files: Map<string, Uint8Array>): ModelFiles {
  return {
    path: '/memory/model.json',
    read: async (name) => {
      const bytes = files.get(name);
      if (!bytes) throw new Error(`no file ${name} in the in-memory model`);
      return bytes;
    },
  };
}

/** Saves a Layers model to memory and opens it as Layer Lens does. */
export async function openLayersModel(model: tfl.LayersModel): Promise<LoadedModel> {
  const files = new Map<string, Uint8Array>();
  await model.save(tf.io.withSaveHandler(async (a) => {
    files.set('weights.bin', new Uint8Array(a.weightData as ArrayBuffer));
    const json = { format: a.format, modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
    files.set('model.json', new TextEncoder().encode(JSON.stringify(json)));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return loadModelFiles(memoryFiles(files));
}

/** A constant of a hand-written GraphModel. */
export type GraphWeight = GraphConstant;

/** Opens a GraphModel made of `nodes` (TF GraphDef JSON) with the given constant weights. */
export async function openGraphModel(nodes: object[], weights: GraphWeight[]): Promise<LoadedModel> {
  const { json, bin } = graphModelArtifacts(nodes, weights);
  return loadModelFiles(memoryFiles(new Map([
    ['model.json', new TextEncoder().encode(JSON.stringify(json))],
    [SHARD_NAME, bin],
  ])));
}

/** The id of the model's last listed layer. */
export function lastLayerId(model: LoadedModel): string {
  const layers = model.info.layers;
  return (layers[layers.length - 1] as { id: string }).id;
}
