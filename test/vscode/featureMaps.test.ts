// "Show Feature Maps" on a sample digit draws conv1's 16 maps (26×26 after a valid 3×3 conv of 28×28) on the
// panel's canvas and lists top predictions.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CanvasSnapshot } from '../../src/host/api';
import { api, sampleModelPath, waitFor, waitForSnapshot, workspaceDir } from './helpers';

/** The `index`-th sample digit PNG of the sample model (sorted by name). */
function sampleDigit(index = 0): string {
  const dir = path.join(path.dirname(sampleModelPath()), 'samples');
  const png = readdirSync(dir).filter((f) => f.endsWith('.png')).sort()[index];
  assert.ok(png, `no sample digit PNG number ${index} in ${dir}`);
  return path.join(dir, png);
}

suite('Show Feature Maps', () => {
  let snap: CanvasSnapshot;

  suiteSetup(async function () {
    this.timeout(90_000);
    const lens = await api();
    const imagePath = sampleDigit();
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: sampleModelPath(), imagePath, layerId: 'conv1' });
    let last = 'no feature maps panel';
    snap = await waitFor(
      'a feature maps canvas for conv1',
      async () => {
        const s = await lens.panelSnapshot('featureMaps');
        if (s) last = `a ${s.width}×${s.height} canvas with meta ${JSON.stringify(s.meta)}`;
        return s && s.meta.layerId === 'conv1' && s;
      },
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message} Last seen: ${last}; messages: ${JSON.stringify(lens.shownMessages())}`);
    });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('shows 16 maps of 26×26', () => {
    assert.equal(snap.meta.channels, 16);
    assert.equal(snap.meta.mapWidth, 26);
    assert.equal(snap.meta.mapHeight, 26);
  });

  test('by keyboard the maps are one Tab stop in the real webview, each cell named with its channel and max', () => {
    assert.equal(snap.meta.tabStops, 1);
    assert.match(String(snap.meta.currentTileName), /^conv1 channel 0, max -?\d/);
  });

  test('the canvas is drawn, not blank', () => {
    assert.equal(snap.rgba.length, snap.width * snap.height * 4);
    const values = new Set<number>();
    let opaque = 0;
    for (let i = 0; i < snap.rgba.length; i += 4) {
      if (snap.rgba[i + 3] === 0) continue;
      opaque++;
      values.add((snap.rgba[i]! << 16) | (snap.rgba[i + 1]! << 8) | snap.rgba[i + 2]!);
    }
    assert.ok(opaque > 16 * 26 * 26, `only ${opaque} opaque pixels`);
    assert.ok(values.size > 16, `only ${values.size} distinct colors`);
  });

  test('26×26 maps are drawn at least 56 px, apart, numbered, under a colour bar', () => {
    const m = snap.meta as Record<string, number>;
    assert.ok(m.cellWidth! >= 56, `26×26 maps drawn ${m.cellWidth} px wide`);
    const pitch = m.cellWidth! + m.gap!;
    const pixel = (x: number, y: number): number[] => Array.from(snap.rgba.subarray((y * snap.width + x) * 4, (y * snap.width + x) * 4 + 4));
    // The gap between the first two maps is drawn (opaque), not the page showing through.
    assert.equal(pixel(m.cellWidth!, Math.floor(m.cellHeight! / 2))[3], 255, 'the gap between maps is transparent');
    // Map 1's number plate: its corner differs from the map under it.
    const under = pixel(pitch + 2, 14);
    let marked = 0;
    for (let y = 0; y < 10; y++) for (let x = pitch; x < pitch + 10; x++) if (pixel(x, y).slice(0, 3).some((v, i) => Math.abs(v - under[i]!) > 30)) marked++;
    assert.ok(marked > 6, `map 1 has no number (${marked} marked pixels)`);
    assert.match(String(snap.meta.colorBar), /each map from its own min to its own max/);
  });

  test('lists top predictions, the digit shown first', () => {
    // The sample files are named digit-<class>-<letter>.png; the sample model reads every one of them right.
    const digit = /digit-(\d)-/.exec(path.basename(sampleDigit()))?.[1];
    assert.ok(digit, `the first sample's name does not say its digit: ${sampleDigit()}`);
    const labels = String(snap.meta.predictions).split('|');
    assert.equal(labels.length, 5, `five predictions expected: ${snap.meta.predictions}`);
    assert.equal(labels[0], digit, `top prediction ${labels[0]} for a ${digit}: ${snap.meta.predictions}`);
    assert.equal(new Set(labels).size, 5, `repeated labels: ${snap.meta.predictions}`);
  });

  test('says how the image became the input, and where that came from; the Normalize select recomputes', async function () {
    this.timeout(60_000);
    // The sample's sidecar sets resize "stretch", scale 1/255, mean 0, std 1: the [0, 1] normalization.
    assert.equal(snap.meta.preprocessing, 'Preprocessing: squash to 28 · pixels to [0, 1] · from the sidecar');
    const lens = await api();
    assert.ok(lens.chooseFeatureMapsPreprocessing({ normalize: 'raw' }), 'no feature maps panel');
    const raw = await waitForSnapshot('featureMaps', 'the maps with 0..255 pixels', (s) => String(s.meta.preprocessing).includes('0..255') && s.meta.layerId === 'conv1');
    assert.equal(raw.meta.preprocessing, 'Preprocessing: squash to 28 (from the sidecar) · pixels 0..255 as decoded (as chosen)');
    // Back to what the sidecar says, for the suites after this one.
    lens.chooseFeatureMapsPreprocessing({});
    await waitForSnapshot('featureMaps', 'the maps as the sidecar says', (s) => String(s.meta.preprocessing).endsWith('from the sidecar') && s.meta.layerId === 'conv1');
  });
});

