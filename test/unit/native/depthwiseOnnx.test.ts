// ONNX depthwise convs on the native kernels: the grouped_conv fixture's input gradient (depthwise with
// multiplier 1 and 2, grouped convs) equals PyTorch's float64 one, and MobileNetV2's blocks match PyTorch, on
// wasm and cpu. The ONNX importer's depthwise gradient calls the native DepthwiseConv2dNativeBackpropInput.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { needsNativeKernels } from '../../helpers/native';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import { checkFixtureModel, fixtureBytes, fixtureIndex, fixtureNpy, fixturePath, nhwcInput, relL2 } from '../onnx/fixtureData';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`ONNX depthwise convs with the native kernels on ${backend}`, needsNativeKernels, () => {
    before(async () => {
      await useBackend(backend, { nativeKernels: true });
    });

    it('grouped_conv: input gradient equals PyTorch\'s (relative L2 <= 1e-5), through the native depthwise input gradient', async () => {
      const m = fixtureIndex.models.grouped_conv;
      assert.ok(m?.gradient, 'the grouped_conv fixture keeps an input gradient (scripts/fixtures/)');
      const { module, projection, input_gradient: reference } = m.gradient;
      const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
      try {
        const x = nhwcInput(m.input);
        const r = nhwcInput(projection);
        const profile = await tf.profile(() => tf.grad((inp: tf.Tensor) => tf.sum(tf.mul(model.forward(inp as tf.Tensor4D, [module])[0], r)))(x));
        assert.ok(profile.kernelNames.includes('DepthwiseConv2dNativeBackpropInput'), `kernels run: ${profile.kernelNames.join(', ')}`);
        const g = tf.grad((inp: tf.Tensor) => tf.sum(tf.mul(model.forward(inp as tf.Tensor4D, [module])[0], r)))(x);
        const err = relL2(g, fixtureNpy(reference));
        assert.ok(err <= 1e-5, `relative L2 error ${err}`);
        tf.dispose([g, r, x]);
      } finally {
        model.dispose();
      }
    });

    it('mobilenet_v2 matches PyTorch (relative L2 <= 1e-4)', () => checkFixtureModel('mobilenet_v2'));
  });
}
