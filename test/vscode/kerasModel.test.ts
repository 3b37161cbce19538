// A Keras 3 .keras file in the workspace is found by the scan, opens from the Explorer's "Open in Layer Lens" and
// lists its layers like the model.json it was written from (test/fixtures/keras/mnist-cnn.keras: the sample
// model, written by scripts/keras/kerasTwins.ts).
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, extension, sampleModelPath, waitFor, workspaceDir } from './helpers';

const SAMPLE_LAYERS = ['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'fc'];

suite('Keras model', () => {
  let dir: string;
  let kerasPath: string;

  suiteSetup(() => {
    dir = path.join(workspaceDir(), 'keras-model');
    kerasPath = path.join(dir, 'mnist-cnn.keras');
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(extension().extensionPath, 'test/fixtures/keras/mnist-cnn.keras'), kerasPath);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    rmSync(dir, { recursive: true, force: true });
  });

  test('the workspace scan lists the .keras file', async () => {
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.refreshLayers');
    const labels = await waitFor('the .keras model in the Layers view', async () => {
      const l = await lens.layersViewLabels();
      return l.models.some((m) => m.includes('mnist-cnn.keras')) && l;
    });
    assert.ok(labels.models.length >= 2, `models: ${labels.models.join(', ')}`);
  });

  test('Open in Layer Lens on it shows the layers of the sample model', async () => {
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.openInLayerLens', vscode.Uri.file(kerasPath));
    const model = await waitFor('the .keras model as the active model', async () => {
      const m = await lens.activeModel();
      return m && m.path === kerasPath && m;
    }, 60_000);
    assert.deepEqual(model.layers.map((l) => l.id).filter((id) => SAMPLE_LAYERS.includes(id)), SAMPLE_LAYERS);
    const labels = await waitFor('its layers in the Layers view', async () => {
      const l = await lens.layersViewLabels();
      return SAMPLE_LAYERS.every((id) => l.layers.includes(id)) && l;
    });
    assert.ok(labels.layers.length >= SAMPLE_LAYERS.length);
  });
});
