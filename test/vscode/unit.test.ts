// The Unit panel in a real VS Code: opened from the palette (model → layer → unit) on the sample model's conv2
// unit 3 after a Top Images run on a folder of digits, it draws the unit's feature visualizations (2 seeds) and a
// diversity batch, the badge's numbers, dataset examples and the strongest inputs from conv1; clicking one opens
// that conv1 unit in the same panel; the same unit again is read from the on-disk cache with no engine run; a page
// being computed shows the unit's picture from an earlier Maximize Activation run, its progress, and stops on
// Cancel; a double-click on a unit's tile in Visualize Kernels, Feature Maps, a Visualize Layer atlas and Top
// Images opens the Unit panel on it; and the header's preset, seeds and k make another page (the engine request
// carries them), a bad value is refused before anything is sent, and a new panel starts from the last settings,
// read from the cache.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CanvasSnapshot } from '../../src/host/api';
import { api, grayLevels, sampleModelPath, waitFor, waitForSnapshot, withSetting, workspaceDir, writeDigitPngs } from './helpers';

/** The Unit panel's snapshot once the page of `layerId` unit `unit` is drawn. */
function unitPage(layerId: string, unit: number, extra: (s: CanvasSnapshot) => boolean = () => true, timeoutMs = 120_000): Promise<CanvasSnapshot> {
  return waitForSnapshot('unit', `the Unit panel's page of ${layerId} unit ${unit}`, (s) => s.meta.ready === 1 && s.meta.layerId === layerId && s.meta.unit === unit && extra(s), timeoutMs);
}

/** The first `rows` pixel rows of a snapshot (the seed pictures side by side at the top of the stitched page). */
function topRows(s: CanvasSnapshot, rows = 160): Uint8Array {
  return s.rgba.subarray(0, s.width * Math.min(s.height, rows) * 4);
}

/**
 * Double-clicks the tile at `index` of a panel and waits for the Unit panel's page of a `layerId` unit other than
 * the one it showed (which unit sits at an index depends on the panel's sort order).
 */
async function openedFrom(kind: 'featureMaps' | 'topk', index: number, layerId: string): Promise<CanvasSnapshot> {
  const lens = await api();
  const before = lens.unitPanelTarget();
  assert.ok(lens.openUnitFromPanel(kind, index), `a ${kind} panel is open`);
  const target = await waitFor(`the Unit panel on a ${layerId} unit from the ${kind} panel`, () => {
    const t = lens.unitPanelTarget();
    return t && t.layerId === layerId && (t.unit !== before?.unit || before?.layerId !== layerId) && t;
  }, 60_000);
  return unitPage(layerId, target.unit);
}

