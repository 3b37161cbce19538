// The kernels panel's real webview code in Chromium with a fake host: the mountPanel skeleton's handshake
// (ready, init into the header, loading and error on the status line, snapshot), the tiles' pixels, and a
// double-click on a unit's tile (the test message testOpenUnit) posting openUnit with that filter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, openPanel, pixel, type PanelPage, type Posted } from './panelPage';

let panel: PanelPage;

before(async () => {
  panel = await openPanel('kernels');
});

after(async () => {
  await panel?.close();
  await closeBrowser();
});

const state = { modelPath: '/models/mnist_cnn.onnx', modelName: 'mnist_cnn', layerId: 'conv1', mode: 'auto', normalize: 'filter', sortByL2: false };
const layers = [{ id: 'conv1', label: 'conv1', kernelShape: [3, 3, 1, 4], kernelText: '4×1×3×3' }];

/** Filter f's tile is one colour: easy to find in the picture. */
const colour = (f: number): number[] => [40 + f * 60, 230 - f * 50, 90, 255];
/** 4 filters of 3 × 3 RGB tiles; by L2 norm the order is 2, 0, 3, 1. */
function kernelsResult() {
  const tiles = new Uint8ClampedArray(4 * 9 * 4);
  for (let f = 0; f < 4; f++) for (let p = 0; p < 9; p++) tiles.set(colour(f), (f * 9 + p) * 4);
  return {
    layerId: 'conv1', kernelShape: [3, 3, 1, 4], mode: 'rgb', count: 4, tilesPerFilter: 1, tileWidth: 3, tileHeight: 3, tiles,
    stats: { min: Float32Array.of(-1, -2, -3, -4), max: Float32Array.of(1, 2, 3, 4), mean: Float32Array.of(0, 0, 0, 0), l2: Float32Array.of(2, 1, 3, 1.5) },
    orderByL2: Int32Array.of(2, 0, 3, 1),
  };
}

async function snapshot(requestId: number): Promise<Posted> {
  await panel.send({ type: 'requestSnapshot', requestId });
  return panel.waitForPosted((p) => p.type === 'snapshot' && p.requestId === requestId, `snapshot ${requestId}`);
}

const text = (selector: string): Promise<string> => panel.page.evaluate(`document.querySelector(${JSON.stringify(selector)})?.textContent ?? ''`);

test('the panel says ready before anything else, with no VS Code API on the page', async () => {
  const posted = await panel.posted();
  assert.deepEqual(posted.map((p) => p.type), ['ready']);
  assert.deepEqual(panel.errors, []);
});

test('what is not a typed message, or names no handler, is dropped without an error', async () => {
  for (const stray of ['hello', 42, null, { kind: 'init' }, { type: 7 }, { type: 'constructor' }, { type: 'toString' }, { type: 'noSuchMessage' }]) await panel.send(stray);
  assert.deepEqual(panel.errors, []);
  assert.deepEqual((await panel.posted()).map((p) => p.type), ['ready']);
  assert.equal(await text('#crumbs'), '', 'no init was taken from a message without a string type');
});

test('init fills the breadcrumb and the backend; loading and error land on the status line', async () => {
  await panel.send({ type: 'init', state, layers, backend: 'wasm' });
  assert.equal(await text('#crumbs'), 'mnist_cnn › conv1');
  assert.equal(await text('#backend'), 'wasm');
  await panel.send({ type: 'loading', message: 'Reading conv1…' });
  assert.equal((await text('#status')).trim(), 'Reading conv1…');
  assert.equal(await panel.page.evaluate(`document.getElementById('status').className`), 'status loading');
  await panel.send({ type: 'error', message: 'conv1 has no kernel.' });
  assert.equal(await text('#status'), 'conv1 has no kernel.');
  assert.equal(await panel.page.evaluate(`document.getElementById('status').className`), 'status error');
});

