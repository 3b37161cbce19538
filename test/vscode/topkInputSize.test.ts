// Top Images of a model that does not fix its input size ([?, ?, ?, 3]): the panel says the size every image ran
// at and why, its input size field runs the folder again at the size typed there (the thumbnails, which are what
// the model sees, follow), the size is remembered for the model's other panels, a size out of range is refused
// in one sentence, a size typed in Feature Maps is where the next search runs, and one typed there while Top Images
// is open shows in its field with a notice that its results are at the old size and a Run again (no search by
// itself), also when its tab was behind Feature Maps; Top Images of another model keeps its own size.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeAnySizeGraph } from '../helpers/anySizeGraph';
import { api, waitFor, waitForSnapshot } from './helpers';
import { findTopImages, topkAction, topkRequests, topkSuite } from './topkSuite';

const IMAGES = 12;
const K = 3;

function typeInputSize(text: string): Thenable<boolean> {
  return topkAction({ kind: 'typeInputSize', text });
}

suite('Top Images: input size of a model without a fixed one', () => {
  const fx = topkSuite({ prefix: 'any-size-topk-', images: IMAGES, k: K });

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
    const atDefault = await lens.engineRequest('topk.find', { modelPath: fx.modelPath, layerId: 'conv', folder: fx.digits, k: K, cacheDir });
    assert.deepEqual([atDefault.result.fromCache, atDefault.result.input], [true, [224, 224]]);
    const atChosen = await lens.engineRequest('topk.find', { modelPath: fx.modelPath, layerId: 'conv', folder: fx.digits, k: K, cacheDir, inputSize: [40, 56] });
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
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: fx.modelPath, imagePath: fx.images[0] });
    const snap = await waitForSnapshot('featureMaps', 'maps at 40×56', (s) => s.meta.mapHeight === 40 && s.meta.mapWidth === 56, 45_000);
    assert.equal(snap.meta.sizeField, '40×56');
  });

  test('a size typed in Feature Maps is where the next search of the model runs', async function () {
    this.timeout(60_000);
    const lens = await api();
    await waitFor('the Feature Maps size field', async () => (await lens.panelSnapshot('featureMaps'))?.meta.sizeField === '40×56');
    assert.equal(lens.typeFeatureMapsInputSize('48×32'), true);
    await waitForSnapshot('featureMaps', 'maps at 48×32', (s) => s.meta.mapHeight === 48 && s.meta.mapWidth === 32, 30_000);
    await findTopImages(fx.modelPath, fx.digits, K);
    const snap = await waitForSnapshot('topk', 'the rows at 48×32', (s) => s.meta.inputHeight === 48 && s.meta.inputWidth === 32 && (s.meta.rowsDrawn as number) > 0, 45_000);
    assert.equal(snap.meta.sizeField, '48×32');
    assert.equal(snap.meta.thumbHeight, 48);
    assert.equal(snap.meta.thumbWidth, 32);
  });

  // From here Top Images sits beside Feature Maps (both shown), as a user compares them.
  test('a size chosen in Feature Maps reaches the open Top Images panel: its field shows it, a notice names both sizes, nothing runs', async function () {
    this.timeout(60_000);
    const lens = await api();
    await vscode.commands.executeCommand('workbench.action.moveEditorToNextGroup');
    await waitForSnapshot('topk', 'the rows at 48×32 beside Feature Maps', (s) => s.meta.inputHeight === 48 && (s.meta.rowsDrawn as number) > 0, 30_000);
    await waitFor('the Feature Maps size field at 48×32', async () => (await lens.panelSnapshot('featureMaps'))?.meta.sizeField === '48×32', 30_000);
    const searches = (await topkRequests()).length;
    assert.equal(lens.typeFeatureMapsInputSize('64×40'), true);
    await waitForSnapshot('featureMaps', 'maps at 64×40', (s) => s.meta.mapHeight === 64 && s.meta.mapWidth === 40, 30_000);
    const snap = await waitForSnapshot('topk', 'the Top Images size field at 64×40', (s) => s.meta.sizeField === '64×40', 10_000);
    assert.equal(snap.meta.sizeNotice, "These results are at 48 × 32; the model's size is now 64 × 40.");
    // No search of its own: the rows are still those found at 48×32, and the engine was asked for nothing.
    assert.deepEqual([snap.meta.inputHeight, snap.meta.inputWidth], [48, 32]);
    assert.ok(String(snap.meta.summary).endsWith('px of 48×32'), `summary: ${snap.meta.summary}`);
    assert.equal((await topkRequests()).length, searches, 'Top Images searched again by itself');
  });

  test('Run again runs the same search at the model\'s new size: the engine is asked for 64×40, the summary says it, the notice goes', async function () {
    this.timeout(60_000);
    const before = await topkRequests();
    assert.equal(await topkAction({ kind: 'clickRunAgain' }), true);
    const snap = await waitForSnapshot('topk', 'the rows at 64×40', (s) => s.meta.inputHeight === 64 && s.meta.inputWidth === 40 && (s.meta.rowsDrawn as number) > 0, 45_000);
    const after = await topkRequests();
    assert.equal(after.length, before.length + 1);
    assert.deepEqual(after.at(-1), { modelPath: fx.modelPath, layerId: 'conv', folder: fx.digits, k: K, inputSize: [64, 40] });
    assert.ok(String(snap.meta.summary).endsWith('px of 64×40'), `summary: ${snap.meta.summary}`);
    assert.equal(snap.meta.sizeNotice, '');
    assert.equal(snap.meta.sizeField, '64×40');
    assert.equal(snap.meta.thumbHeight, 64);
    assert.ok(String(snap.meta.sizeNote).startsWith('Every image ran at 64 × 40 (H × W): the size chosen for this model'), `note: ${snap.meta.sizeNote}`);
  });

  test('Top Images on another model keeps its size when this model\'s size changes', async function () {
    this.timeout(60_000);
    const lens = await api();
    const otherDir = path.join(fx.dir, 'other');
    mkdirSync(otherDir);
    const other = writeAnySizeGraph(otherDir);
    await findTopImages(other, fx.digits, K);
    await waitForSnapshot('topk', 'the other model\'s rows at 224×224', (s) => s.meta.inputHeight === 224 && (s.meta.rowsDrawn as number) > 0, 45_000);
    assert.equal(lens.panelModel('topk'), other);
    const searches = (await topkRequests()).length;
    assert.equal(lens.typeFeatureMapsInputSize('72×56'), true);
    await waitForSnapshot('featureMaps', 'maps at 72×56', (s) => s.meta.mapHeight === 72 && s.meta.mapWidth === 56, 30_000);
    const snap = await waitForSnapshot('topk', 'the other model\'s rows', (s) => (s.meta.rowsDrawn as number) > 0, 10_000);
    assert.equal(snap.meta.sizeField, '224×224');
    assert.equal(snap.meta.sizeNotice, '');
    assert.equal((await topkRequests()).length, searches);
  });
  test('a Top Images tab behind Feature Maps shows the new size and the notice when it is shown again, without searching', async function () {
    this.timeout(90_000);
    const lens = await api();
    await findTopImages(fx.modelPath, fx.digits, K);
    await waitForSnapshot('topk', 'the rows at 72×56', (s) => s.meta.inputHeight === 72 && s.meta.inputWidth === 56 && (s.meta.rowsDrawn as number) > 0, 45_000);
    // One group again: Top Images and Feature Maps are tabs of it, and the one behind has no webview.
    await vscode.commands.executeCommand('workbench.action.moveEditorToPreviousGroup');
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: fx.modelPath, imagePath: fx.images[0] });
    await waitForSnapshot('featureMaps', 'maps at 72×56', (s) => s.meta.mapHeight === 72 && s.meta.mapWidth === 56 && s.meta.sizeField === '72×56', 45_000);
    const searches = (await topkRequests()).length;
    assert.equal(lens.typeFeatureMapsInputSize('80×48'), true);
    await waitForSnapshot('featureMaps', 'maps at 80×48', (s) => s.meta.mapHeight === 80 && s.meta.mapWidth === 48, 30_000);
    await showTabOf('layerLens.topk');
    const snap = await waitForSnapshot('topk', 'the Top Images size field at 80×48', (s) => s.meta.sizeField === '80×48' && (s.meta.rowsDrawn as number) > 0, 30_000);
    assert.equal(snap.meta.sizeNotice, "These results are at 72 × 56; the model's size is now 80 × 48.");
    assert.deepEqual([snap.meta.inputHeight, snap.meta.inputWidth], [72, 56]);
    assert.equal((await topkRequests()).length, searches, 'Top Images searched again when shown');
  });
});

/** Brings the active group's tab of a Layer Lens panel kind to the front, as a click on its tab would. */
async function showTabOf(viewType: string): Promise<void> {
  const isShown = (): boolean => {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    return input instanceof vscode.TabInputWebview && input.viewType.includes(viewType);
  };
  for (let i = 0; i < vscode.window.tabGroups.activeTabGroup.tabs.length && !isShown(); i++) {
    await vscode.commands.executeCommand('workbench.action.nextEditorInGroup');
  }
  await waitFor(`the ${viewType} tab in front`, () => isShown(), 5_000);
}
