// A broken model file (a model.json cut short, a truncated .onnx) gives the user one sentence naming it, shows an
// error icon and its whole reason in the Layers view, and never becomes the active model; a file of a format
// Layer Lens cannot open (TFLite) is listed as "cannot open" with the command that converts it, before any load.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, messagesAfterCommand, onnxMnistFixture, sampleModelPath, waitFor, workspaceDir } from './helpers';

/** A TFLite file's first bytes as the FlatBuffer writer lays them out: root offset, "TFL3", vtable, Model table. */
function tfliteBytes(): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint32(0, 16, true);
  b.set(Buffer.from('TFL3'), 4);
  v.setUint16(8, 6, true);
  v.setUint16(10, 8, true);
  v.setUint16(12, 4, true);
  v.setInt32(16, 8, true);
  v.setUint32(20, 3, true);
  return b;
}

suite('broken model', () => {
  let dir: string;
  let brokenPath: string;
  let truncatedPath: string;
  let tflitePath: string;

  suiteSetup(async () => {
    dir = path.join(workspaceDir(), 'broken-model');
    brokenPath = path.join(dir, 'model.json');
    mkdirSync(dir, { recursive: true });
    writeFileSync(brokenPath, '{ "modelTopology": { "class_name": "Sequential", "config": ');
    const onnx = readFileSync(onnxMnistFixture());
    truncatedPath = path.join(dir, 'truncated.onnx');
    writeFileSync(truncatedPath, onnx.subarray(0, Math.floor(onnx.length * 0.4)));
    tflitePath = path.join(dir, 'mobilenet.tflite');
    writeFileSync(tflitePath, tfliteBytes());
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    rmSync(dir, { recursive: true, force: true });
  });

  test('the workspace scan lists the broken files, and the TFLite file as "cannot open" with its command before any load', async () => {
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.refreshLayers');
    const labels = await waitFor('the broken models in the Layers view', async () => {
      const l = await lens.layersViewLabels();
      return l.models.includes('mobilenet.tflite') && l.models.includes('truncated.onnx') && l;
    });
    assert.ok(labels.models.some((m) => m.includes('broken-model')), `models: ${labels.models.join(', ')}`);
    const row = await waitFor('the TFLite row marked', async () => {
      const r = await lens.layersViewModel(tflitePath);
      return r?.description === 'cannot open' && r;
    });
    assert.equal(row.icon, 'circle-slash');
    const command = `python -m tf2onnx.convert --tflite ${tflitePath} --output mobilenet.onnx`;
    assert.ok(row.tooltip.includes(command), `tooltip: ${row.tooltip}`);
    // The whole sentence is in the child rows, nothing cut off.
    const sentence = row.children.join(' ');
    assert.ok(sentence.startsWith(`${tflitePath} is a TensorFlow Lite model, which Layer Lens cannot open`), sentence);
    assert.ok(sentence.includes(command) && sentence.endsWith('.'), sentence);
    assert.ok(row.children.every((c) => c.length <= 80), `rows too long: ${JSON.stringify(row.children)}`);
  });

  test('Open in Layer Lens on a truncated .onnx names it, shows an error icon and its reason, and it does not become active', async () => {
    const lens = await api();
    const fresh = await messagesAfterCommand('layerLens.openInLayerLens', vscode.Uri.file(truncatedPath));
    assert.ok(fresh.some((m) => m.includes('truncated.onnx')), `messages do not name the file: ${JSON.stringify(fresh)}`);
    const row = await lens.layersViewModel(truncatedPath);
    assert.ok(row, 'the truncated model is not listed');
    assert.equal(row.icon, 'error');
    assert.equal(row.description, 'failed to load');
    // The tooltip's Markdown escapes punctuation outside code: read it as the text it shows.
    const tooltip = row.tooltip.replace(/\\(.)/g, '$1');
    assert.ok(tooltip.includes(`${truncatedPath}**`) && /truncated\.onnx is not a readable ONNX file/.test(tooltip), `tooltip: ${row.tooltip}`);
    assert.ok(row.children.join(' ').includes('truncated.onnx'), JSON.stringify(row.children));
    // The sample stays the active model, with its layers.
    const active = await lens.activeModel();
    assert.ok(active?.layers.some((l) => l.id === 'conv1'), `active model: ${active?.path}`);
    assert.ok((await lens.layersViewLabels()).layers.includes('conv1'));
  });

  test('Open in Layer Lens on the TFLite file shows the command and leaves the active model alone', async () => {
    const lens = await api();
    const fresh = await messagesAfterCommand('layerLens.openInLayerLens', vscode.Uri.file(tflitePath));
    assert.ok(fresh.some((m) => m.includes('tf2onnx.convert --tflite')), JSON.stringify(fresh));
    assert.ok((await lens.activeModel())?.layers.some((l) => l.id === 'conv1'));
  });

  test('a broken model.json: Visualize Kernels names the file, and the tree keeps working', async () => {
    const lens = await api();
    const fresh = await messagesAfterCommand('layerLens.visualizeKernels', { modelPath: brokenPath });
    assert.ok(fresh.some((m) => m.includes('model.json')), `messages do not name the file: ${JSON.stringify(fresh)}`);
    const row = await lens.layersViewModel(brokenPath);
    assert.equal(row?.icon, 'error');
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    await waitFor('the sample layers after the failure', async () => (await lens.layersViewLabels()).layers.includes('conv1'));
    assert.ok(await lens.activeModel(), 'the sample does not load after a broken model');
  });
});
