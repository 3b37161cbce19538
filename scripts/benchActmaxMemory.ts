// What one actmax batch takes in memory: the wasm heap (which only grows, and cannot pass 4 GiB), tf.memory()'s peak
// bytes during the steps (tf.profile's peakBytes: every live tensor, the wasm heap's share of it and the rest), the
// process's rss, ms per step, and a hash of the images and curves (to compare two versions of the code). Run one
// batch size per process: the heap a larger batch grew is never given back.
// Prints numbers, asserts nothing.
// Usage: npx tsx scripts/benchActmaxMemory.ts <units> [layer=inception4a] [model=googlenet.onnx] [size=224] [steps=2]
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { renderActmax } from '../src/core/actmax';
import { loadModel } from '../src/core/node/loadModelFile';
import { startNodeBackend } from '../src/core/node/startNodeBackend';
import { IMAGENET } from '../bench/benchAtlas';
import { benchFixturesDir } from '../bench/benchFixtures';

const [unitsArg = '32', layerId = 'inception4a', file = 'googlenet.onnx', sizeArg = '224', stepsArg = '2'] = process.argv.slice(2);
const MB = 1 << 20;

function wasmHeapBytes(): number {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.byteLength ?? 0;
}

(async () => {
  const status = await startNodeBackend('wasm');
  const path = file.includes('/') ? file : join(benchFixturesDir(join(__dirname, '..')), file);
  const model = await loadModel(path);
  const size = Number(sizeArg);
  const spec = { ...IMAGENET, height: size, width: size };
  const units = Array.from({ length: Number(unitsArg) }, (_, i) => i);
  const loaded = { heap: wasmHeapBytes(), tf: tf.memory().numBytes };
  const t0 = performance.now();
  const digest = createHash('sha256');
  const info = await tf.profile(async () => {
    const result = await renderActmax(model, { layerId, units, preset: 'lucid', inputSpec: spec, overrides: { steps: Number(stepsArg) } });
    for (const img of result.images) digest.update(img);
    for (const h of result.objectiveHistory) digest.update(new Uint8Array(h.buffer, h.byteOffset, h.byteLength));
  });
  const wall = performance.now() - t0;
  const rss = process.memoryUsage().rss;
  process.stdout.write(`${status.detail}\n`);
  process.stdout.write(
    `${model.info.name} → ${layerId}, ${units.length} units, ${size} px, ${stepsArg} steps: ` +
      `tf peak ${((info.peakBytes - loaded.tf) / MB).toFixed(0)} MB above the weights (${(loaded.tf / MB).toFixed(0)} MB), ` +
      `wasm heap ${(loaded.heap / MB).toFixed(0)} → ${(wasmHeapBytes() / MB).toFixed(0)} MB, rss ${(rss / MB).toFixed(0)} MB, ` +
      `${(wall / Number(stepsArg)).toFixed(0)} ms per step (profiled, first step included); images and curves ${digest.digest('hex').slice(0, 16)}\n`,
  );
  model.dispose();
})().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
