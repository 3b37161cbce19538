// A session with two models open (the sample model.json and the same network as a .keras file in the workspace):
// palette commands ask model → layer and name each model by its one display name; a preset chosen on one model
// never carries into the other nor replaces its panel; a reloaded actmax panel shows its result again from the
// cache; a run that ends does not move the panel's layout. One window, one model pair, short runs (8 steps).
import * as assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, openKerasCopy, sampleModelPath, waitFor, waitForSnapshot } from './helpers';

const SAMPLE_NAME = 'mnist-cnn';
// A name no other suite uses, so this model's display name never meets the Keras suite's mnist-cnn.keras in the
// Layers view. Opened by hand (or worked on in a panel), a model is listed while its file exists; it leaves the list
// when the file is deleted, as suiteTeardown does to this one.
const KERAS_NAME = 'second-model.keras';

suite('Multi-model session', () => {
  let dir: string;
  let kerasPath: string;

  suiteSetup(async function () {
    this.timeout(60_000);
    ({ dir, modelPath: kerasPath } = await openKerasCopy('multi-model', KERAS_NAME));
    const lens = await api();
    await waitFor('both models in the Layers view', async () => {
      const l = await lens.layersViewLabels();
      return l.models.includes(SAMPLE_NAME) && l.models.includes(KERAS_NAME) && l;
    });
  });

  suiteTeardown(async () => {
    (await api()).answerQuickPicks(undefined);
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  test('the Layers view names each model by its display name', async () => {
    const { models } = await (await api()).layersViewLabels();
    assert.ok(models.includes(SAMPLE_NAME), `models: ${models.join(', ')}`);
    assert.ok(models.includes(KERAS_NAME), `models: ${models.join(', ')}`);
  });

  test('Visualize Kernels from the palette asks for the model first, naming each, then a layer of it', async function () {
    this.timeout(60_000);
    const lens = await api();
    // The sample stays the active model: the palette must not act on it without asking.
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    const before = lens.offeredQuickPicks().length;
    lens.answerQuickPicks([KERAS_NAME, 'conv2']);
    await vscode.commands.executeCommand('layerLens.visualizeKernels');
    lens.answerQuickPicks(undefined);
    const offered = lens.offeredQuickPicks().slice(before);
    assert.equal(offered.length, 2, `quick picks: ${JSON.stringify(offered)}`);
    const [models, layers] = offered;
    assert.equal(models!.placeHolder, 'Which model?');
    const labels = models!.items.map((i) => i.label);
    assert.ok(labels.includes(SAMPLE_NAME) && labels.includes(KERAS_NAME), `models offered: ${labels.join(', ')}`);
    assert.match(models!.items.find((i) => i.label === SAMPLE_NAME)!.description, /active/);
    assert.ok(layers!.title.includes(KERAS_NAME) && layers!.placeHolder.includes(KERAS_NAME), `the layer pick does not name the model: ${JSON.stringify(layers)}`);
    assert.ok(layers!.items.some((i) => i.label === 'conv2'), `layers offered: ${layers!.items.map((i) => i.label).join(', ')}`);
    const snap = await waitForSnapshot('kernels', 'the kernels of the .keras model’s conv2', (s) => s.meta.layerId === 'conv2', 30_000);
    assert.ok(snap.width > 0);
    assert.equal(lens.panelModel('kernels'), kerasPath);
  });

  test('with a panel in focus, its model is offered first', async function () {
    this.timeout(30_000);
    const lens = await api();
    // The kernels panel of the .keras model has the focus (it was just opened); the active model is the sample.
    const before = lens.offeredQuickPicks().length;
    lens.answerQuickPicks([]);
    await vscode.commands.executeCommand('layerLens.maximizeActivation');
    lens.answerQuickPicks(undefined);
    const [models] = lens.offeredQuickPicks().slice(before);
    assert.ok(models, 'no model pick was offered');
    assert.equal(models.items[0]!.label, KERAS_NAME, `order: ${models.items.map((i) => `${i.label} (${i.description})`).join(', ')}`);
    assert.match(models.items[0]!.description, /focused panel/);
  });

  test('a preset chosen on one model does not carry into another, nor replace its panel', async function () {
    this.timeout(90_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: sampleModelPath(), layerId: 'conv2', units: '3', preset: 'trial6-scharr', steps: 8, seed: 11, run: true });
    const a = await waitForSnapshot('actmax', 'the sample’s run', (s) => s.meta.step === 8 && s.meta.running === 0 && s.meta.unit === 3);
    assert.equal(a.meta.preset, 'trial6-scharr');
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: kerasPath, layerId: 'conv2', units: '5', steps: 8, seed: 11, run: true });
    const b = await waitFor('the .keras model’s run', async () => {
      const s = await lens.panelSnapshot('actmax', kerasPath);
      return s && s.meta.step === 8 && s.meta.running === 0 && s.meta.unit === 5 && s;
    }, 60_000);
    assert.equal(b.meta.preset, 'lucid', 'the other model did not start from the default preset');
    assert.ok(String(b.meta.crumbs).startsWith(`${KERAS_NAME} › conv2`), `breadcrumb: ${b.meta.crumbs}`);
    // The sample's panel is still there, with its own model, layer, unit, preset and picture.
    const panels = lens.actmaxPanels();
    assert.equal(panels.length, 2, `actmax panels: ${JSON.stringify(panels)}`);
    const sample = panels.find((p) => p.modelPath === sampleModelPath());
    assert.ok(sample, `no panel of the sample: ${JSON.stringify(panels)}`);
    assert.equal(sample.preset, 'trial6-scharr');
    assert.equal(sample.title, `Actmax: ${SAMPLE_NAME} › conv2`);
    // Shown again (a hidden webview is not kept), it shows its picture again.
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: sampleModelPath(), layerId: 'conv2' });
    const aAgain = await waitForSnapshot('actmax', 'the sample’s picture shown again', (s) => s.meta.step === 8 && s.meta.unit === 3 && s.meta.running === 0, 20_000);
    assert.equal(aAgain.meta.preset, 'trial6-scharr');
    assert.ok(Buffer.from(aAgain.rgba).equals(Buffer.from(a.rgba)), 'the sample’s picture changed');
    // Reopened on the sample without a preset, the panel keeps the one chosen for the sample.
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: sampleModelPath(), layerId: 'conv1' });
    await waitFor('the sample’s panel on conv1', () => lens.actmaxPanels().find((p) => p.modelPath === sampleModelPath() && p.layerId === 'conv1'));
    assert.equal(lens.actmaxPanels().find((p) => p.modelPath === sampleModelPath())!.preset, 'trial6-scharr');
  });

  test('a reloaded atlas shows its cached cells, and a reloaded run its cached picture', async function () {
    this.timeout(90_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.visualizeLayer', { modelPath: kerasPath, layerId: 'conv1', preset: 'trial1-naive', steps: 8 });
    const atlas = await waitFor('the .keras conv1 atlas', async () => {
      const s = await lens.panelSnapshot('actmax', kerasPath);
      return s && s.meta.view === 'atlas' && s.meta.done === 16 && s.meta.running === 0 && s;
    }, 60_000);
    assert.ok(await lens.reloadActmaxPanel(kerasPath));
    const restored = await waitFor('the reloaded atlas', async () => {
      const s = await lens.panelSnapshot('actmax', kerasPath);
      return s && s.meta.view === 'atlas' && s.meta.done === 16 && s.meta.running === 0 && s;
    }, 20_000).catch(async (err: Error) => {
      throw new Error(`${err.message} Last: ${JSON.stringify((await lens.panelSnapshot('actmax', kerasPath))?.meta)}`);
    });
    assert.equal(restored.width, atlas.width);
    assert.ok(Buffer.from(restored.rgba).equals(Buffer.from(atlas.rgba)), 'the restored atlas differs from the one rendered');

    // The sample's panel: back to its finished conv2 run, then reloaded.
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: sampleModelPath(), layerId: 'conv2', units: '3', preset: 'trial6-scharr', steps: 8, seed: 11, run: true });
    const single = await waitForSnapshot('actmax', 'the sample’s cached run', (s) => s.meta.step === 8 && s.meta.running === 0 && s.meta.unit === 3 && s.meta.cached === 1);
    assert.ok(await lens.reloadActmaxPanel(sampleModelPath()));
    const back = await waitFor('the reloaded run', async () => {
      const s = await lens.panelSnapshot('actmax', sampleModelPath());
      return s && s.meta.view === 'single' && s.meta.step === 8 && s;
    }, 20_000);
    assert.equal(back.meta.unit, 3);
    assert.equal(back.meta.preset, 'trial6-scharr');
    assert.ok(Buffer.from(back.rgba).equals(Buffer.from(single.rgba)), 'the restored picture differs');
  });

  test('the layout does not move when a run ends', async function () {
    this.timeout(60_000);
    const lens = await api();
    // In a narrow column (a third of the window) the side column sits under the picture, where a longer caption at
    // the end of a run would push the curve down unless its room is reserved.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.editorLayoutThreeColumns');
    await vscode.commands.executeCommand('workbench.action.focusThirdEditorGroup');
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: sampleModelPath(), layerId: 'conv2', units: '4', preset: 'trial1-naive', steps: 1000, seed: 12, run: true });
    const during = await waitFor('the run under way', async () => {
      const s = await lens.panelSnapshot('actmax', sampleModelPath());
      return s && s.meta.running === 1 && s.meta.unit === 4 && (s.meta.step as number) > 0 && s;
    }, 30_000);
    const after = await waitFor('the run to end', async () => {
      const s = await lens.panelSnapshot('actmax', sampleModelPath());
      return s && s.meta.running === 0 && s.meta.step === 1000 && s;
    }, 45_000);
    assert.ok(typeof during.meta.curveAt === 'string', `no layout in the snapshot: ${JSON.stringify(during.meta)}`);
    assert.equal(after.meta.curveAt, during.meta.curveAt, 'the objective curve moved when the run ended');
  });

  test('a model opened by hand leaves the Layers view when its file is deleted', async function () {
    this.timeout(40_000);
    const lens = await api();
    const gone = path.join(dir, 'deleted-model.keras');
    copyFileSync(kerasPath, gone);
    await vscode.commands.executeCommand('layerLens.openInLayerLens', vscode.Uri.file(gone));
    await waitFor('the opened model in the Layers view', async () => (await lens.layersViewLabels()).models.includes('deleted-model.keras'), 15_000);
    rmSync(gone);
    await waitFor('the deleted model to leave the Layers view', async () => !(await lens.layersViewLabels()).models.includes('deleted-model.keras'), 15_000);
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
  });

  suiteTeardown(() => vscode.commands.executeCommand('workbench.action.editorLayoutSingle'));
});
