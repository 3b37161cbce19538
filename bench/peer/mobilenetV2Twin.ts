// The TF.js-Layers twin of the ONNX mobilenet_v2 fixture for `npm run bench:peer`: Keras's MobileNetV2 (alpha 1,
// 224 px: 17 inverted residuals, 1280-channel Conv_1) built with tfjs-layers through the zoo's building blocks,
// with the zoo's seeded, calibrated weights, saved as model.json + weights.bin and read back through loadModel as
// a user's LayersModel is. Built once into the temp folder (calibrating at 224 px takes a while).
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { classifierHead, convBnAct, input, invertedResidual, model } from '../../scripts/zoo/netBlocks';
import { seedWeights } from '../../scripts/zoo/seedWeights';

/** The layer the bench's objective reads: Conv_1's ReLU6, the last feature layer (the ONNX twin's features.18). */
export const LAYERS_TWIN_LAYER = 'Conv_1_relu6';

function mobilenetV2(size: number): tfl.LayersModel {
  const x = input(size, 3);
  let y = convBnAct(x, 'Conv1', 32, 3, 'relu6', { strides: 2 });
  // [expansion, output channels, repeats, first stride] of the MobileNetV2 paper's table 2.
  const plan: [number, number, number, number][] = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
  let c = 32;
  let block = 0;
  for (const [t, outC, n, s] of plan) {
    for (let i = 0; i < n; i++) {
      y = invertedResidual(y, `block_${block++}`, c, outC, t, i === 0 ? s : 1);
      c = outC;
    }
  }
  y = convBnAct(y, 'Conv_1', 1280, 1, 'relu6');
  return model(x, classifierHead(y, 1000), 'mobilenet_v2');
}

/** Path of the twin's model.json (built on first use with the active backend). */
export async function ensureMobilenetV2Layers(size = 224): Promise<string> {
  const dir = join(tmpdir(), `layer-lens-peer-mobilenet-v2-layers-${size}`);
  const path = join(dir, 'model.json');
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const net = mobilenetV2(size);
  seedWeights(net, 2);
  await net.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      const json = { format: 'layers-model', generatedBy: a.generatedBy, convertedBy: null, modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
      // model.json last, through a rename: a half-written twin is never taken for a built one.
      writeFileSync(`${path}.tmp`, JSON.stringify(json));
      renameSync(`${path}.tmp`, path);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  net.dispose();
  return path;
}
