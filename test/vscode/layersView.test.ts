// The Layers view shows the shipped sample model and, under it, the sample's layers.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, sampleModelPath, waitFor } from './helpers';

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

  test('refresh keeps the layers', async () => {
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.refreshLayers');
    await waitFor('the layers after a refresh', async () => (await lens.layersViewLabels()).layers.includes('conv1'));
  });
});
