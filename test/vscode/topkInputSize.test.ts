// Top Images of a model that does not fix its input size ([?, ?, ?, 3]): the panel says the size every image ran
// at and why, its input size field runs the folder again at the size typed there (the thumbnails, which are what
// the model sees, follow), the size is remembered for the model's other panels, a size out of range is refused
// in one sentence, and a size typed in Feature Maps is where the next search runs.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeAnySizeGraph } from '../helpers/anySizeGraph';
import { api, waitFor, waitForSnapshot, workspaceDir, writeDigitPngs } from './helpers';

const IMAGES = 12;

function findTopImages(modelPath: string, folder: string): Thenable<unknown> {
  return vscode.commands.executeCommand('layerLens.findTopImages', { modelPath, layerId: 'conv', folder, k: 3 });
}

function typeInputSize(text: string): Thenable<boolean> {
  return vscode.commands.executeCommand<boolean>('layerLens.test.topkAction', { kind: 'typeInputSize', text });
}

suite('Top Images: input size of a model without a fixed one', () => {
  let dir: string;
  let modelPath: string;
  let digits: string;
  let images: string[];

  suiteSetup(async function () {
    this.timeout(90_000);
    // Its own model file: a size chosen for another suite's model must not be where this one starts.
    dir = mkdtempSync(path.join(workspaceDir(), 'any-size-topk-'));
    modelPath = writeAnySizeGraph(dir);
    digits = path.join(dir, 'digits');
    images = writeDigitPngs(digits, IMAGES);
    await api();
    await findTopImages(modelPath, digits);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  test('with no size chosen every image runs at the default, and the panel says so beside the size field', async function () {
    this.timeout(60_000);
    const snap = await waitForSnapshot('topk', 'the rows at the default size', (s) => (s.meta.rowsDrawn as number) > 0, 45_000);
    assert.equal(snap.meta.images, IMAGES);
    assert.equal(snap.meta.inputHeight, 224);
    assert.equal(snap.meta.inputWidth, 224);
    assert.equal(snap.meta.thumbHeight, 224);
    assert.equal(snap.meta.sizeField, '224×224');
    assert.equal(snap.meta.sizeNote, "Every image ran at 224 × 224 (H × W): Layer Lens's default — the model does not fix its input size.");
    assert.ok(String(snap.meta.summary).endsWith('px of 224×224'), `summary: ${snap.meta.summary}`);
  });

  test('typing 40×56 runs the folder again at that size: thumbnails 56 wide, 40 high, not from the default size\'s cache', async function () {
    this.timeout(60_000);
    assert.equal(await typeInputSize('40×56'), true, 'no Top Images result to type into');
    const snap = await waitForSnapshot('topk', 'the rows at 40×56', (s) => s.meta.inputHeight === 40 && s.meta.inputWidth === 56 && (s.meta.rowsDrawn as number) > 0, 45_000);
    assert.equal(snap.meta.thumbHeight, 40);
    assert.equal(snap.meta.thumbWidth, 56);
    assert.equal(snap.meta.fromCache, 0, 'the run at 40×56 came from the cache of the default size');
    assert.equal(snap.meta.sizeField, '40×56');
    assert.ok(String(snap.meta.sizeNote).startsWith('Every image ran at 40 × 56 (H × W): the size chosen for this model'), `note: ${snap.meta.sizeNote}`);
    // Both sizes are cached, each under its own key: the default size comes back from the cache at 224×224.
    const lens = await api();
    const cacheDir = path.join(lens.storageDir(), 'topk');
    const atDefault = await lens.engineRequest('topk.find', { modelPath, layerId: 'conv', folder: digits, k: 3, cacheDir });
    assert.deepEqual([atDefault.result.fromCache, atDefault.result.input], [true, [224, 224]]);
    const atChosen = await lens.engineRequest('topk.find', { modelPath, layerId: 'conv', folder: digits, k: 3, cacheDir, inputSize: [40, 56] });
    assert.deepEqual([atChosen.result.fromCache, atChosen.result.input], [true, [40, 56]]);
    assert.deepEqual(atChosen.inputSize, { height: 40, width: 56, source: 'chosen' });
  });

  test('a size out of range is refused in one sentence, and the rows stay at 40×56', async function () {
    this.timeout(30_000);
    assert.equal(await typeInputSize('4×4'), true);
    const snap = await waitForSnapshot('topk', 'a refusal in the status line', (s) => String(s.meta.status).includes('8 to 1024'), 10_000);
    assert.equal(snap.meta.status, 'The input size must be whole pixels from 8 to 1024 on each side, not 4×4.');
    assert.equal(snap.meta.inputHeight, 40);
    assert.equal(snap.meta.inputWidth, 56);
  });

  test('Feature Maps on the same model starts from the size typed in Top Images', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath, imagePath: images[0] });
    const snap = await waitForSnapshot('featureMaps', 'maps at 40×56', (s) => s.meta.mapHeight === 40 && s.meta.mapWidth === 56, 45_000);
    assert.equal(snap.meta.sizeField, '40×56');
  });

  test('a size typed in Feature Maps is where the next search of the model runs', async function () {
    this.timeout(60_000);
    const lens = await api();
    await waitFor('the Feature Maps size field', async () => (await lens.panelSnapshot('featureMaps'))?.meta.sizeField === '40×56');
    assert.equal(lens.typeFeatureMapsInputSize('48×32'), true);
    await waitForSnapshot('featureMaps', 'maps at 48×32', (s) => s.meta.mapHeight === 48 && s.meta.mapWidth === 32, 30_000);
    await findTopImages(modelPath, digits);
    const snap = await waitForSnapshot('topk', 'the rows at 48×32', (s) => s.meta.inputHeight === 48 && s.meta.inputWidth === 32 && (s.meta.rowsDrawn as number) > 0, 45_000);
    assert.equal(snap.meta.sizeField, '48×32');
    assert.equal(snap.meta.thumbHeight, 48);
    assert.equal(snap.meta.thumbWidth, 32);
  });
});
