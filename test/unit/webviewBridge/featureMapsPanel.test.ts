// The feature maps panel's real webview code in Chromium with a fake host: init into the header, a summary and a
// layer into the grid, a double-click on a map (testOpenUnit, by position in the sorted view) posting openUnit
// with that channel, and an error after 'clear' leaving nothing stale beside the status line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, openPanel, type PanelPage, type Posted } from './panelPage';

let panel: PanelPage;

before(async () => {
  panel = await openPanel('featureMaps');
});

after(async () => {
  await panel?.close();
  await closeBrowser();
});

const state = {
  modelPath: '/models/mnist_cnn.onnx', modelName: 'mnist_cnn', imagePath: '/images/seven.png', imageName: 'seven.png',
  layerId: '', colormap: 'gray', sort: 'max', normalize: 'channel', opacity: 0.6, channel: -1,
};
// Sorted by max, largest first: channel 1, then 2, then 0.
const stats = { min: Float32Array.of(0, 0, 0), max: Float32Array.of(1, 3, 2), mean: Float32Array.of(0.5, 1.5, 1), zeroFraction: Float32Array.of(0, 0, 0) };
const summary = {
  modelName: 'mnist_cnn', imageName: 'seven.png', input: { width: 4, height: 4, rgba: new Uint8ClampedArray(64).fill(200) },
  imageWidth: 4, imageHeight: 4, nativeLayout: 'NCHW', predictions: [], forwardMs: 3,
  layers: [{ id: 'conv1', kind: 'conv', shape: [1, 4, 4, 3], height: 4, width: 4, channels: 3, stats }],
};
const layerValues = { layerId: 'conv1', height: 4, width: 4, channels: 3, data: Float32Array.from({ length: 48 }, (_, i) => (i % 3) * (i / 48)) };

async function snapshot(requestId: number): Promise<Posted> {
  await panel.send({ type: 'requestSnapshot', requestId });
  return panel.waitForPosted((p) => p.type === 'snapshot' && p.requestId === requestId, `snapshot ${requestId}`);
}

const text = (selector: string): Promise<string> => panel.page.evaluate(`document.querySelector(${JSON.stringify(selector)})?.textContent ?? ''`);

test('ready first; init names model, image and backend; the summary asks for the first layer with maps', async () => {
  assert.deepEqual((await panel.posted()).map((p) => p.type), ['ready']);
  await panel.send({ type: 'init', state, backend: 'cpu' });
  assert.equal(await text('#crumbs'), 'mnist_cnn › seven.png › …');
  assert.equal(await text('#backend'), 'cpu');
  await panel.send({ type: 'summary', result: summary });
  const ask = await panel.waitForPosted((p) => p.type === 'requestLayer', 'requestLayer');
  assert.equal(ask.layerId, 'conv1');
  assert.equal(await text('#crumbs'), 'mnist_cnn › seven.png › conv1');
});

test('a layer fills the grid; the hover hint names the unit page; testOpenUnit opens the channel at that position', async () => {
  await panel.send({ type: 'layer', result: layerValues });
  const snap = await snapshot(1);
  const meta = snap.meta as Record<string, number | string>;
  assert.equal(meta.layerId, 'conv1');
  assert.equal(meta.channels, 3);
  assert.equal(meta.sort, 'max');
  assert.equal(meta.inputShown, 1);
  assert.match(await text('#hover'), /double-click: unit page/);
  await panel.send({ type: 'testOpenUnit', index: 0 });
  await panel.send({ type: 'testOpenUnit', index: 2 });
  await panel.page.waitForFunction('window.fakeHost.posted.filter((p) => p.type === "openUnit").length === 2');
  const opens = (await panel.posted()).filter((p) => p.type === 'openUnit');
  const modelPath = '/models/mnist_cnn.onnx';
  assert.deepEqual(opens, [{ type: 'openUnit', layerId: 'conv1', unit: 1, modelPath }, { type: 'openUnit', layerId: 'conv1', unit: 0, modelPath }]);
});

test('an error after clear shows on the status line with no stale thumbnail or maps', async () => {
  await panel.send({ type: 'clear' });
  await panel.send({ type: 'error', message: 'notes.txt is not an image.' });
  assert.equal(await text('#status'), 'notes.txt is not an image.');
  const meta = (await snapshot(2)).meta as Record<string, number | string>;
  assert.equal(meta.inputShown, 0);
  assert.equal(meta.top5Shown, 0);
  assert.equal(meta.layerId, undefined, 'no maps are described');
  // No tile to double-click: nothing is posted.
  await panel.send({ type: 'testOpenUnit', index: 0 });
  assert.equal((await panel.posted()).filter((p) => p.type === 'openUnit').length, 2);
  assert.deepEqual(panel.errors, []);
});

test('a summary that brings its first layer\'s values draws that layer without asking the host for it', async () => {
  const asked = (await panel.posted()).filter((p) => p.type === 'requestLayer').length;
  await panel.send({ type: 'summary', result: { ...summary, firstLayer: layerValues } });
  const meta = (await snapshot(3)).meta as Record<string, number | string>;
  assert.equal(meta.layerId, 'conv1');
  assert.equal(meta.channels, 3);
  assert.equal((await panel.posted()).filter((p) => p.type === 'requestLayer').length, asked, 'no requestLayer for the layer that came with the pass');
  await panel.send({ type: 'testOpenUnit', index: 1 });
  await panel.waitForPosted((p) => p.type === 'openUnit' && p.unit === 2, 'openUnit of channel 2 (second by max)');
});
