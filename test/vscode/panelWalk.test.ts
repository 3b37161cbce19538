// A demanding user's walk through the panels with a third-party trained model (nsfwjs's MobileNetV2, a Keras
// Layers model.json a user brings from npm) beside the sample: its feature maps of a photo-sized RGB image, of a
// grayscale and a 16-bit PNG, a refused huge image, its kernels, a unit's actmax, Explain (Grad-CAM; IG and Cancel),
// the Unit panel from a tile; two models at once (the Feature Maps panel switched mid-pass shows only the last
// model's results; closing one model's actmax panel mid-run leaves the other's run going); Top Images over a folder
// with no images; and the model file deleted, then put back, while its panel is open.
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encode as encodePng } from 'fast-png';
import * as vscode from 'vscode';
import type { CanvasSnapshot } from '../../src/host/api';
import { nsfwjsModel } from '../helpers/nsfwjs';
import { api, extension, sampleModelPath, waitFor, waitForSnapshot, workspaceDir } from './helpers';

const NSFW = 'nsfw-mobilenet';

/** A smooth RGB picture with a few discs: enough structure for a 224 × 224 ImageNet-style network. */
function photoPng(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const disc = ((x - width * 0.35) ** 2 + (y - height * 0.5) ** 2) < (height * 0.2) ** 2;
      data[o] = disc ? 220 : Math.round((255 * x) / width);
      data[o + 1] = disc ? 40 : Math.round((255 * y) / height);
      data[o + 2] = Math.round(128 + 100 * Math.sin(x / 9) * Math.cos(y / 13));
    }
  }
  return encodePng({ width, height, data, channels: 3, depth: 8 });
}

function grayPng(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(127 + 120 * Math.sin((i % width) / 7) * Math.cos(Math.floor(i / width) / 5));
  return encodePng({ width, height, data, channels: 1, depth: 8 });
}

function sixteenBitPng(width: number, height: number): Uint8Array {
  const data = new Uint16Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[i * 3] = Math.round((65535 * (i % width)) / width);
    data[i * 3 + 1] = 40000;
    data[i * 3 + 2] = Math.round((65535 * Math.floor(i / width)) / height);
  }
  return encodePng({ width, height, data, channels: 3, depth: 16 });
}

function opaqueColours(s: CanvasSnapshot): number {
  const colours = new Set<number>();
  for (let i = 0; i < s.rgba.length; i += 4) if (s.rgba[i + 3] !== 0) colours.add((s.rgba[i]! << 16) | (s.rgba[i + 1]! << 8) | s.rgba[i + 2]!);
  return colours.size;
}

async function closeTabs(match: (label: string) => boolean): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => match(t.label));
  assert.ok(tabs.length > 0, `no tab to close among ${vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)).join(', ')}`);
  await vscode.window.tabGroups.close(tabs);
}

/** The engine's pid and CPU seconds so far, for a failure message: a busy, a restarted and a stuck engine differ. */
async function engineState(): Promise<string> {
  const pid = (await api()).enginePid();
  if (!pid) return 'no engine process';
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return `engine pid ${pid}, ${((Number(fields[11]) + Number(fields[12])) / 100).toFixed(1)} s CPU`;
  } catch {
    return `engine pid ${pid}`;
  }
}

/** Waits for the kernels of `layerId` drawn with no status line; a failure says what the engine was doing. */
async function kernelsDrawn(layerId: string, what: string): Promise<CanvasSnapshot> {
  const before = await engineState();
  return waitForSnapshot('kernels', what, (s) => s.meta.layerId === layerId && s.meta.status === '', 60_000).catch(async (err: Error) => {
    throw new Error(`${err.message} Before: ${before}; now: ${await engineState()}.`);
  });
}

/** Stops the Unit panel's page and closes its tab, once the tab is there (the tab list follows the panel a moment later). */
async function closeUnitPanel(): Promise<void> {
  (await api()).cancelUnitPage();
  await waitFor('the Unit tab', () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label.startsWith('Unit'))), 10_000);
  await closeTabs((l) => l.startsWith('Unit'));
}

