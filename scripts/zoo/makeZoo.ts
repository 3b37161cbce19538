// Builds the conformance zoo into the folder given as the one argument: every network of zooNets.ts as a TF.js
// LayersModel (model.json + weights.bin, seeded and calibrated weights) and, for those in GRAPH_TWINS, a GraphModel
// twin with the same weights; each with a sidecar that maps pixels to [-1, 1] (MobileNet-style), the range the
// weights were calibrated on. index.json, written last, lists them. Run through ensureZoo.mjs (`npm run zoo`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { seedOf } from './rng';
import { seedWeights } from './seedWeights';
import { toGraph } from './toGraph';
import { GRAPH_TWINS, ZOO_NETS } from './zooNets';

export interface ZooEntry {
  /** Unique name: the net's, with `_graph` for a GraphModel twin. */
  name: string;
  net: string;
  format: 'layers' | 'graph';
  /** model.json, relative to the zoo folder. */
  path: string;
  inputShape: number[];
  /** Bytes of weights. */
  bytes: number;
}

const SIDECAR = { description: 'Zoo model: pixels to [-1, 1].', input: { scale: 1 / 127.5, mean: [1], std: [1] } };

async function saveLayers(model: tfl.LayersModel, dir: string): Promise<number> {
  let bytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = new Uint8Array(a.weightData as ArrayBuffer);
      bytes = data.byteLength;
      writeFileSync(join(dir, 'weights.bin'), data);
      const json = {
        format: 'layers-model', generatedBy: a.generatedBy, convertedBy: null, modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return bytes;
}

async function main(): Promise<void> {
  const root = process.argv[2];
  if (!root) throw new Error('usage: makeZoo.ts OUT_DIR');
  await tf.setBackend('cpu');
  tf.env().set('PROD', true);
  const entries: ZooEntry[] = [];
  for (const [net, build] of Object.entries(ZOO_NETS)) {
    const started = Date.now();
    const model = build();
    seedWeights(model, seedOf(net));
    const inputShape = (model.inputs[0]?.shape ?? []).map((d) => d ?? -1);
    const dir = join(root, net);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.layerlens.json'), JSON.stringify(SIDECAR, null, 2));
    entries.push({ name: net, net, format: 'layers', path: `${net}/model.json`, inputShape, bytes: await saveLayers(model, dir) });
    const style = GRAPH_TWINS[net];
    if (style) {
      const gdir = join(root, `${net}_graph`);
      mkdirSync(gdir, { recursive: true });
      writeFileSync(join(gdir, 'model.layerlens.json'), JSON.stringify(SIDECAR, null, 2));
      const bytes = toGraph(model, style).save(gdir, `Layer Lens zoo: ${net} (${style})`);
      entries.push({ name: `${net}_graph`, net, format: 'graph', path: `${net}_graph/model.json`, inputShape, bytes });
    }
    model.dispose();
    console.log(`zoo: ${net}${style ? ` + graph (${style})` : ''} in ${Date.now() - started} ms`);
  }
  writeFileSync(join(root, 'index.json'), JSON.stringify({ models: entries }, null, 2));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
