// Whole models through the native kernels: every ONNX fixture still matches PyTorch (relative L2 <= 1e-4, as
// without them) on wasm and on cpu, and an actmax-style input gradient through GoogLeNet to inception4a
// (strided RGB conv1, max pools, every inception branch) equals the one TF.js's cpu kernels give.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../../helpers/backend';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import { uninstallNativeKernels } from '../../../src/core/native/installNativeKernels';
import { checkFixtureModel, fixtureBytes, fixtureIndex, fixturePath, nhwcInput } from '../onnx/fixtureData';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`ONNX fixtures with the native kernels on ${backend}`, () => {
    before(async () => {
      await useBackend(backend, { nativeKernels: true });
    });
    for (const name of Object.keys(fixtureIndex.models)) {
      it(`${name} matches PyTorch`, () => checkFixtureModel(name));
    }
  });
}

/** Gradient of a random projection of `layer` w.r.t. the fixture input, so every channel and position counts. */
async function googlenetGradient(layer: string): Promise<Float32Array> {
  const m = fixtureIndex.models.googlenet;
  const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
  try {
    return tf.tidy(() => {
      const x = nhwcInput(m.input);
      const shape = model.forward(x, [layer])[0].shape;
      const r = tf.randomNormal(shape, 0, 1, 'float32', 3);
      const f = (inp: tf.Tensor) => tf.sum(tf.mul(model.forward(inp as tf.Tensor4D, [layer])[0], r));
      return tf.grad(f)(x).dataSync() as Float32Array;
    });
  } finally {
    model.dispose();
  }
}

describe('GoogLeNet input gradient with the native kernels', () => {
  // The reference is TF.js's cpu kernels: wasm's own differ from both at inception4a (6e-4, its MaxPoolGrad).
  it('on wasm equals the one through TF.js cpu kernels (relative L2 <= 1e-5) at conv1 and inception4a', async () => {
    for (const layer of ['conv1', 'inception4a']) {
      await useBackend('cpu');
      uninstallNativeKernels();
      const reference = await googlenetGradient(layer);
      await useBackend('wasm', { nativeKernels: true });
      const native = await googlenetGradient(layer);
      let num = 0;
      let den = 0;
      for (let i = 0; i < native.length; i++) {
        num += (native[i] - reference[i]) ** 2;
        den += reference[i] ** 2;
      }
      assert.ok(den > 0, `${layer}: reference gradient is zero`);
      assert.ok(Math.sqrt(num / den) <= 1e-5, `${layer}: relative L2 error ${Math.sqrt(num / den)}`);
    }
  });
});