// The same panel fed from VS Code: an Explorer Uri (a corrupt file, then a good one), a layer picked while it is
// open, and the image open in VS Code's image preview when the command gets no argument.
suite('Show Feature Maps: images and layers', () => {
  let dir: string;

  suiteSetup(async function () {
    this.timeout(90_000);
    dir = mkdtempSync(path.join(workspaceDir(), 'feature-maps-'));
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: sampleModelPath(), imagePath: sampleDigit(0), layerId: 'conv1' });
    await waitForSnapshot('featureMaps', 'conv1 of the first digit', (s) => s.meta.layerId === 'conv1', 60_000);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a corrupt PNG gives one sentence naming it, and nothing stale', async function () {
    this.timeout(30_000);
    const lens = await api();
    const corrupt = path.join(dir, 'corrupt.png');
    // Seeded bytes: the same file every run.
    let x = 12345;
    writeFileSync(corrupt, Uint8Array.from({ length: 4096 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24)));
    const before = lens.shownMessages().length;
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', vscode.Uri.file(corrupt));
    const fresh = await waitFor('an error message about corrupt.png', () => {
      const m = lens.shownMessages().slice(before);
      return m.length > 0 && m;
    });
    // Let a second message (if the product sent one) arrive before counting.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(lens.shownMessages().length - before, 1, `messages: ${JSON.stringify(lens.shownMessages().slice(before))}`);
    const message = fresh[0]!;
    assert.ok(message.includes('corrupt.png'), `the message does not name the file: ${message}`);
    assert.ok(!/[.!?]\s+\S/.test(message.trim()), `more than one sentence: ${message}`);
    // The panel still answers, and shows no maps of the previous image under the broken one's name.
    const snap = await waitForSnapshot('featureMaps', 'the panel after the error', () => true);
    assert.equal(snap.meta.layerId, undefined, `stale maps after the error: ${JSON.stringify(snap.meta)}`);
    // The error replaces the whole previous content: no thumbnail or top 5 of the previous image beside it.
    assert.equal(snap.meta.inputShown, 0, `the previous image's thumbnail stayed: ${JSON.stringify(snap.meta)}`);
    assert.equal(snap.meta.top5Shown, 0, `the previous image's top 5 stayed: ${JSON.stringify(snap.meta)}`);
  });

  test('a good PNG after the corrupt one draws again', async function () {
    this.timeout(60_000);
    const lens = await api();
    const before = lens.shownMessages().length;
    const good = sampleDigit(14);
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', vscode.Uri.file(good));
    const snap = await waitForSnapshot('featureMaps', `the maps of ${path.basename(good)}`, (s) => s.meta.imageName === path.basename(good) && s.meta.layerId === 'conv1');
    assert.equal(snap.meta.channels, 16);
    assert.equal(snap.meta.mapWidth, 26);
    assert.equal(snap.meta.layerSelect, 'conv1', `the Layer dropdown does not name the layer drawn: ${JSON.stringify(snap.meta)}`);
    assert.equal(snap.meta.inputShown, 1);
    assert.equal(snap.meta.top5Shown, 1);
    assert.deepEqual(lens.shownMessages().slice(before), []);
  });

  test('a layer picked while the panel is open switches it to that layer', async function () {
    this.timeout(60_000);
    const image = path.basename(sampleDigit(14));
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: sampleModelPath(), layerId: 'pool1' });
    const snap = await waitForSnapshot('featureMaps', 'the panel to show pool1', (s) => s.meta.layerId === 'pool1');
    assert.equal(snap.meta.imageName, image, 'switching layer changed the image');
    assert.equal(snap.meta.channels, 16);
    assert.equal(snap.meta.mapWidth, 13);
    assert.equal(snap.meta.mapHeight, 13);
    assert.equal(snap.meta.layerSelect, 'pool1', `the Layer dropdown does not name the layer drawn: ${JSON.stringify(snap.meta)}`);
  });

  test('with no argument it takes the image open in the image preview', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const snap = await mapsOfPreviewedImage(sampleDigit(7));
    assert.equal(snap.meta.layerId, 'conv1');
    assert.equal(snap.meta.channels, 16);
    assert.equal(snap.meta.layerSelect, 'conv1', `the Layer dropdown does not name the layer drawn: ${JSON.stringify(snap.meta)}`);
  });

  test('another image opened in the preview while the panel is open keeps the Layer dropdown on the layer drawn', async function () {
    this.timeout(60_000);
    const snap = await mapsOfPreviewedImage(sampleDigit(3));
    assert.equal(snap.meta.layerId, 'conv1');
    assert.equal(snap.meta.layerSelect, 'conv1', `the Layer dropdown does not name the layer drawn: ${JSON.stringify(snap.meta)}`);
  });

  test('switching model keeps the Layer dropdown on the layer drawn', async function () {
    this.timeout(60_000);
    // The same network under another path is another model to the panel.
    const copy = path.join(dir, 'mnist-copy');
    cpSync(path.dirname(sampleModelPath()), copy, { recursive: true, filter: (src) => !src.includes(`${path.sep}samples`) });
    const modelPath = path.join(copy, 'model.json');
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath });
    const snap = await waitForSnapshot('featureMaps', 'the maps of the copied model', (s) => s.meta.modelName === 'mnist-copy' && typeof s.meta.layerId === 'string', 60_000);
    assert.equal(snap.meta.layerId, 'conv1');
    assert.equal(snap.meta.layerSelect, 'conv1', `the Layer dropdown does not name the layer drawn: ${JSON.stringify(snap.meta)}`);
  });

  test('from the palette it asks model, then layer, instead of taking the open panel\'s model', async function () {
    this.timeout(60_000);
    const lens = await api();
    // Two models listed: the copy the panel shows (the test before), opened in Layer Lens, and the sample.
    await vscode.commands.executeCommand('layerLens.openInLayerLens', vscode.Uri.file(path.join(dir, 'mnist-copy', 'model.json')));
    await waitFor('the copy in the Layers view', async () => (await lens.layersViewLabels()).models.includes('mnist-copy'), 15_000);
    const offered = lens.offeredQuickPicks().length;
    // The palette asks, and the sample is picked, at pool1 (not the copy, which is the panel's and the active one).
    lens.answerQuickPicks(['mnist-cnn', 'pool1']);
    try {
      await vscode.commands.executeCommand('layerLens.showFeatureMaps');
    } finally {
      lens.answerQuickPicks(undefined);
    }
    const picks = lens.offeredQuickPicks().slice(offered);
    assert.deepEqual(picks.map((p) => p.placeHolder.split(' (')[0]), ['Which model?', 'Which layer\'s feature maps?'], `picks: ${JSON.stringify(picks)}`);
    assert.equal(picks[0]!.items[0]?.label, 'mnist-copy', `the panel's (and active) model first: ${JSON.stringify(picks[0]!.items)}`);
    const snap = await waitForSnapshot('featureMaps', 'the maps of the picked model at pool1', (s) => s.meta.modelName === 'mnist-cnn' && s.meta.layerId === 'pool1', 60_000);
    assert.equal(snap.meta.layerSelect, 'pool1');
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
  });
});

/** Opens `image` in VS Code's image preview, runs Show Feature Maps with no argument, and waits for its maps. */
async function mapsOfPreviewedImage(image: string) {
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(image), 'imagePreview.previewEditor');
  await waitFor('the image preview tab', () => {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    return input instanceof vscode.TabInputCustom && input.uri.fsPath === image;
  }, 10_000);
  // The palette asks model (only when several are listed) and layer.
  const lens = await api();
  const { models } = await lens.layersViewLabels();
  lens.answerQuickPicks(models.length > 1 ? ['mnist-cnn', 'conv1'] : ['conv1']);
  try {
    await vscode.commands.executeCommand('layerLens.showFeatureMaps');
  } finally {
    lens.answerQuickPicks(undefined);
  }
  return waitForSnapshot('featureMaps', `the maps of ${path.basename(image)}`, (s) => s.meta.imageName === path.basename(image) && typeof s.meta.layerId === 'string', 60_000);
}
