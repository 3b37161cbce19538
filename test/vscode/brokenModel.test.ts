// A broken model file in the workspace gives the user one sentence naming it, and the Layers view keeps working.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, sampleModelPath, waitFor, workspaceDir } from './helpers';

suite('broken model', () => {
  let dir: string;
  let brokenPath: string;

  suiteSetup(() => {
    dir = path.join(workspaceDir(), 'broken-model');
    brokenPath = path.join(dir, 'model.json');
    mkdirSync(dir, { recursive: true });
    writeFileSync(brokenPath, '{ "modelTopology": { "class_name": "Sequential", "config": ');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    rmSync(dir, { recursive: true, force: true });
  });

  test('the workspace scan lists the broken model beside the sample', async () => {
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.refreshLayers');
    const labels = await waitFor('the broken model in the Layers view', async () => {
      const l = await lens.layersViewLabels();
      return l.models.length >= 2 && l;
    });
    assert.ok(labels.models.some((m) => m.includes('broken-model')), `models: ${labels.models.join(', ')}`);
  });

  test('opening it shows an error naming the file', async () => {
    const lens = await api();
    const before = lens.shownMessages().length;
    await vscode.commands.executeCommand('layerLens.openInLayerLens', vscode.Uri.file(brokenPath));
    // With no layer given, Visualize Kernels has to load the model, and reports why it cannot.
    await vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath: brokenPath });
    const fresh = await waitFor('an error message', () => {
      const m = lens.shownMessages().slice(before);
      return m.length > 0 && m;
    });
    assert.ok(fresh.some((m) => m.includes('model.json')), `messages do not name the file: ${JSON.stringify(fresh)}`);
    // The Layers view shows the failure under the model instead of layers.
    const labels = await lens.layersViewLabels();
    assert.equal(labels.layers.length, 1, `expected one error row, got ${JSON.stringify(labels.layers)}`);
    assert.ok(!labels.layers.includes('conv1'));
  });

  test('the tree keeps working: the sample lists its layers again', async () => {
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    await waitFor('the sample layers after the failure', async () => (await lens.layersViewLabels()).layers.includes('conv1'));
    assert.ok(await lens.activeModel(), 'the sample does not load after a broken model');
  });
});