suite('Unit panel', () => {
  const restore: (() => Thenable<void>)[] = [];
  const folder = path.join(workspaceDir(), 'unit-digits');
  let page: CanvasSnapshot;
  /** unit.page runs the session made before this suite (other suites open Unit panels too). */
  let runsBefore = 0;

  suiteSetup(async function () {
    this.timeout(240_000);
    const lens = await api();
    // Small pages (the default is 256 steps and 4 diversity images), computed from an empty cache.
    restore.push(await withSetting('layerLens.unitPage', 'steps', 24), await withSetting('layerLens.unitPage', 'diversity', 2));
    rmSync(path.join(lens.storageDir(), 'unit'), { recursive: true, force: true });
    runsBefore = lens.unitEngineRuns();
    rmSync(folder, { recursive: true, force: true });
    writeDigitPngs(folder, 20);
    // The model's last Top Images run names the folder the Unit panel's dataset examples come from.
    await vscode.commands.executeCommand('layerLens.findTopImages', { modelPath: sampleModelPath(), layerId: 'conv2', folder, k: 3 });
    const { models } = await lens.layersViewLabels();
    lens.answerQuickPicks(models.length > 1 ? ['mnist-cnn', 'conv2', 'unit 3'] : ['conv2', 'unit 3']);
    try {
      await vscode.commands.executeCommand('layerLens.openUnit');
    } finally {
      lens.answerQuickPicks(undefined);
    }
    page = await unitPage('conv2', 3);
  });

  suiteTeardown(async () => {
    for (const r of restore.splice(0)) await r();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(folder, { recursive: true, force: true });
  });

  test('the palette asks layer and unit, and the page is computed once by the engine', async () => {
    const lens = await api();
    const picks = lens.offeredQuickPicks();
    const unitPick = picks[picks.length - 1]!;
    assert.match(unitPick.placeHolder, /Which unit of conv2 \(0–31\)\?/);
    assert.equal(unitPick.items.length, 32);
    assert.equal(lens.unitEngineRuns(), runsBefore + 1);
    assert.deepEqual(lens.unitPanelTarget(), { modelPath: sampleModelPath(), layerId: 'conv2', unit: 3 });
    assert.equal(page.meta.fromCache, 0);
  });

  test('draws 2 feature visualizations and a diversity batch of 2, with pixels in them', () => {
    assert.equal(page.meta.actmax, 2);
    assert.equal(page.meta.diversity, 2);
    // The first row of the stitched page is the two seeds side by side: a picture, not a flat fill.
    const firstRow = { ...page, height: Math.min(page.height, 160), rgba: page.rgba.subarray(0, page.width * Math.min(page.height, 160) * 4) };
    assert.ok(grayLevels(firstRow).size > 20, `the seed pictures show ${grayLevels(firstRow).size} gray levels`);
  });

  test("shows the badge's numbers (q and r against the dataset's top-1) with its explanation", () => {
    assert.match(String(page.meta.badge), /^q \d+\.\d\d× · r \d+\.\d\d×$/);
    assert.equal(typeof page.meta.q, 'number');
    assert.equal(typeof page.meta.r, 'number');
    assert.ok(Number(page.meta.top1) > 0, `top-1 activation ${page.meta.top1}`);
    assert.match(String(page.meta.badgeHelp), /random jitter, scale and rotation/);
  });

  test('lists dataset examples of the Top Images folder and their statistics', () => {
    assert.equal(page.meta.top, 5);
    assert.equal(page.meta.statsImages, 20);
  });

  test('lists the strongest inputs from conv1, and clicking one opens that unit in the same panel', async () => {
    const lens = await api();
    assert.equal(page.meta.inputsLayer, 'conv1');
    const inputs = String(page.meta.inputs).split(',').map(Number);
    assert.equal(inputs.length, 8);
    assert.ok(inputs.every((u) => Number.isInteger(u) && u >= 0 && u < 16), String(page.meta.inputs));
    assert.ok(lens.openUnitFromPanel('unit', 0));
    const conv1 = await unitPage('conv1', inputs[0]!);
    assert.equal(conv1.meta.kernel, 1, 'a first layer shows its kernel');
    assert.deepEqual(lens.unitPanelTarget(), { modelPath: sampleModelPath(), layerId: 'conv1', unit: inputs[0] });
    assert.equal(lens.unitEngineRuns(), runsBefore + 2);
  });

  test('the same unit again comes from the cache, with no engine run', async () => {
    const lens = await api();
    const runs = lens.unitEngineRuns();
    await vscode.commands.executeCommand('layerLens.openUnit', { modelPath: sampleModelPath(), layerId: 'conv2', unit: 3 });
    const again = await unitPage('conv2', 3, (s) => s.meta.fromCache === 1, 30_000);
    assert.equal(lens.unitEngineRuns(), runs);
    assert.equal(again.meta.badge, page.meta.badge);
    assert.deepEqual([again.width, again.height], [page.width, page.height]);
    assert.deepEqual(again.rgba, page.rgba, 'the cached page draws the same pixels');
  });

  test('a page being computed shows the picture of an earlier Maximize Activation run, its progress and Cancel, which stops it', async function () {
    this.timeout(120_000);
    const lens = await api();
    // A Maximize Activation run of conv2 unit 9 files its picture in the per-unit actmax index.
    const index = path.join(lens.storageDir(), 'actmax', 'units');
    const started = Date.now() - 1000;
    const filedSince = (): boolean => existsSync(index) && readdirSync(index).some((f) => statSync(path.join(index, f)).mtimeMs >= started);
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: sampleModelPath(), layerId: 'conv2', units: '9', preset: 'lucid', steps: 8, seed: 5, run: true });
    await waitFor('the actmax picture of conv2 unit 9 in the unit index', filedSince, 60_000);
    const restoreSteps = await withSetting('layerLens.unitPage', 'steps', 4000);
    try {
      const runs = lens.unitEngineRuns();
      const opened = vscode.commands.executeCommand('layerLens.openUnit', { modelPath: sampleModelPath(), layerId: 'conv2', unit: 9 });
      const busy = await waitForSnapshot('unit', 'progress of conv2 unit 9', (s) => s.meta.busy === 1 && s.meta.preview === 1 && /conv2 unit 9: feature visualization 1 of 2 \(\d+%\)/.test(String(s.meta.status)), 60_000);
      assert.equal(busy.meta.ready, 0, 'the previous unit\'s page is gone');
      assert.deepEqual([busy.width, busy.height], [160, 160], 'the earlier picture, 28 px drawn at 160');
      assert.ok(grayLevels(busy).size > 8, 'the earlier picture has pixels');
      assert.ok(lens.cancelUnitPage());
      await opened;
      // 'was not finished' is the claim: 4,000 steps could not have run out by themselves; the wait is a hang guard.
      await waitForSnapshot('unit', 'the stopped state', (s) => s.meta.busy === 0 && /^Stopped: conv2 unit 9 was not finished/.test(String(s.meta.status)), 30_000);
      assert.equal(lens.unitEngineRuns(), runs + 1);
    } finally {
      await restoreSteps();
    }
  });

  test('double-clicking a kernel tile opens the Unit panel on that filter', async function () {
    this.timeout(120_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath: sampleModelPath(), layerId: 'conv1' });
    await waitForSnapshot('kernels', 'the kernels of conv1', (s) => s.meta.layerId === 'conv1' && s.meta.count === 16, 60_000);
    assert.ok(lens.openUnitFromPanel('kernels', 5));
    await unitPage('conv1', 5);
  });

  test('double-clicking a feature map opens the Unit panel on that channel', async function () {
    this.timeout(120_000);
    const lens = await api();
    const imagePath = path.join(folder, '7', '0000.png');
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: sampleModelPath(), imagePath, layerId: 'conv2' });
    await waitForSnapshot('featureMaps', 'the maps of conv2', (s) => s.meta.layerId === 'conv2', 60_000);
    await openedFrom('featureMaps', 6, 'conv2');
  });

  test('double-clicking a cell of a Visualize Layer atlas opens the Unit panel on that unit', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('layerLens.visualizeLayer', { modelPath: sampleModelPath(), layerId: 'conv1', preset: 'trial1-naive', steps: 8, run: true });
    await waitForSnapshot('actmax', 'the conv1 atlas to finish', (s) => s.meta.view === 'atlas' && s.meta.done === 16 && s.meta.running === 0, 60_000);
    const lens = await api();
    const before = lens.unitPanelTarget();
    assert.ok(lens.openUnitFromPanel('actmax', 7), 'an actmax panel is open');
    const target = await waitFor('the Unit panel on a conv1 unit from the atlas', () => {
      const t = lens.unitPanelTarget();
      return t && t.layerId === 'conv1' && (t.unit !== before?.unit || before?.layerId !== 'conv1') && t;
    }, 60_000);
    await unitPage('conv1', target.unit);
  });

  test('double-clicking a Top Images row opens the Unit panel on that channel', async function () {
    this.timeout(120_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.findTopImages', { modelPath: sampleModelPath(), layerId: 'conv2', folder, k: 3 });
    // The rows drawn in the panel's webview (shown again, it loads anew), so the double-click reaches them.
    await waitForSnapshot('topk', 'the conv2 rows', (s) => (s.meta.rowsDrawn as number) > 0 && lens.panelModel('topk') === sampleModelPath(), 60_000);
    await openedFrom('topk', 1, 'conv2');
  });

  test('changing the preset in the header sends it with the engine request and draws another picture', async function () {
    this.timeout(120_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.openUnit', { modelPath: sampleModelPath(), layerId: 'conv2', unit: 3 });
    const lucid = await unitPage('conv2', 3, (s) => s.meta.preset === 'lucid', 30_000);
    assert.deepEqual([lucid.meta.seeds, lucid.meta.k, lucid.meta.fromCache], [2, 5, 1], 'the defaults, from the cache');
    const runs = lens.unitEngineRuns();
    assert.ok(lens.typeUnitSettings({ preset: 'trial1-naive' }));
    const naive = await unitPage('conv2', 3, (s) => s.meta.preset === 'trial1-naive');
    assert.equal(lens.unitEngineRuns(), runs + 1);
    assert.deepEqual(lens.unitEngineSettings().at(-1), { preset: 'trial1-naive', steps: 24, seeds: 2, diversity: 2, k: 5 }, 'the engine request carries the preset');
    assert.equal(naive.meta.fromCache, 0);
    assert.equal(naive.meta.actmax, 2);
    assert.deepEqual([naive.width, naive.height], [lucid.width, lucid.height]);
    assert.notDeepEqual(topRows(naive), topRows(lucid), 'trial1-naive draws other seed pictures than lucid');
    assert.ok(grayLevels({ ...naive, rgba: topRows(naive), height: 160 }).size > 8, 'the trial1-naive pictures have pixels');
  });

  test('seeds = 3 shows 3 feature visualizations and k = 3 shows 3 dataset examples', async function () {
    this.timeout(120_000);
    const lens = await api();
    assert.ok(lens.typeUnitSettings({ seeds: '3', k: '3' }));
    const three = await unitPage('conv2', 3, (s) => s.meta.seeds === 3 && s.meta.k === 3);
    assert.deepEqual(lens.unitEngineSettings().at(-1), { preset: 'trial1-naive', steps: 24, seeds: 3, diversity: 2, k: 3 });
    assert.equal(three.meta.actmax, 3);
    assert.equal(three.meta.top, 3);
    assert.equal(three.meta.statsImages, 20);
    assert.ok(three.width >= 3 * 160, `three seed pictures side by side (page ${three.width} px wide)`);
  });

  test('a bad value typed (k = 0) is refused with one sentence before anything is sent', async function () {
    this.timeout(60_000);
    const lens = await api();
    const runs = lens.unitEngineRuns();
    const asked = lens.unitEngineSettings().length;
    assert.ok(lens.typeUnitSettings({ k: '0' }));
    const refused = await waitForSnapshot('unit', 'the refusal of k = 0', (s) => /Top k/.test(String(s.meta.status)), 30_000);
    assert.equal(refused.meta.status, 'Top k must be a whole number from 1 to 25, not "0".');
    // Nothing was sent: the page shown stays (k = 3, not busy), and no engine request follows.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await waitForSnapshot('unit', 'the page still shown', (s) => s.meta.ready === 1, 10_000);
    assert.deepEqual([after.meta.k, after.meta.busy, after.meta.layerId, after.meta.unit], [3, 0, 'conv2', 3]);
    assert.equal(lens.unitEngineRuns(), runs);
    assert.equal(lens.unitEngineSettings().length, asked);
  });

  test('the webview saves the settings with its unit, and a reload reopens that page from the cache', async function () {
    this.timeout(60_000);
    const lens = await api();
    const before = await unitPage('conv2', 3, (s) => s.meta.k === 3, 10_000);
    const saved = JSON.parse(String(before.meta.savedState)) as { layerId: string; unit: number; settings: unknown };
    assert.deepEqual([saved.layerId, saved.unit, saved.settings], ['conv2', 3, { preset: 'trial1-naive', seeds: 3, k: 3 }]);
    const runs = lens.unitEngineRuns();
    assert.ok(await lens.reloadUnitPanel());
    const revived = await unitPage('conv2', 3, (s) => s.meta.fromCache === 1, 30_000);
    assert.deepEqual([revived.meta.preset, revived.meta.seeds, revived.meta.k, revived.meta.actmax], ['trial1-naive', 3, 3, 3]);
    assert.equal(lens.unitEngineRuns(), runs);
  });

  test('a new Unit panel starts from the last settings, and the same settings again come from the cache with no engine run', async function () {
    this.timeout(120_000);
    const lens = await api();
    const runs = lens.unitEngineRuns();
    await Promise.race([vscode.commands.executeCommand('workbench.action.closeAllEditors'), new Promise((_, reject) => setTimeout(() => reject(new Error('closeAllEditors hangs')), 20_000))]);
    await waitFor('the Unit panel closed', () => lens.unitPanelTarget() === undefined, 10_000);
    try {
      const opened = vscode.commands.executeCommand('layerLens.openUnit', { modelPath: sampleModelPath(), layerId: 'conv2', unit: 3 });
      const again = await unitPage('conv2', 3, (s) => s.meta.fromCache === 1, 30_000);
      await opened;
      assert.deepEqual([again.meta.preset, again.meta.seeds, again.meta.k, again.meta.actmax, again.meta.top], ['trial1-naive', 3, 3, 3, 3]);
      assert.equal(lens.unitEngineRuns(), runs, 'no unit.page run for a page computed before with these settings');
    } finally {
      // Back to the defaults (cached too), for whatever opens the Unit panel next.
      if (lens.typeUnitSettings({ preset: 'lucid', seeds: '2', k: '5' })) await unitPage('conv2', 3, (s) => s.meta.preset === 'lucid' && s.meta.seeds === 2 && s.meta.k === 5, 30_000);
    }
    assert.equal(lens.unitEngineRuns(), runs, 'the defaults came from the cache too');
  });
});
