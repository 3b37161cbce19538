// Milliseconds per input gradient (d mean(layer) / d image, batch 1) of nsfwjs's trained models on the current
// machine: wasm with TF.js's kernels, wasm with the native kernels, and, for comparison, the depthwise input
// gradient the way it ran before flipped-kernel forward convs (TF.js's gradient with its backprop kernel
// delegated to cpu). Usage: npx tsx scripts/benchInputGradient.ts [mobilenet_v2|mobilenet_v2_mid|inception_v3] [layer index from the end]
import * as tf from '@tensorflow/tfjs-core';
import { depthwiseConv2dNativeGradConfig } from '@tensorflow/tfjs-core/dist/gradients/DepthwiseConv2dNative_grad';
import { loadModel } from '../src/core/node/loadModelFile';
import { startNodeBackend } from '../src/core/node/startNodeBackend';
import { nsfwjsModel, type NsfwjsModelName } from '../test/helpers/nsfwjs';

const name = (process.argv[2] ?? 'mobilenet_v2') as NsfwjsModelName;
const fromEnd = Number(process.argv[3] ?? 4);

async function time(label: string, variant: 'ours' | 'delegated', nativeKernels: boolean): Promise<void> {
  await startNodeBackend('wasm', { threads: 1, nativeThreads: 1, nativeKernels });
  const ours = tf.getGradient('DepthwiseConv2dNative');
  if (variant === 'delegated') tf.registerGradient(depthwiseConv2dNativeGradConfig);
  try {
    const model = await loadModel(nsfwjsModel(name));
    const [, h, w, c] = model.info.inputShape as number[];
    const layers = model.info.layers.filter((l) => l.kind !== 'module');
    const layer = layers[layers.length - fromEnd]!;
    const x = tf.randomUniform([1, h!, w!, c!]);
    const grad = tf.grad((v: tf.Tensor) => tf.mean(model.forward(v as tf.Tensor4D, [layer.id])[0] as tf.Tensor));
    const runs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      tf.tidy(() => grad(x).dataSync());
      runs.push(performance.now() - t0);
    }
    runs.shift();
    runs.sort((a, b) => a - b);
    const fwd: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      tf.tidy(() => (model.forward(x as tf.Tensor4D, [layer.id])[0] as tf.Tensor).dataSync());
      fwd.push(performance.now() - t0);
    }
    fwd.sort((a, b) => a - b);
    console.log(`${name} → ${layer.id} (${h}×${w}), ${label}: ${runs[2]!.toFixed(0)} ms median of ${runs.length} (forward ${fwd[1]!.toFixed(0)} ms)`);
    model.dispose();
    x.dispose();
  } finally {
    if (ours) tf.registerGradient(ours);
  }
}

(async () => {
  // InceptionV3 has no depthwise convs: the earlier path is the same code there.
  if (name !== 'inception_v3') await time('wasm, before (TF.js depthwise gradient, backprop kernel on cpu)', 'delegated', false);
  await time('wasm, flipped-kernel forward convs', 'ours', false);
  await time('wasm + native kernels', 'ours', true);
})();
