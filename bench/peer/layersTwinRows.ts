// `npx tsx bench/peer/layersTwinRows.ts [--steps 3] [--runs 5] [--backend wasm|cpu]`: MobileNetV2's Lucid step
// (224 px, unit 0 of the last feature layer) for the ONNX twin, the TF.js-Layers twin as loaded (BatchNormalization
// folded: tfjsLayersPlan.ts) and the same Layers twin run layer by layer (the path before folding), interleaved run by
// run so that the load of a shared machine falls on all three alike. Prints each median and the ratios to ONNX.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel } from '../../src/core/node/loadModelFile';
import { startNodeBackend } from '../../src/core/node/startNodeBackend';
import { wrapLayersModel } from '../../src/core/model/tfjsLayersModel';
import type { LoadedModel } from '../../src/core/model/loadedModel';
import { benchFixturesDir } from '../benchFixtures';
import { lucidMsPerStep } from './layerLensSide';
import { ensureMobilenetV2Layers, LAYERS_TWIN_LAYER } from './mobilenetV2Twin';

const SIZE = 224;

/** The twin's LayersModel from its model.json + weights.bin, wrapped to run every layer by itself (no folding). */
async function layerByLayer(path: string): Promise<LoadedModel> {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  const group = json.weightsManifest[0]!;
  const bytes = readFileSync(join(dirname(path), group.paths[0]!));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData }));
  return wrapLayersModel(model, path, 'mobilenet_v2 layer by layer', {}, { fold: false });
}

export async function layersTwinRows(steps: number, runs: number): Promise<string[]> {
  const twinPath = await ensureMobilenetV2Layers(SIZE);
  const models: [string, string, LoadedModel][] = [
    ['ONNX twin', 'features.18', await loadModel(join(benchFixturesDir(join(__dirname, '../..')), 'mobilenet_v2.onnx'))],
    ['Layers twin, folded', LAYERS_TWIN_LAYER, await loadModel(twinPath)],
    ['Layers twin, layer by layer', LAYERS_TWIN_LAYER, await layerByLayer(twinPath)],
  ];
  try {
    const times = models.map(() => [] as number[]);
    const cpu = models.map(() => [] as number[]);
    // One warm-up run each (first-use kernels, flipped gradient kernels), then the runs interleaved.
    for (const [, layer, model] of models) await lucidMsPerStep(model, layer, 0, SIZE, 1, 1);
    for (let r = 0; r < runs; r++) {
      for (const [i, [, layer, model]] of models.entries()) {
        // CPU time of the process (every thread) as well as wall time: on a machine shared with other work the
        // wall time mostly measures the others.
        const before = process.cpuUsage();
        times[i]!.push(...(await lucidMsPerStep(model, layer, 0, SIZE, steps, 1)));
        const used = process.cpuUsage(before);
        cpu[i]!.push((used.user + used.system) / 1000 / steps);
      }
    }
    const median = (t: number[]) => t.slice().sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
    const [onnx, onnxCpu] = [median(times[0]!), median(cpu[0]!)];
    return models.map(([name], i) => {
      const [m, c] = [median(times[i]!), median(cpu[i]!)];
      const all = (t: number[]) => t.map((v) => v.toFixed(0)).join(', ');
      return `${name.padEnd(28)} wall ${m.toFixed(1).padStart(7)} ms/step ${(m / onnx).toFixed(2)}× ONNX | CPU ${c.toFixed(1).padStart(7)} ms/step ${(c / onnxCpu).toFixed(2)}× ONNX  (wall: ${all(times[i]!)}; CPU: ${all(cpu[i]!)})`;
    });
  } finally {
    for (const [, , model] of models) model.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { steps: { type: 'string', default: '3' }, runs: { type: 'string', default: '5' }, backend: { type: 'string', default: 'wasm' } } });
  const status = await startNodeBackend(values.backend as 'wasm' | 'cpu', {});
  process.stdout.write(`MobileNetV2 Lucid step at ${SIZE} px, ${values.steps} steps × ${values.runs} runs; ${status.detail}; load ${loadavg()[0]!.toFixed(2)}\n`);
  const rows = await layersTwinRows(Number(values.steps), Number(values.runs));
  process.stdout.write(`${rows.join('\n')}\nload ${loadavg()[0]!.toFixed(2)}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`layersTwinRows: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
