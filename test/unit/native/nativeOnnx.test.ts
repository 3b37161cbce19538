// Whole models through the native kernels: every ONNX fixture still matches PyTorch (relative L2 <= 1e-4, as
// without them) on wasm and on cpu, and an actmax-style input gradient through GoogLeNet to inception4a
// (strided RGB conv1, max pools, every inception branch) equals the one TF.js's cpu kernels give.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../../helpers/backend';
import { needsNativeKernels } from '../../helpers/native';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import { join } from 'node:path';
import { renderActmax } from '../../../src/core/actmax';
import { installNativeKernels, uninstallNativeKernels } from '../../../src/core/native/installNativeKernels';
import { loadNativeKernels } from '../../../src/core/node/loadNativeKernelsNode';
import type { NativeKernelsBinding } from '../../../src/core/native/nativeKernelsBinding';
import { repoRoot } from '../../helpers/paths';
import { checkFixtureModel, fixtureBytes, fixtureIndex, fixturePath, nhwcInput } from '../onnx/fixtureData';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`ONNX fixtures with the native kernels on ${backend}`, needsNativeKernels, () => {
    before(async () => {
      await useBackend(backend, { nativeKernels: true });
    });
    for (const name of Object.keys(fixtureIndex.models)) {
      it(`${name} matches PyTorch`, () => checkFixtureModel(name));
    }
  });
}

/**
 * Gradients of a random projection of each of `layers` w.r.t. the fixture input, so every channel and position
 * counts; the model is loaded once for all of them.
 */
async function googlenetGradients(layers: readonly string[]): Promise<Float32Array[]> {
  const m = fixtureIndex.models.googlenet;
  const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
  try {
    return layers.map((layer) =>
      tf.tidy(() => {
        const x = nhwcInput(m.input);
        // The projection is drawn (seeded) from the output's shape inside the differentiated function: it does not
        // depend on the input, so this is the gradient of sum(out · r), in one forward pass instead of a second one
        // just for the shape (the cpu reference's passes are most of this test's time).
        const f = (inp: tf.Tensor) => {
          const out = model.forward(inp as tf.Tensor4D, [layer])[0];
          return tf.sum(tf.mul(out, tf.randomNormal(out.shape, 0, 1, 'float32', 3)));
        };
        return tf.grad(f)(x).dataSync() as Float32Array;
      }),
    );
  } finally {
    model.dispose();
  }
}

describe('GoogLeNet input gradient with the native kernels', needsNativeKernels, () => {
  // The reference is TF.js's cpu kernels: wasm's own differ from both at inception4a (6e-4, its MaxPoolGrad).
  it('on wasm equals the one through TF.js cpu kernels (relative L2 <= 1e-5) at conv1 and inception4a', async () => {
    const layers = ['conv1', 'inception4a'] as const;
    await useBackend('cpu');
    uninstallNativeKernels();
    const references = await googlenetGradients(layers);
    await useBackend('wasm', { nativeKernels: true });
    const natives = await googlenetGradients(layers);
    layers.forEach((layer, l) => {
      const [native, reference] = [natives[l] as Float32Array, references[l] as Float32Array];
      let num = 0;
      let den = 0;
      for (let i = 0; i < native.length; i++) {
        num += (native[i] - reference[i]) ** 2;
        den += reference[i] ** 2;
      }
      assert.ok(den > 0, `${layer}: reference gradient is zero`);
      assert.ok(Math.sqrt(num / den) <= 1e-5, `${layer}: relative L2 error ${Math.sqrt(num / den)}`);
    });
  });
});

describe('Actmax through the native kernels', needsNativeKernels, () => {
  // Every op of a Lucid step (Fourier image, colour decorrelation, jitter/scale/rotate, the model, its gradient,
  // Adam) with the native kernels equals the same step with TF.js's own, but for float rounding.
  it('a Lucid run on GoogLeNet gives the objective and the image TF.js kernels give (wasm, 3 steps, 128 px)', async () => {
    await useBackend('wasm', { nativeKernels: true });
    const binding = loadNativeKernels(join(repoRoot, 'dist')) as NativeKernelsBinding;
    const m = fixtureIndex.models.googlenet;
    const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
    try {
      const request = { layerId: 'inception3a', units: [5], preset: 'lucid' as const, overrides: { steps: 3, size: 128, seed: 4 } };
      const native = await renderActmax(model, request);
      uninstallNativeKernels();
      const reference = await renderActmax(model, request);
      installNativeKernels(binding, 2);
      const last = (r: typeof native) => r.objectiveHistory[0][r.objectiveHistory[0].length - 1];
      assert.ok(Math.abs(last(native) - last(reference)) <= 1e-3 * Math.max(1, Math.abs(last(reference))), `objective ${last(native)} vs ${last(reference)}`);
      // Adam's first steps move each Fourier coefficient by ±lr whatever its gradient's size, so a component that
      // rounding takes across zero moves the other way and touches every pixel a little (measured: 0.26 of 255
      // on average after one step, 1.3 after three); a wrong kernel (a mirrored rotation, a shifted window)
      // moves them by tens.
      const [a, b] = [native.images[0], reference.images[0]];
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
      assert.ok(sum / a.length <= 2.5, `images differ by ${(sum / a.length).toFixed(3)} of 255 on average`);
    } finally {
      model.dispose();
    }
  });
});
