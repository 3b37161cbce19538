// The Top Images panel's real webview code in headless Chromium behind a fake host (test/unit/webviewBridge's
// page): the handshake on mountPanel, a result with a dead channel (listed last, or in channel order once the
// toolbar toggle is clicked), real mouse clicks (one click opens the file; a double-click opens the unit page
// and not the file), testOpenUnit by view-order row, the input size row of a model without a fixed size, and the
// field and notice when the model's size is chosen in another panel (Run again sends the same search at it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, openPanel, type PanelPage, type Posted } from '../webviewBridge/panelPage';

let panel: PanelPage;

before(async () => {
  panel = await openPanel('topk');
});

after(async () => {
  await panel?.close();
  await closeBrowser();
});

const state = { modelPath: '/models/any/model.json', modelName: 'any', layerId: 'conv', folder: '/data/digits', k: 2, sort: 'index', deadLast: true };
const SIDE = 8;
const CHANNELS = 3;
/** Channel 1 is dead (its best value is 0): listed last unless the toggle says otherwise. */
const BEST = [2, 0, 5];

function result(inputSize?: { height: number; width: number; source: string }) {
  const files = ['/data/digits/a.png', '/data/digits/b.png'];
  const entry = (file: string, value: number) => ({ file, value, mean: value / 2, x: 1, y: 1, box: { x: 0, y: 0, width: 3, height: 3 } });
  const top = BEST.map((v) => [entry(files[0]!, v), entry(files[1]!, v / 2)]);
  const thumbs = new Uint8ClampedArray(files.length * SIDE * SIDE * 4).fill(200);
  return {
    modelName: 'any',
    folder: '/data/digits',
    result: {
      layerId: 'conv', k: 2, channels: CHANNELS, top, grid: [SIDE, SIDE], input: [SIDE, SIDE],
      receptiveField: { rows: { stride: 1, start: -1, end: 1, length: SIDE }, cols: { stride: 1, start: -1, end: 1, length: SIDE }, size: [3, 3] },
      imageCount: 2, skipped: [], batchSize: 2, ms: 120, fromCache: false,
    },
    pictures: { files, thumbWidth: SIDE, thumbHeight: SIDE, thumbScale: 1, thumbs, thumbIndex: Int32Array.of(0, 1, 0, 1, 0, 1), failed: [] },
    ...(inputSize ? { inputSize } : {}),
  };
}

let requestId = 0;
async function meta(): Promise<Record<string, number | string>> {
  const id = ++requestId;
  await panel.send({ type: 'requestSnapshot', requestId: id });
  return (await panel.waitForPosted((p) => p.type === 'snapshot' && p.requestId === id, `snapshot ${id}`)).meta as Record<string, number | string>;
}

/** The page point at the centre of a row's first thumbnail. */
async function firstThumb(row: number): Promise<{ x: number; y: number }> {
  const m = await meta();
  const box = await panel.page.evaluate(`(() => { const r = document.getElementById('scroller').getBoundingClientRect(); return { left: r.left, top: r.top }; })()`) as { left: number; top: number };
  const tile = m.tile as number;
  return { x: box.left + (m.labelWidth as number) + tile + (m.split as number) + tile / 2, y: box.top + row * (m.rowHeight as number) + tile / 2 };
}

const postedOf = async (type: string): Promise<Posted[]> => (await panel.posted()).filter((p) => p.type === type);

test('ready, then a result: the dead channel last by default, the summary says so, the hint names the double-click', async () => {
  assert.deepEqual((await panel.posted()).map((p) => p.type), ['ready']);
  await panel.send({ type: 'init', state, backend: 'wasm' });
  await panel.send({ type: 'result', result: result() });
  const m = await meta();
  assert.equal(m.order, '0,2,1');
  assert.equal(m.dead, 1);
  assert.match(String(m.summary), /1 dead \(max 0 over the folder, listed last\)/);
  assert.match(String(m.hint), /double-click: unit page/);
  assert.equal(m.sizeField, '', 'a model with a fixed size has no size field');
  assert.equal(await panel.page.evaluate(`document.getElementById('crumbs').textContent`), 'any › conv › digits');
  assert.deepEqual(panel.errors, []);
});

test('one real click on a thumbnail opens its file; a real double-click opens the unit page, not the file', async () => {
  const row1 = await firstThumb(1);
  await panel.page.mouse.click(row1.x, row1.y);
  const open = await panel.waitForPosted((p) => p.type === 'openFile', 'openFile');
  assert.deepEqual(open, { type: 'openFile', file: '/data/digits/a.png' });
  const row0 = await firstThumb(0);
  await panel.page.mouse.dblclick(row0.x, row0.y);
  const unit = await panel.waitForPosted((p) => p.type === 'openUnit', 'openUnit');
  assert.deepEqual(unit, { type: 'openUnit', layerId: 'conv', unit: 0, modelPath: state.modelPath });
  // The double-click's clicks are not a click: after the click's wait, still one openFile.
  await panel.page.waitForTimeout(500);
  assert.equal((await postedOf('openFile')).length, 1);
});

