// The Feature Maps summary tells the webview the model's layout, and the layer list reads each layer in it:
// the ONNX MNIST CNN's conv1 as PyTorch's 16×26×26, the TF.js sample's as TF's 26×26×16; the values stay NHWC.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { onnxFixture, sampleModelDir } from '../../helpers/paths';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { loadModelInput } from '../../../src/core/node/imageFiles';
import { runFeatureMapPass } from '../../../src/core/activations/featureMapPass';
import type { FeatureMapsOpenResult } from '../../../src/shared/featureMapsProtocol';
import { featureLayerLabel } from '../../../webview/src/featureMaps/layerLabel';

before(async () => {
  await useBackend('cpu');
});

async function summaryOf(modelPath: string): Promise<FeatureMapsOpenResult> {
  const model = await loadModel(modelPath);
  const { input, spec } = await loadModelInput(model, join(sampleModelDir, 'samples/digit-0-a.png'));
  try {
    return (await runFeatureMapPass(model, { input, spec, imageName: 'digit-0-a.png', imageWidth: 28, imageHeight: 28 })).summary;
  } finally {
    input.dispose();
    model.dispose();
  }
}

/** The layer list's entry for `id`, as the panel shows it. */
function layerLabel(summary: FeatureMapsOpenResult, id: string): string {
  const layer = summary.layers.find((l) => l.id === id);
  assert.ok(layer, `no layer ${id} in ${summary.layers.map((l) => l.id).join(', ')}`);
  return featureLayerLabel(layer, summary.nativeLayout);
}

test('an ONNX model\'s maps are listed NCHW (conv1 · 16×26×26, fc · 10) while the values stay channels last', async () => {
  const summary = await summaryOf(onnxFixture('mnist_cnn.onnx'));
  assert.equal(summary.nativeLayout, 'NCHW');
  assert.equal(layerLabel(summary, 'conv1'), 'conv1 · 16×26×26');
  assert.equal(layerLabel(summary, 'fc'), 'fc · 10');
  const conv1 = summary.layers.find((l) => l.id === 'conv1')!;
  assert.deepEqual([conv1.shape, conv1.height, conv1.width, conv1.channels], [[1, 26, 26, 16], 26, 26, 16]);
});

test('the TF.js sample\'s maps are listed NHWC (conv1 · 26×26×16)', async () => {
  const summary = await summaryOf(join(sampleModelDir, 'model.json'));
  assert.equal(summary.nativeLayout, 'NHWC');
  assert.equal(layerLabel(summary, 'conv1'), 'conv1 · 26×26×16');
});
