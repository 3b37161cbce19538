// One name per model wherever the user reads it. A Keras file's network is named "scenario-net" inside the engine
// (its file name without the extension), while the Layers view and the palette name the file "scenario-net.keras":
// the actmax panel's title and breadcrumb must keep the one display name after the engine has described the model,
// during a run and after it, and Feature Maps' header must use it too (it alternated between the two before).
import * as assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, openKerasCopy, sampleModelPath, waitFor } from './helpers';

const NAME = 'scenario-net.keras';
/** What the engine calls the same network (the file name without its extension). */
const ENGINE_NAME = 'scenario-net';

function sampleDigit(): string {
  const dir = path.join(path.dirname(sampleModelPath()), 'samples');
  const png = readdirSync(dir).filter((f) => f.endsWith('.png')).sort()[0];
  assert.ok(png, `no sample digit PNG in ${dir}`);
  return path.join(dir, png);
}

suite('Scenario: one display name per model', () => {
  let dir: string;
  let modelPath: string;

  suiteSetup(async function () {
    this.timeout(60_000);
    ({ dir, modelPath } = await openKerasCopy('scenario-display-name', NAME));
    // The sample stays the active model, so the palette has two models to ask about.
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
  });

  suiteTeardown(async () => {
    (await api()).answerQuickPicks(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    rmSync(dir, { recursive: true, force: true });
  });

  test('the palette, the actmax title and breadcrumb (before, during and after a run) and Feature Maps use the same name', async function () {
    this.timeout(120_000);
    const lens = await api();
    const { models } = await lens.layersViewLabels();
    assert.ok(models.includes(NAME) && !models.includes(ENGINE_NAME), `Layers view: ${models.join(', ')}`);

    // From the palette: the model pick names it as the Layers view does.
    const before = lens.offeredQuickPicks().length;
    lens.answerQuickPicks([NAME, 'conv2']);
    try {
      await vscode.commands.executeCommand('layerLens.maximizeActivation');
    } finally {
      lens.answerQuickPicks(undefined);
    }
    const [modelPick, layerPick] = lens.offeredQuickPicks().slice(before);
    assert.ok(modelPick?.items.some((i) => i.label === NAME), `model pick: ${JSON.stringify(modelPick?.items)}`);
    assert.ok(layerPick?.title.includes(NAME), `layer pick: ${JSON.stringify(layerPick)}`);

    // Once the engine has described the model (the panel's layer list is filled), the header still names the file.
    const opened = await waitFor('the actmax panel of the .keras model, ready', async () => {
      const s = await lens.panelSnapshot('actmax', modelPath);
      return s && String(s.meta.crumbs).includes('conv2') && s;
    }, 60_000);
    assert.ok(String(opened.meta.crumbs).startsWith(`${NAME} › conv2`), `breadcrumb once ready: "${opened.meta.crumbs}"`);

    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath, layerId: 'conv2', units: '2', preset: 'trial1-naive', steps: 400, seed: 5, run: true });
    const during = await waitFor('the run under way', async () => {
      const s = await lens.panelSnapshot('actmax', modelPath);
      return s && s.meta.running === 1 && (s.meta.step as number) > 0 && s;
    }, 60_000);
    const after = await waitFor('the run to end', async () => {
      const s = await lens.panelSnapshot('actmax', modelPath);
      return s && s.meta.running === 0 && s.meta.step === 400 && s;
    }, 90_000);
    for (const [when, s] of [['during the run', during], ['after the run', after]] as const) {
      assert.ok(String(s.meta.crumbs).startsWith(`${NAME} › conv2 › `), `breadcrumb ${when}: "${s.meta.crumbs}"`);
    }
    const panel = lens.actmaxPanels().find((p) => p.modelPath === modelPath);
    assert.ok(panel, `no actmax panel of ${modelPath}: ${JSON.stringify(lens.actmaxPanels())}`);
    assert.equal(panel.title, `Actmax: ${NAME} › conv2`);
    assert.equal(panel.modelName, NAME);

    // Feature Maps of the same model: its header names it alike.
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath, imagePath: sampleDigit(), layerId: 'conv1' });
    const maps = await waitFor('the feature maps of the .keras model', async () => {
      const s = await lens.panelSnapshot('featureMaps');
      // Either name, so that a wrong one fails on the assertion below rather than as a timeout.
      return s && s.meta.layerId === 'conv1' && (s.meta.modelName === NAME || s.meta.modelName === ENGINE_NAME) && s;
    }, 60_000);
    assert.equal(maps.meta.modelName, NAME);
  });
});