test('testOpenUnit double-clicks the row at that index in view order', async () => {
  await panel.send({ type: 'testOpenUnit', index: 2 });
  await panel.page.waitForFunction('window.fakeHost.posted.filter((p) => p.type === "openUnit").length === 2');
  assert.deepEqual((await postedOf('openUnit')).map((p) => p.unit), [0, 1], 'row 2 is the dead channel 1');
  await panel.send({ type: 'testOpenUnit', index: 3 });
  await panel.page.waitForTimeout(100);
  assert.equal((await postedOf('openUnit')).length, 2, 'an index past the last row posts nothing');
});

test('the toggle lists every channel in channel order, tells the host, and is saved with the state', async () => {
  await panel.send({ type: 'testAction', action: { kind: 'toggleDeadLast' } });
  await panel.waitForPosted((p) => p.type === 'setDeadLast', 'setDeadLast');
  assert.deepEqual((await postedOf('setDeadLast')).at(-1), { type: 'setDeadLast', deadLast: false });
  const m = await meta();
  assert.equal(m.order, '0,1,2');
  assert.equal(m.deadLast, 0);
  assert.match(String(m.summary), /in channel order/);
  const saved = await panel.page.evaluate('window.fakeHost.getState()') as { deadLast?: boolean };
  assert.equal(saved.deadLast, false);
});

test('a model without a fixed size: the size row shows the size and why; a size out of range is refused, one in range is sent', async () => {
  await panel.send({ type: 'result', result: result({ height: SIDE, width: SIDE, source: 'default' }) });
  let m = await meta();
  assert.equal(m.sizeField, '8×8');
  assert.equal(m.sizeNote, "Every image ran at 8 × 8 (H × W): Layer Lens's default — the model does not fix its input size.");
  await panel.send({ type: 'testAction', action: { kind: 'typeInputSize', text: '4×4' } });
  m = await meta();
  assert.equal(m.status, 'The input size must be whole pixels from 8 to 1024 on each side, not 4×4.');
  assert.deepEqual(await postedOf('setInputSize'), []);
  await panel.send({ type: 'testAction', action: { kind: 'typeInputSize', text: '40×56' } });
  const sent = await panel.waitForPosted((p) => p.type === 'setInputSize', 'setInputSize');
  assert.deepEqual(sent, { type: 'setInputSize', size: { height: 40, width: 56 } });
  assert.deepEqual(panel.errors, []);
});

test('a size chosen in another panel: the field shows it, a notice names both sizes, Run again sends it; nothing is sent before', async () => {
  await panel.send({ type: 'result', result: result({ height: SIDE, width: SIDE, source: 'chosen' }) });
  await panel.send({ type: 'modelSize', size: { height: SIDE, width: SIDE } });
  let m = await meta();
  assert.equal(m.sizeNotice, '', 'results at the model\'s size need no notice');
  const sentBefore = (await postedOf('setInputSize')).length;
  await panel.send({ type: 'modelSize', size: { height: 16, width: 24 } });
  m = await meta();
  assert.equal(m.sizeField, '16×24');
  assert.equal(m.sizeNotice, "These results are at 8 × 8; the model's size is now 16 × 24.");
  assert.equal(m.rows, CHANNELS, 'the results stay until run again');
  const button = await panel.page.evaluate(`(() => { const b = document.querySelector('#sizeNotice vscode-button'); return b ? b.textContent : null; })()`);
  assert.equal(button, 'Run again');
  assert.equal((await postedOf('setInputSize')).length, sentBefore, 'nothing runs by itself');
  await panel.send({ type: 'testAction', action: { kind: 'clickRunAgain' } });
  await panel.page.waitForFunction(`window.fakeHost.posted.filter((p) => p.type === 'setInputSize').length === ${sentBefore + 1}`);
  assert.deepEqual((await postedOf('setInputSize')).at(-1), { type: 'setInputSize', size: { height: 16, width: 24 } });
  // The result at the new size: the notice goes.
  await panel.send({ type: 'result', result: { ...result({ height: 16, width: 24, source: 'chosen' }) } });
  await panel.send({ type: 'modelSize', size: { height: 16, width: 24 } });
  m = await meta();
  assert.equal(m.sizeNotice, '');
  assert.equal(m.sizeField, '16×24');
  const saved = await panel.page.evaluate('window.fakeHost.getState()') as { inputSize?: unknown };
  assert.deepEqual(saved.inputSize, { height: 16, width: 24 }, 'the model\'s size is saved for a window reload');
  assert.deepEqual(panel.errors, []);
});