test('a kernels result is drawn tile by tile; the snapshot carries its pixels and layout', async () => {
  await panel.send({ type: 'kernels', result: kernelsResult() });
  assert.equal(await panel.page.evaluate(`document.getElementById('status').hidden`), true, 'the result clears the status line');
  assert.match(await text('#hover'), /double-click: unit page/);
  const snap = await snapshot(7);
  const meta = snap.meta as Record<string, number | string>;
  assert.equal(meta.count, 4);
  assert.equal(meta.layerId, 'conv1');
  const cell = (meta.tileWidth as number) * (meta.scale as number);
  const gap = meta.gap as number;
  assert.equal(meta.cols, 4, 'four 63 px tiles fit one row of a 1000 px page');
  // The lower right part of each cell (the number plate sits top left): filter f's colour, in index order.
  for (let f = 0; f < 4; f++) assert.deepEqual(pixel(snap, f * (cell + gap) + cell - 4, cell - 4), colour(f), `filter ${f}`);
  assert.equal(snap.width, 4 * cell + 3 * gap);
});

test('testOpenUnit double-clicks the tile at that index: openUnit names the layer and the filter', async () => {
  await panel.send({ type: 'testOpenUnit', index: 1 });
  const open = await panel.waitForPosted((p) => p.type === 'openUnit', 'openUnit');
  assert.deepEqual(open, { type: 'openUnit', layerId: 'conv1', unit: 1, modelPath: state.modelPath });
});

test('sorted by L2 norm, the index is a position in view order, not a filter number', async () => {
  await panel.send({ type: 'init', state: { ...state, sortByL2: true }, layers, backend: 'wasm' });
  await panel.send({ type: 'kernels', result: kernelsResult() });
  const snap = await snapshot(8);
  const cell = 63;
  assert.deepEqual(pixel(snap, cell - 4, cell - 4), colour(2), 'the largest filter (2) comes first');
  await panel.send({ type: 'testOpenUnit', index: 0 });
  await panel.send({ type: 'testOpenUnit', index: 3 });
  await panel.waitForPosted((p) => p.type === 'openUnit' && p.unit === 2, 'openUnit of filter 2');
  await panel.page.waitForFunction('window.fakeHost.posted.filter((p) => p.type === "openUnit").length === 3');
  const opens = (await panel.posted()).filter((p) => p.type === 'openUnit').map((p) => p.unit);
  assert.deepEqual(opens, [1, 2, 1]);
  // An index past the last tile posts nothing.
  await panel.send({ type: 'testOpenUnit', index: 4 });
  assert.equal((await panel.posted()).filter((p) => p.type === 'openUnit').length, 3);
  assert.deepEqual(panel.errors, []);
});

test('a tile double-clicked after the host turned to another model, before its kernels came, names the model it was drawn for', async () => {
  const other = { ...state, modelPath: '/models/other/model.json', modelName: 'other' };
  await panel.send({ type: 'init', state: other, layers, backend: 'wasm' });
  const before = (await panel.posted()).filter((p) => p.type === 'openUnit').length;
  await panel.send({ type: 'testOpenUnit', index: 2 });
  await panel.page.waitForFunction(`window.fakeHost.posted.filter((p) => p.type === "openUnit").length === ${before + 1}`);
  const open = (await panel.posted()).filter((p) => p.type === 'openUnit').at(-1);
  assert.equal(open?.modelPath, state.modelPath, `the tile of the model drawn: ${JSON.stringify(open)}`);
  assert.equal(open?.layerId, 'conv1');
  // Once its kernels are drawn, the tiles are the other model's.
  await panel.send({ type: 'kernels', result: kernelsResult() });
  await panel.send({ type: 'testOpenUnit', index: 0 });
  await panel.page.waitForFunction(`window.fakeHost.posted.filter((p) => p.type === "openUnit").length === ${before + 2}`);
  assert.equal((await panel.posted()).filter((p) => p.type === 'openUnit').at(-1)?.modelPath, other.modelPath);
  await panel.send({ type: 'init', state, layers, backend: 'wasm' });
  await panel.send({ type: 'kernels', result: kernelsResult() });
});
