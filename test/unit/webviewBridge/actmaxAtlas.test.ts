// The actmax panel's real webview code (a page panel on mountPanel, not a grid) in Chromium with a fake host:
// init, an atlas's cells, and a double-click on a cell (testOpenUnit) posting openUnit for that unit without
// starting a run in the live view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, openPanel, pixel, type PanelPage, type Posted } from './panelPage';

let panel: PanelPage;

before(async () => {
  panel = await openPanel('actmax');
});

after(async () => {
  await panel?.close();
  await closeBrowser();
});

const state = {
  modelPath: '/models/mnist_cnn.onnx', modelName: 'mnist_cnn', layerId: 'conv1', view: 'atlas',
  settings: { units: '0', objective: 'channel', preset: 'trial1-naive', seed: 0, regularizers: {}, frameEvery: 8 },
};
const solid = (rgb: number[]): Uint8ClampedArray => Uint8ClampedArray.from({ length: 16 * 16 * 4 }, (_, i) => (i % 4 === 3 ? 255 : rgb[i % 4]));

async function snapshot(requestId: number): Promise<Posted> {
  await panel.send({ type: 'requestSnapshot', requestId });
  return panel.waitForPosted((p) => p.type === 'snapshot' && p.requestId === requestId, `snapshot ${requestId}`);
}

test('ready, then init: the breadcrumb says all units of the layer, the backend is shown', async () => {
  assert.deepEqual((await panel.posted()).map((p) => p.type), ['ready']);
  await panel.send({ type: 'init', state, layers: [{ id: 'conv1', kind: 'conv', channels: 6 }], backend: 'webgl' });
  assert.equal(await panel.page.textContent('#crumbs'), 'mnist_cnn › conv1 › all units');
  assert.equal(await panel.page.textContent('#backend'), 'webgl');
  assert.equal(await panel.page.evaluate(`document.getElementById('atlasRoot').hidden`), false);
});

test('atlas cells are drawn; testOpenUnit double-clicks a cell: openUnit for that unit, no run', async () => {
  await panel.send({ type: 'atlasStarted', runId: 1, layerId: 'conv1', channels: 6, batch: 8 });
  const units = [0, 1, 2, 3, 4, 5];
  await panel.send({ type: 'atlasCells', runId: 1, units, images: units.map((u) => solid([u * 40, 90, 200])), width: 16, height: 16, objective: units.map(() => 1), cached: false, done: 6, total: 6 });
  await panel.send({ type: 'runEnded', runId: 1, status: 'done' });
  const snap = await snapshot(1);
  const meta = snap.meta as Record<string, number>;
  assert.equal(meta.done, 6);
  const pitch = meta.cellWidth + meta.gap;
  assert.deepEqual(pixel(snap, 4 * pitch + 3, 3), [160, 90, 200, 255], 'cell 4 shows unit 4');
  await panel.send({ type: 'testOpenUnit', index: 4 });
  const open = await panel.waitForPosted((p) => p.type === 'openUnit', 'openUnit');
  assert.deepEqual(open, { type: 'openUnit', layerId: 'conv1', unit: 4 });
  assert.equal((await panel.posted()).filter((p) => p.type === 'run').length, 0, 'a double-click opens the unit page only');
  // The hover title over a cell names the double-click.
  const box = (await panel.page.locator('#atlasGrid').boundingBox())!;
  await panel.page.mouse.move(box.x + pitch + 4, box.y + 4);
  assert.match((await panel.page.getAttribute('#atlasGrid', 'title')) ?? '', /^unit 1: .*double-click: unit page$/);
  assert.deepEqual(panel.errors, []);
});
