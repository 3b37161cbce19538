// The Layers view shows the shipped sample model and, under it, the sample's layers, each with its output shape as
// the model's framework prints it: NHWC for the TF.js sample, NCHW for an ONNX model (the MNIST CNN fixture).
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, onnxMnistFixture, sampleModelPath, waitFor, workspaceDir } from './helpers';

const SAMPLE_LAYERS = ['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'fc'];

suite('Layers view', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
  });

  test('the active model is the sample MNIST CNN', async () => {
    const model = await (await api()).activeModel();
    assert.ok(model, 'no active model');
    const ids = model.layers.map((l) => l.id);
    for (const id of SAMPLE_LAYERS) assert.ok(ids.includes(id), `sample model lacks layer ${id}: ${ids.join(', ')}`);
  });

  test('lists the sample model and its layers in order', async () => {
    const lens = await api();
    const labels = await waitFor('the sample layers in the Layers view', async () => {
      const l = await lens.layersViewLabels();
      return SAMPLE_LAYERS.every((id) => l.layers.includes(id)) && l;
    });
    assert.ok(labels.models.length >= 1, 'no model in the view');
    const order = SAMPLE_LAYERS.map((id) => labels.layers.indexOf(id));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `layers out of order: ${labels.layers.join(', ')}`);
  });

  test('a layer\'s description is its output shape: NHWC for the TF.js sample, NCHW for an ONNX model', async function () {
    this.timeout(60_000);
    const lens = await api();
    const sample = await waitFor('the sample layers', async () => {
      const l = await lens.layersViewLabels();
      return l.layers.includes('conv1') && l;
    });
    assert.equal(sample.descriptions[sample.layers.indexOf('conv1')], '?×26×26×16');
    const dir = path.join(workspaceDir(), 'layout-onnx');
    const onnxPath = path.join(dir, 'mnist_cnn.onnx');
    mkdirSync(dir, { recursive: true });
    copyFileSync(onnxMnistFixture(), onnxPath);
    try {
      await vscode.commands.executeCommand('layerLens.openInLayerLens', vscode.Uri.file(onnxPath));
      const onnx = await waitFor('the ONNX model\'s layers', async () => {
        const l = await lens.layersViewLabels();
        return l.layers.includes('relu1') && l;
      }, 45_000);
      const at = (id: string) => onnx.descriptions[onnx.layers.indexOf(id)];
      assert.equal(at('conv1'), '1×16×26×26');
      assert.equal(at('fc'), '1×10');
    } finally {
      await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refresh keeps the layers', async () => {
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.refreshLayers');
    await waitFor('the layers after a refresh', async () => (await lens.layersViewLabels()).layers.includes('conv1'));
  });
});
