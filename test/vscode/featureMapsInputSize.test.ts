// A model that does not fix its input size ([?, ?, ?, 3]): the Feature Maps panel says which size it ran at and
// why, and its input size field runs it again at the size typed there — the maps follow (a 3×3 stride-1 SAME conv
// keeps the input's height and width). The Maximize Activation panel offers the same field: its picture is made at
// the size typed, the size is remembered for the model, and the Layers tree lists the model's shapes at it.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeAnySizeGraph } from '../helpers/anySizeGraph';
import { api, waitFor, waitForSnapshot, workspaceDir, writeDigitPngs } from './helpers';

suite('Feature Maps: input size of a model without a fixed one', () => {
  let dir: string;
  let modelPath: string;

  suiteSetup(async function () {
    this.timeout(90_000);
    dir = mkdtempSync(path.join(workspaceDir(), 'any-size-'));
    modelPath = writeAnySizeGraph(dir);
    const [image] = writeDigitPngs(path.join(dir, 'digits'), 1);
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath, imagePath: image });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  test('the caption and the size field show the size it ran at, and why', async function () {
    this.timeout(70_000);
    // A 28×28 digit, no sidecar: the model runs at the image's size rounded to a multiple of 32.
    const snap = await waitForSnapshot('featureMaps', 'maps of the any-size model', (s) => typeof s.meta.mapWidth === 'number', 60_000);
    assert.equal(snap.meta.inputWidth, 32);
    assert.equal(snap.meta.inputHeight, 32);
    assert.equal(snap.meta.mapWidth, 32);
    assert.equal(snap.meta.mapHeight, 32);
    assert.equal(snap.meta.sizeField, '32×32');
    const caption = String(snap.meta.caption);
    assert.ok(caption.includes('32 × 32 input'), `caption: ${caption}`);
    assert.ok(caption.includes('does not fix its input size') && caption.includes('the image'), `caption: ${caption}`);
  });

  test('typing 64×48 runs it again at that size: the maps follow', async function () {
    this.timeout(70_000);
    const lens = await api();
    await waitFor('the input size field', async () => (await lens.panelSnapshot('featureMaps'))?.meta.sizeField === '32×32');
    assert.equal(lens.typeFeatureMapsInputSize('64×48'), true);
    const snap = await waitForSnapshot('featureMaps', 'maps at 64×48', (s) => s.meta.mapHeight === 64 && s.meta.mapWidth === 48, 60_000);
    assert.equal(snap.meta.inputHeight, 64);
    assert.equal(snap.meta.inputWidth, 48);
    assert.equal(snap.meta.sizeField, '64×48');
    assert.ok(String(snap.meta.caption).includes('48 × 64 input'), `caption: ${snap.meta.caption}`);
    assert.equal(snap.width > 0 && snap.rgba.length, snap.width * snap.height * 4);
  });

  test('a size out of range is refused in one sentence, and the maps stay', async function () {
    this.timeout(30_000);
    const lens = await api();
    assert.equal(lens.typeFeatureMapsInputSize('4×4'), true);
    const snap = await waitForSnapshot('featureMaps', 'a refusal in the status line', (s) => String(s.meta.status).includes('8 to 1024'), 10_000);
    assert.equal(snap.meta.mapHeight, 64);
    assert.equal(snap.meta.mapWidth, 48);
  });
});

suite('Actmax and the Layers tree: input size of a model without a fixed one', () => {
  let dir: string;
  let modelPath: string;
  const STEPS = 4;

  /** The conv row's shape text in the Layers view (once the workspace scan has found the model). */
  async function convShape(): Promise<string> {
    const lens = await api();
    const row = await lens.layersViewModel(modelPath);
    const at = row?.children.indexOf('conv') ?? -1;
    return at >= 0 ? row!.childDescriptions[at]! : '';
  }

  suiteSetup(async function () {
    this.timeout(60_000);
    // Its own model file: a size chosen for the Feature Maps suite's model must not be where this one starts.
    dir = mkdtempSync(path.join(workspaceDir(), 'any-size-actmax-'));
    modelPath = writeAnySizeGraph(dir);
    await api();
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath, layerId: 'conv', units: '1', preset: 'trial1-naive', steps: STEPS, seed: 0, run: true });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  test('with no size chosen it runs at the default, says so, and the tree lists shapes at it', async function () {
    this.timeout(60_000);
    const snap = await waitForSnapshot('actmax', 'the first run at the default size', (s) => s.meta.step === STEPS && s.meta.running === 0, 45_000);
    assert.equal(snap.meta.sizeField, '224×224');
    assert.ok(String(snap.meta.sizeNote).includes("Layer Lens's default"), `note: ${snap.meta.sizeNote}`);
    assert.equal(snap.meta.width, 224);
    assert.equal(snap.meta.height, 224);
    assert.equal(await waitFor('the conv row in the Layers view', async () => (await convShape()) || false), '?×224×224×4');
  });

  test('typing 40×56 runs at that size: the picture and the canvas are 56 wide, 40 high, and the tree follows', async function () {
    this.timeout(60_000);
    const lens = await api();
    assert.equal(lens.typeActmaxInputSize('40×56'), true);
    const snap = await waitForSnapshot('actmax', 'a run at 40×56', (s) => s.meta.height === 40 && s.meta.width === 56 && s.meta.step === STEPS && s.meta.running === 0, 45_000);
    assert.equal(snap.width, 56);
    assert.equal(snap.height, 40);
    assert.equal(snap.meta.canvasWidth, 56);
    assert.equal(snap.meta.canvasHeight, 40);
    assert.equal(snap.rgba.length, 56 * 40 * 4);
    assert.equal(snap.meta.cached, 0, 'a run at another size came from the cache of the default size');
    assert.equal(snap.meta.sizeField, '40×56');
    assert.ok(String(snap.meta.sizeNote).includes('chosen for this model'), `note: ${snap.meta.sizeNote}`);
    await waitFor('the conv row at 40×56', async () => (await convShape()) === '?×40×56×4' || false, 20_000);
  });

  test('Feature Maps on the same model starts from the size chosen in the actmax panel', async function () {
    this.timeout(60_000);
    const [image] = writeDigitPngs(path.join(dir, 'digits'), 1);
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath, imagePath: image });
    const snap = await waitForSnapshot('featureMaps', 'maps at 40×56', (s) => s.meta.mapHeight === 40 && s.meta.mapWidth === 56 && s.meta.modelName !== undefined, 45_000);
    assert.equal(snap.meta.sizeField, '40×56');
    assert.equal(snap.meta.inputHeight, 40);
    assert.equal(snap.meta.inputWidth, 56);
  });

  test('a size typed in Feature Maps is where the actmax panel runs next', async function () {
    this.timeout(60_000);
    const lens = await api();
    assert.equal(lens.typeFeatureMapsInputSize('48×32'), true);
    await waitForSnapshot('featureMaps', 'maps at 48×32', (s) => s.meta.mapHeight === 48 && s.meta.mapWidth === 32, 30_000);
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath, layerId: 'conv', units: '1', preset: 'trial1-naive', steps: STEPS, seed: 0, run: true });
    const snap = await waitForSnapshot('actmax', 'a run at 48×32', (s) => s.meta.height === 48 && s.meta.width === 32 && s.meta.step === STEPS && s.meta.running === 0, 45_000);
    assert.equal(snap.meta.sizeField, '48×32');
    assert.equal(snap.width, 32);
    assert.equal(snap.height, 48);
  });
});
