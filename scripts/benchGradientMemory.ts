// What a model holds in memory before and after input gradients, and how long one gradient takes: tf.memory()
// bytes (the tensors the engine reports), the wasm heap, and the process (rss, external, array buffers), before
// load, after load, after the first and after the last gradient (d mean(last layer) / d image, batch 1), once the
// gradients have been idle long enough for their held kernels to go (heldKernels.ts), and after the model's dispose.
// Usage: npx tsx scripts/benchGradientMemory.ts <nsfwjs model name | model path> <wasm|cpu> [native 0|1] [steps]
import * as tf from '@tensorflow/tfjs-core';
import { IDLE_MS } from '../src/core/gradients/heldKernels';
import { loadModel } from '../src/core/node/loadModelFile';
import { startNodeBackend } from '../src/core/node/startNodeBackend';
import { NSFWJS_MODELS, nsfwjsModel, type NsfwjsModelName } from '../test/helpers/nsfwjs';

const [what = 'mobilenet_v2', backend = 'wasm', native = '0', stepsArg = '10'] = process.argv.slice(2);
const steps = Number(stepsArg);
const MB = 1 << 20;

function wasmHeapBytes(): number {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.byteLength ?? 0;
}

function snapshot(label: string, weightBytes: number, base = 0): void {
  const gcFn = (globalThis as { gc?: () => void }).gc;
  gcFn?.();
  const m = process.memoryUsage();
  const t = tf.memory().numBytes - base;
  const ratio = weightBytes > 0 ? ` (${(t / weightBytes).toFixed(2)}× weights)` : '';
  console.log(`${label.padEnd(18)} tf ${(t / MB).toFixed(1)} MB${ratio}, wasm heap ${(wasmHeapBytes() / MB).toFixed(1)} MB, rss ${(m.rss / MB).toFixed(0)} MB, external ${(m.external / MB).toFixed(1)} MB, arrayBuffers ${(m.arrayBuffers / MB).toFixed(1)} MB`);
}

(async () => {
  await startNodeBackend(backend as 'wasm' | 'cpu', { threads: 1, nativeThreads: 1, nativeKernels: native === '1' });
  const path = (NSFWJS_MODELS as readonly string[]).includes(what) ? nsfwjsModel(what as NsfwjsModelName) : what;
  snapshot('before load', 0);
  const base = tf.memory().numBytes;
  const model = await loadModel(path);
  const weightBytes = tf.memory().numBytes - base;
  console.log(`${what} on ${backend}${native === '1' ? ' + native kernels' : ''}: weights ${(weightBytes / MB).toFixed(1)} MB (tf bytes below leave out the input image)`);
  snapshot('after load', weightBytes, base);
  const [, h, w, c] = model.info.inputShape.map((d) => d ?? 224) as number[];
  const layer = model.info.outputIds[0] as string;
  const x = tf.randomUniform([1, h as number, w as number, c as number], 0, 1, 'float32', 7);
  const withX = base + x.size * 4;
  const grad = tf.grad((v: tf.Tensor) => tf.mean(model.forward(v as tf.Tensor4D, [layer])[0] as tf.Tensor));
  const times: number[] = [];
  for (let i = 1; i <= steps; i++) {
    const t0 = performance.now();
    tf.tidy(() => grad(x).dataSync());
    times.push(performance.now() - t0);
    if (i === 1 || i === steps) snapshot(`after gradient ${i}`, weightBytes, withX);
  }
  const rest = times.slice(1).sort((a, b) => a - b);
  console.log(`gradient ms: first ${times[0]?.toFixed(0)}, median of the next ${rest.length} ${rest[Math.floor(rest.length / 2)]?.toFixed(0)}, min ${rest[0]?.toFixed(0)}`);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS + 200));
  snapshot(`idle ${((IDLE_MS + 200) / 1000).toFixed(1)} s`, weightBytes, withX);
  x.dispose();
  model.dispose();
  snapshot('after dispose', weightBytes, base);
})();
