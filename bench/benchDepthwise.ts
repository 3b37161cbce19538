// `npx tsx bench/benchDepthwise.ts [--backend wasm|cpu] [--runs 20]`: ms per depthwise conv (forward and input
// gradient) at MobileNetV2's 224 px shapes, native kernels against TF.js's own (wasm's XNNPACK forward; its
// input gradient, which wasm lacks, as the flipped-kernel forward conv of zero-spread dy that gradients used).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { startNodeBackend } from '../src/core/node/startNodeBackend';
import { installNativeKernels, installedNativeBinding, uninstallNativeKernels } from '../src/core/native/installNativeKernels';
import { medianMs, line } from './timing';

/** [H = W, C, stride] of MobileNetV2's depthwise 3×3 convs (one of each distinct shape). */
const SHAPES: [number, number, number][] = [[112, 32, 1], [112, 96, 2], [56, 144, 1], [56, 144, 2], [28, 192, 1], [28, 192, 2], [14, 384, 1], [14, 576, 1], [14, 576, 2], [7, 960, 1]];

function flippedGrad(dy: tf.Tensor4D, w: tf.Tensor4D, s: number, H: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, ho, wo, c] = dy.shape;
    let d = dy;
    if (s > 1) d = tf.reshape(tf.pad(tf.reshape(dy, [n, ho, 1, wo, 1, c]), [[0, 0], [0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]]), [n, ho * s, wo * s, c]);
    const pad = H - ho * s + 1;
    return tf.depthwiseConv2d(d, tf.reverse(w, [0, 1]) as tf.Tensor4D, 1, [[0, 0], [1, pad], [1, pad], [0, 0]]);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, runs: { type: 'string', default: '20' } } });
  const runs = Number(values.runs);
  const status = await startNodeBackend(values.backend as 'wasm' | 'cpu');
  const binding = installedNativeBinding();
  if (!binding) throw new Error(`the native kernels did not start: ${status.kernels ?? status.detail}`);
  process.stdout.write(`${status.detail} [${status.kernels}]; load average ${loadavg()[0].toFixed(2)}\n`);
  let total = { nf: 0, tf: 0, ng: 0, tg: 0 };
  for (const [H, C, s] of SHAPES) {
    const x = tf.randomNormal([1, H, H, C]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, C, 1]) as tf.Tensor4D;
    const dy = tf.randomNormal(tf.tidy(() => tf.depthwiseConv2d(x, w, s, 'same').shape)) as tf.Tensor4D;
    const time = (f: () => tf.Tensor) => medianMs(runs, () => { const y = f(); y.dataSync(); y.dispose(); }, 2);
    const forward = () => tf.depthwiseConv2d(x, w, s, 'same');
    const grad = () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { strides: s, pad: 'same', dilations: 1, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const nf = await time(forward);
    const ng = await time(grad);
    uninstallNativeKernels();
    const tfF = await time(forward);
    const tfG = await time(() => flippedGrad(dy, w, s, H));
    installNativeKernels(binding, 2);
    total = { nf: total.nf + nf, tf: total.tf + tfF, ng: total.ng + ng, tg: total.tg + tfG };
    line(`${H}×${H}×${C} s${s}: forward native / TF.js, input grad native / flipped conv`, `${nf.toFixed(3)} / ${tfF.toFixed(3)} ms, ${ng.toFixed(3)} / ${tfG.toFixed(3)} ms`);
    tf.dispose([x, w, dy]);
  }
  line('sum of the shapes above', `${total.nf.toFixed(2)} / ${total.tf.toFixed(2)} ms, ${total.ng.toFixed(2)} / ${total.tg.toFixed(2)} ms`);
  process.stdout.write(`load average ${loadavg()[0].toFixed(2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