suite('Panel walk', () => {
  let dir: string;
  let nsfwPath: string;
  const image = (name: string): string => path.join(dir, 'images', name);

  suiteSetup(async function () {
    this.timeout(120_000);
    dir = path.join(workspaceDir(), 'panel-walk');
    rmSync(dir, { recursive: true, force: true });
    cpSync(path.dirname(nsfwjsModel('mobilenet_v2', extension().extensionPath)), path.join(dir, NSFW), { recursive: true });
    nsfwPath = path.join(dir, NSFW, 'model.json');
    mkdirSync(path.join(dir, 'images'), { recursive: true });
    mkdirSync(path.join(dir, 'no-images', 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'no-images', 'notes.txt'), 'not an image\n');
    writeFileSync(image('photo.png'), photoPng(320, 240));
    writeFileSync(image('gray.png'), grayPng(200, 150));
    writeFileSync(image('deep16.png'), sixteenBitPng(160, 120));
    // 8000 × 7000 = 56 megapixels, over the decoder's limit; a flat picture, so the file itself is small.
    writeFileSync(image('huge.png'), encodePng({ width: 8000, height: 7000, data: new Uint8Array(8000 * 7000), channels: 1, depth: 8 }));
    await vscode.commands.executeCommand('layerLens.openInLayerLens', vscode.Uri.file(nsfwPath));
    const lens = await api();
    await waitFor('the nsfwjs model in the Layers view', async () => (await lens.layersViewLabels()).models.includes(NSFW), 60_000);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    rmSync(dir, { recursive: true, force: true });
  });

  test('feature maps of a photo on the third-party model: Conv1 drawn, five predictions', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: nsfwPath, imagePath: image('photo.png'), layerId: 'Conv1' });
    const s = await waitForSnapshot('featureMaps', 'Conv1 of the photo', (x) => x.meta.layerId === 'Conv1' && x.meta.modelName === NSFW, 90_000);
    assert.equal(s.meta.channels, 32);
    assert.equal(s.meta.mapWidth, 112);
    assert.equal(String(s.meta.predictions).split('|').length, 5, `predictions: ${s.meta.predictions}`);
    assert.ok(opaqueColours(s) > 32, `only ${opaqueColours(s)} colours`);
    assert.equal(s.meta.status, '');
  });

  test('kernels of the third-party model, and the Unit panel from a kernel tile', async function () {
    this.timeout(90_000);
    await vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath: nsfwPath, layerId: 'Conv1' });
    const k = await kernelsDrawn('Conv1', 'the Conv1 kernels');
    assert.ok(opaqueColours(k) > 32, `only ${opaqueColours(k)} colours`);
    const lens = await api();
    assert.ok(lens.openUnitFromPanel('kernels', 2));
    const t = await waitFor('the Unit panel on Conv1 unit 2', () => lens.unitPanelTarget()?.unit === 2 && lens.unitPanelTarget(), 30_000);
    assert.deepEqual(t, { modelPath: nsfwPath, layerId: 'Conv1', unit: 2 });
    await closeUnitPanel();
  });

  test('a kernel tile double-clicked while the panel turns to another model opens the unit of the model it was drawn for', async function () {
    this.timeout(90_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath: nsfwPath, layerId: 'Conv1' });
    await kernelsDrawn('Conv1', 'the Conv1 kernels');
    const before = lens.shownMessages().length;
    // The sample's kernels are on their way; the grid still shows the nsfwjs model's Conv1 when the tile is hit.
    await vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath: sampleModelPath(), layerId: 'conv1' });
    assert.ok(lens.openUnitFromPanel('kernels', 1));
    const t = await waitFor('a Unit panel on unit 1', () => lens.unitPanelTarget()?.unit === 1 && lens.unitPanelTarget(), 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    const said = lens.shownMessages().slice(before);
    assert.ok(!said.some((m) => /has no layer/.test(m)), `the tile's layer was looked up in the other model: ${JSON.stringify(said)}`);
    const pair = `${path.basename(path.dirname(t.modelPath))}/${t.layerId}`;
    assert.ok(pair === `${NSFW}/Conv1` || pair === 'mnist-cnn/conv1', `a Unit panel of ${pair}: a tile of one model opened in another`);
    await closeUnitPanel();
    await waitForSnapshot('kernels', 'the sample’s conv1 kernels', (s) => s.meta.layerId === 'conv1', 60_000);
  });

  test('a grayscale PNG and a 16-bit PNG feed the RGB model; a 56-megapixel one is refused in one sentence', async function () {
    this.timeout(180_000);
    for (const name of ['gray.png', 'deep16.png']) {
      await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: nsfwPath, imagePath: image(name), layerId: 'Conv1' });
      const s = await waitForSnapshot('featureMaps', `Conv1 of ${name}`, (x) => x.meta.imageName === name && x.meta.layerId === 'Conv1' && x.meta.channels === 32, 90_000);
      assert.ok(opaqueColours(s) > 16, `${name}: only ${opaqueColours(s)} colours`);
      assert.equal(s.meta.status, '', `${name}: ${s.meta.status}`);
    }
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: nsfwPath, imagePath: image('huge.png'), layerId: 'Conv1' });
    const refused = await waitForSnapshot('featureMaps', 'the huge image refused', (x) => String(x.meta.status).includes('megapixel'), 60_000);
    assert.match(String(refused.meta.status), /huge\.png is 8000 × 7000 pixels .*megapixel limit\.$/);
    assert.equal(refused.meta.channels, undefined, 'maps of the image before stayed on screen under the refusal');
  });

  test('kernels right after a refused huge image', async function () {
    this.timeout(90_000);
    await vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath: nsfwPath, layerId: 'block_1_expand' });
    await kernelsDrawn('block_1_expand', 'the block_1_expand kernels');
  });

  test('Explain on the third-party model: Grad-CAM drawn, IG stops on Cancel', async function () {
    this.timeout(180_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: nsfwPath, imagePath: image('photo.png'), layerId: 'Conv1' });
    await waitForSnapshot('featureMaps', 'Conv1 of the photo', (x) => x.meta.imageName === 'photo.png' && x.meta.channels === 32, 90_000);
    const target = { kind: 'class' as const, classIndex: 0 };
    assert.ok(lens.explainInFeatureMaps({ kind: 'run', slot: 0, options: { method: 'gradcam', target } }));
    const cam = await waitFor('Grad-CAM done', async () => {
      const s = await lens.panelSnapshot('featureMaps', undefined, 'explain');
      return s && (s.meta.status0 === 'done' || s.meta.status0 === 'error') && s;
    }, 120_000);
    assert.equal(cam.meta.status0, 'done', `Grad-CAM: ${cam.meta.message0}`);
    assert.ok(Number(cam.meta.max0) > Number(cam.meta.min0), `a constant map: ${JSON.stringify(cam.meta)}`);
    assert.ok(lens.explainInFeatureMaps({ kind: 'run', slot: 1, options: { method: 'ig', target, steps: 1024, batchSize: 1 } }));
    await waitFor('IG under way', async () => {
      const s = await lens.panelSnapshot('featureMaps', undefined, 'explain');
      return s && s.meta.status1 === 'running' && /of 1024 passes/.test(String(s.meta.progress1)) && s;
    }, 90_000);
    const pid = lens.enginePid();
    assert.ok(lens.explainInFeatureMaps({ kind: 'cancel', slot: 1 }));
    const cancelled = await waitFor('IG cancelled', async () => {
      const s = await lens.panelSnapshot('featureMaps', undefined, 'explain');
      return s && s.meta.status1 === 'cancelled' && s;
    }, 20_000);
    assert.equal(cancelled.meta.status0, 'done', 'Cancel on one slot touched the other');
    assert.equal(lens.enginePid(), pid, 'Cancel ended the engine');
    // The Unit panel from a feature map's tile (the maps are in channel order: tile 5 is channel 5).
    assert.ok(lens.openUnitFromPanel('featureMaps', 5));
    const t = await waitFor('the Unit panel on Conv1 unit 5 from Feature Maps', () => lens.unitPanelTarget()?.unit === 5 && lens.unitPanelTarget(), 30_000);
    assert.deepEqual(t, { modelPath: nsfwPath, layerId: 'Conv1', unit: 5 });
    await closeUnitPanel();
  });

  test('Feature Maps switched to another model mid-pass shows only the last model’s results', async function () {
    this.timeout(120_000);
    const digit = path.join(path.dirname(sampleModelPath()), 'samples', 'digit-3-a.png');
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: nsfwPath, imagePath: image('deep16.png'), layerId: 'Conv1' });
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: sampleModelPath(), imagePath: digit, layerId: 'conv1' });
    const s = await waitForSnapshot('featureMaps', 'the sample’s conv1', (x) => x.meta.layerId === 'conv1' && x.meta.channels === 16, 60_000);
    assert.equal(s.meta.modelName, 'mnist-cnn');
    // Give a late answer of the superseded pass its chance to land, then look again.
    await new Promise((r) => setTimeout(r, 3000));
    const later = await waitForSnapshot('featureMaps', 'the panel after a while', () => true);
    assert.equal(later.meta.modelName, 'mnist-cnn');
    assert.equal(later.meta.imageName, 'digit-3-a.png');
    assert.equal(String(later.meta.predictions).split('|')[0], '3', `predictions: ${later.meta.predictions}`);
  });

  test('closing one model’s actmax panel mid-run leaves the other model’s run going to its end', async function () {
    this.timeout(240_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: sampleModelPath(), layerId: 'conv2', units: '6', preset: 'trial1-naive', steps: 200, seed: 5, run: true });
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: nsfwPath, layerId: 'Conv1', units: '1', preset: 'trial1-naive', steps: 4000, seed: 5, run: true });
    await waitFor('the nsfwjs run under way', async () => {
      const s = await lens.panelSnapshot('actmax', nsfwPath);
      return s && s.meta.running === 1 && (s.meta.step as number) > 0 && s;
    }, 120_000);
    const pid = lens.enginePid();
    await closeTabs((l) => l.startsWith('Actmax') && l.includes(NSFW));
    const done = await waitFor('the sample’s run to end', async () => {
      const s = await lens.panelSnapshot('actmax', sampleModelPath());
      return s && s.meta.running === 0 && s.meta.step === 200 && s;
    }, 180_000).catch(async (err: Error) => {
      throw new Error(`${err.message} Last: ${JSON.stringify((await lens.panelSnapshot('actmax', sampleModelPath()))?.meta)}; messages ${JSON.stringify(lens.shownMessages().slice(-4))}`);
    });
    assert.equal(done.meta.unit, 6);
    // The closed panel's run was cancelled in the engine, not by ending the engine (which every panel shares).
    assert.equal(lens.enginePid(), pid, 'the engine was restarted');
    assert.ok(String(done.meta.crumbs).startsWith('mnist-cnn › conv2'), `crumbs: ${done.meta.crumbs}`);
    assert.ok(opaqueColours(done) > 16);
    await closeTabs((l) => l.startsWith('Actmax'));
  });

  test('Top Images over a folder of odd images on the third-party model: the huge one skipped, the rest ranked; a row opens its Unit panel', async function () {
    this.timeout(180_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.findTopImages', { modelPath: nsfwPath, layerId: 'Conv1', folder: path.join(dir, 'images'), k: 2 });
    const rows = await waitForSnapshot('topk', 'the Conv1 rows of the images folder', (s) => (s.meta.rowsDrawn as number) > 0 || String(s.meta.status).includes('.'), 150_000);
    assert.equal(rows.meta.channels, 32, `status: ${rows.meta.status}; summary: ${rows.meta.summary}`);
    assert.equal(rows.meta.images, 3, `summary: ${rows.meta.summary}`);
    assert.equal(rows.meta.skipped, 1, `summary: ${rows.meta.summary}`);
    assert.ok(opaqueColours(rows) > 32, `only ${opaqueColours(rows)} colours`);
    assert.ok(lens.openUnitFromPanel('topk', 3));
    const t = await waitFor('the Unit panel from a Top Images row', () => lens.unitPanelTarget()?.layerId === 'Conv1' && lens.unitPanelTarget()?.modelPath === nsfwPath && lens.unitPanelTarget()?.unit !== 5 && lens.unitPanelTarget(), 30_000);
    assert.equal(t.unit, Number(String(rows.meta.order).split(',')[3]));
    await closeUnitPanel();
    await closeTabs((l) => l.startsWith('Top Images'));
  });

  test('a unit of the third-party model maximized to its last step', async function () {
    this.timeout(180_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: nsfwPath, layerId: 'block_1_expand', units: '7', preset: 'lucid', steps: 12, seed: 3, run: true });
    const done = await waitFor('the nsfwjs run to end', async () => {
      const s = await lens.panelSnapshot('actmax', nsfwPath);
      return s && s.meta.running === 0 && s.meta.step === 12 && s;
    }, 150_000).catch(async (err: Error) => {
      throw new Error(`${err.message} Last: ${JSON.stringify((await lens.panelSnapshot('actmax', nsfwPath))?.meta)}; messages ${JSON.stringify(lens.shownMessages().slice(-4))}`);
    });
    assert.equal(done.meta.unit, 7);
    assert.ok(String(done.meta.crumbs).startsWith(`${NSFW} › block_1_expand`), `crumbs: ${done.meta.crumbs}`);
    assert.ok(opaqueColours(done) > 64, `only ${opaqueColours(done)} colours`);
    await closeTabs((l) => l.startsWith('Actmax'));
  });

  test('Top Images over a folder with no images says so in one sentence naming the folder', async function () {
    this.timeout(60_000);
    const lens = await api();
    const before = lens.shownMessages().length;
    const folder = path.join(dir, 'no-images');
    await vscode.commands.executeCommand('layerLens.findTopImages', { modelPath: nsfwPath, layerId: 'Conv1', folder, k: 4 });
    const said = await waitFor('a message about the empty folder', () => {
      const m = lens.shownMessages().slice(before).find((x) => x.includes('no-images'));
      return m;
    }, 40_000);
    assert.ok(/no-images/.test(said) && said.trim().split(/(?<=\.)\s+(?=[A-Z])/).length === 1, `message: ${said}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the model file deleted while its panel is open: the panel says so, and draws again when it is back', async function () {
    this.timeout(180_000);
    await vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath: nsfwPath, layerId: 'Conv1' });
    const first = await kernelsDrawn('Conv1', 'the Conv1 kernels');
    // The user's case: a file that goes while the panel has been open a while (a file watcher is asked for
    // asynchronously and may start a moment after the panel opens).
    await new Promise((r) => setTimeout(r, 2000));
    const aside = path.join(dir, 'model.json.moved');
    renameSync(nsfwPath, aside);
    const gone = await waitForSnapshot('kernels', 'the panel saying its model is gone', (s) => /model\.json/.test(String(s.meta.status)), 30_000);
    assert.match(String(gone.meta.status), /^[^.]*model\.json[^.]*\.$/, `not one sentence: ${gone.meta.status}`);
    renameSync(aside, nsfwPath);
    const back = await kernelsDrawn('Conv1', 'the kernels drawn again');
    assert.ok(Buffer.from(back.rgba).equals(Buffer.from(first.rgba)), 'the kernels differ after the model came back');
  });

  test('a model rewritten on disk while its panel is open: the panel draws the new model', async function () {
    this.timeout(120_000);
    const sampleDir = path.dirname(sampleModelPath());
    const copy = path.join(dir, 'rewritten');
    mkdirSync(copy, { recursive: true });
    for (const f of ['model.json', 'weights.bin']) cpSync(path.join(sampleDir, f), path.join(copy, f));
    const modelPath = path.join(copy, 'model.json');
    await vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath, layerId: 'conv1' });
    const before = await kernelsDrawn('conv1', 'the copy’s conv1 kernels');
    await new Promise((r) => setTimeout(r, 2000));
    // Retrained and saved again under the same name: another network (its first conv is jconv1).
    const judge = path.join(extension().extensionPath, 'test/fixtures/actmax/mnist-judge-cnn');
    cpSync(path.join(judge, 'weights.bin'), path.join(copy, 'weights.bin'));
    cpSync(path.join(judge, 'model.json'), modelPath);
    const after = await kernelsDrawn('jconv1', 'the rewritten model’s first kernels');
    assert.ok(!Buffer.from(after.rgba).equals(Buffer.from(before.rgba)), 'the same picture after the model changed');
  });
});
