// The grid panels' cells by keyboard (Feature Maps, Kernels, Top Images), in the real webview code on the browser
// of panelAccess.test.ts (this module registers its tests there: each Chromium start costs npm test seconds):
// one Tab stop per grid, the arrows and Home/End move the focus, Enter or Space does what a click does and
// Shift+Enter what a double-click does (the unit page), each cell named from the accessibility tree.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPanel, type PanelPage, type Posted } from '../webviewBridge/panelPage';
import { SCENES } from './panelScenes';
import { applyThemeScript, DARK } from './themes';

interface Focused {
  index: number | null;
  role: string | null;
  name: string | null;
  outline: string;
}

const FOCUSED = `(() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return { index: el.dataset && el.dataset.index !== undefined ? Number(el.dataset.index) : null, role: el.getAttribute('role'),
    name: el.getAttribute('aria-label'), outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor };
})()`;

const focused = (panel: PanelPage): Promise<Focused> => panel.page.evaluate(FOCUSED) as Promise<Focused>;

async function press(panel: PanelPage, key: string): Promise<Focused> {
  await panel.page.keyboard.press(key);
  return focused(panel);
}

const frames = (panel: PanelPage): Promise<unknown> => panel.page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
const rowLength = (panel: PanelPage, grid: string): Promise<number> =>
  panel.page.evaluate(`document.querySelector('#${grid} [role="row"]').children.length`) as Promise<number>;
const tabStops = (panel: PanelPage, grid: string): Promise<number> => panel.page.evaluate(`document.querySelectorAll('#${grid} [tabindex="0"]').length`) as Promise<number>;
const postedOf = async (panel: PanelPage, type: string): Promise<Posted[]> => (await panel.posted()).filter((p) => p.type === type);

/** Presses `key` and returns the first message of `type` posted after it. */
async function postsAfter(panel: PanelPage, key: string, type: string): Promise<Posted> {
  const before = (await postedOf(panel, type)).length;
  await panel.page.keyboard.press(key);
  await panel.page.waitForFunction(`window.fakeHost.posted.filter((p) => p.type === '${type}').length > ${before}`);
  return (await postedOf(panel, type))[before]!;
}

/**
 * The moves every grid shares, from its first cell: Left stays, Right, Down a row, End and Home of the row, Up,
 * Ctrl+End to the last cell, Ctrl+Home back; one Tab stop throughout; Tab leaves and Shift+Tab comes back.
 */
async function checkMoves(panel: PanelPage, grid: string, count: number): Promise<void> {
  const c = await rowLength(panel, grid);
  assert.ok(c >= 2 && c < count, `${c} cells in the first row of ${count}`);
  assert.equal((await press(panel, 'ArrowLeft')).index, 0, 'Left at the first cell stays there');
  assert.equal((await press(panel, 'ArrowRight')).index, 1);
  assert.equal((await press(panel, 'ArrowDown')).index, 1 + c);
  assert.equal((await press(panel, 'End')).index, 2 * c - 1, 'End: the end of the row');
  assert.equal((await press(panel, 'Home')).index, c, 'Home: the start of the row');
  assert.equal((await press(panel, 'ArrowUp')).index, 0);
  const last = await press(panel, 'Control+End');
  assert.deepEqual([last.role, last.index], ['gridcell', count - 1]);
  assert.equal((await press(panel, 'ArrowRight')).index, count - 1, 'Right at the last cell stays there');
  assert.equal((await press(panel, 'Control+Home')).index, 0);
  assert.equal((await press(panel, 'ArrowRight')).index, 1);
  assert.equal(await tabStops(panel, grid), 1, 'exactly one cell is in the Tab order');
  assert.notEqual((await press(panel, 'Tab')).role, 'gridcell', 'Tab stayed inside the grid');
  assert.equal((await press(panel, 'Shift+Tab')).index, 1, 'Shift+Tab did not come back to the cell left');
}

/** A user's mouse click at the centre of cell `index` (the cells let it through to the canvas under them). */
async function clickCell(panel: PanelPage, grid: string, index: number): Promise<void> {
  const box = await panel.page.locator(`#${grid} [data-index="${index}"]`).boundingBox();
  assert.ok(box, `no cell ${index} in #${grid}`);
  await panel.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

describe('grid panels by keyboard', () => {
  let maps: PanelPage;
  let kernels: PanelPage;
  let topk: PanelPage;

  before(async () => {
    const open = async (name: 'featureMaps' | 'kernels' | 'topk'): Promise<PanelPage> => {
      const panel = await openPanel(name);
      await panel.page.evaluate(applyThemeScript(DARK));
      await SCENES[name](panel);
      return panel;
    };
    // The first starts the browser; the other two load beside each other on it (bundling and loading overlap).
    maps = await open('featureMaps');
    [kernels, topk] = await Promise.all([open('kernels'), open('topk')]);
  });

  after(async () => {
    for (const p of [maps, kernels, topk]) await p?.close();
  });

  // The scene: layer1.0.conv1, 32 channels, channel c's max c / 4.
  test('Feature Maps: one Tab stop over the maps, named cells, arrows and Home/End move the focus, shown in the theme colour', async () => {
    await frames(maps);
    assert.equal(await tabStops(maps, 'mapTiles'), 1);
    assert.equal(await maps.page.getByRole('grid', { name: 'layer1.0.conv1: 32 channel maps. Enter shows a map over the image, Shift+Enter opens its unit page', exact: true }).count(), 1);
    await maps.page.focus('#mapTiles [tabindex="0"]');
    const first = await focused(maps);
    assert.deepEqual([first.role, first.index], ['gridcell', 0]);
    assert.equal(first.outline, 'solid 2px rgb(0, 120, 212)', "the focus ring is 2 px of the theme's focusBorder");
    assert.equal(await maps.page.getByRole('gridcell', { name: 'layer1.0.conv1 channel 0, max 0', exact: true }).count(), 1);
    assert.equal(await maps.page.getByRole('gridcell', { name: 'layer1.0.conv1 channel 5, max 1.25', exact: true }).count(), 1);
    await checkMoves(maps, 'mapTiles', 32);
    // The hover line shows the focused map's numbers, as under the mouse.
    assert.match((await maps.page.textContent('#hover')) ?? '', /^channel 1 — min 0\.0000, max 0\.2500, mean 0\.1250, zeros 30\.0%$/);
    // A click on a map (through the cells, to the canvas) makes it the cell Tab comes back to.
    await clickCell(maps, 'mapTiles', 5);
    assert.equal(await maps.page.getAttribute('#mapTiles [tabindex="0"]', 'data-index'), '5');
    // Jump to a channel: the map jumped to is the cell Tab reaches.
    await maps.page.evaluate(`(() => { const el = document.getElementById('jump'); el.value = '17'; el.dispatchEvent(new Event('change')); })()`);
    assert.equal(await maps.page.getAttribute('#mapTiles [tabindex="0"]', 'aria-label'), 'layer1.0.conv1 channel 17, max 4.25');
    // The canvas says nothing to a screen reader: its cells speak for it.
    assert.equal(await maps.page.getAttribute('#grid', 'aria-hidden'), 'true');
    assert.deepEqual(maps.errors, []);
  });

  test('Feature Maps: Enter and Space show the focused map over the image, Shift+Enter opens its unit page; sorted, the cells follow the view order', async () => {
    await maps.page.focus('#mapTiles [tabindex="0"]');
    await maps.page.keyboard.press('Control+Home');
    await maps.page.keyboard.press('ArrowRight');
    await maps.page.keyboard.press('ArrowRight');
    let state = await postsAfter(maps, 'Enter', 'setState');
    assert.equal((state.state as { channel: number }).channel, 2);
    assert.equal(await maps.page.evaluate(`document.getElementById('detail').hidden`), false, 'the map over the image did not open');
    await maps.page.keyboard.press('ArrowRight');
    state = await postsAfter(maps, ' ', 'setState');
    assert.equal((state.state as { channel: number }).channel, 3);
    const open = await postsAfter(maps, 'Shift+Enter', 'openUnit');
    assert.deepEqual({ layerId: open.layerId, unit: open.unit }, { layerId: 'layer1.0.conv1', unit: 3 });
    state = await postsAfter(maps, 'Escape', 'setState');
    assert.equal((state.state as { channel: number }).channel, -1);
    assert.equal(await maps.page.evaluate(`document.getElementById('detail').hidden`), true, 'Escape did not close the map over the image');
    assert.equal((await focused(maps)).index, 3, 'Escape took the focus away from the grid');

    // Sorted by max, largest first: the first cell is channel 31, and Enter opens that one.
    await maps.page.evaluate(`(() => { const el = document.getElementById('sort'); el.value = 'max'; el.dispatchEvent(new Event('change')); })()`);
    await frames(maps);
    await maps.page.focus('#mapTiles [tabindex="0"]');
    await maps.page.keyboard.press('Control+Home');
    assert.equal((await focused(maps)).name, 'layer1.0.conv1 channel 31, max 7.75');
    const unit = await postsAfter(maps, 'Shift+Enter', 'openUnit');
    assert.equal(unit.unit, 31);
    assert.deepEqual(maps.errors, []);
  });

  // The scene: layer1.0.conv1, 64 filters of 7 × 7 in RGB tiles; sorted by L2, filter 63 comes first.
  test('Kernels: one Tab stop over the filters, named cells, arrows and Home/End move the focus, shown in the theme colour', async () => {
    await frames(kernels);
    assert.equal(await tabStops(kernels, 'kernelTiles'), 1);
    assert.equal(await kernels.page.getByRole('grid', { name: 'layer1.0.conv1: 64 filters. Enter zooms a filter, Shift+Enter opens its unit page', exact: true }).count(), 1);
    await kernels.page.focus('#kernelTiles [tabindex="0"]');
    const first = await focused(kernels);
    assert.deepEqual([first.role, first.index, first.name], ['gridcell', 0, 'layer1.0.conv1 filter 0']);
    assert.equal(first.outline, 'solid 2px rgb(0, 120, 212)', "the focus ring is 2 px of the theme's focusBorder");
    assert.equal(await kernels.page.getByRole('gridcell', { name: 'layer1.0.conv1 filter 4', exact: true }).count(), 1);
    await checkMoves(kernels, 'kernelTiles', 64);
    assert.match((await kernels.page.textContent('#hover')) ?? '', /^filter 1 — min -0\.1000, max 0\.1000, mean 0\.0000, L2 0\.1000$/);
    await clickCell(kernels, 'kernelTiles', 3);
    assert.equal(await kernels.page.getAttribute('#kernelTiles [tabindex="0"]', 'data-index'), '3', 'a click did not make its filter the Tab stop');
    assert.match((await kernels.page.textContent('#detail p')) ?? '', /^filter 3 — /);
    assert.deepEqual(kernels.errors, []);
  });

  test('Kernels: Enter and Space zoom the focused filter, Shift+Enter opens its unit page; sorted by L2, the cells follow the view order', async () => {
    await kernels.page.focus('#kernelTiles [tabindex="0"]');
    await kernels.page.keyboard.press('Control+Home');
    await kernels.page.keyboard.press('ArrowRight');
    await kernels.page.keyboard.press('ArrowRight');
    await kernels.page.keyboard.press('Enter');
    assert.equal(await kernels.page.evaluate(`document.getElementById('detail').hidden`), false, 'Enter did not zoom the filter');
    assert.match((await kernels.page.textContent('#detail p')) ?? '', /^filter 2 — /);
    await kernels.page.keyboard.press('ArrowDown');
    const c = await rowLength(kernels, 'kernelTiles');
    await kernels.page.keyboard.press(' ');
    assert.match((await kernels.page.textContent('#detail p')) ?? '', new RegExp(`^filter ${2 + c} — `));
    assert.equal((await focused(kernels)).index, 2 + c, 'zooming took the focus away from the grid');
    const open = await postsAfter(kernels, 'Shift+Enter', 'openUnit');
    assert.deepEqual({ layerId: open.layerId, unit: open.unit }, { layerId: 'layer1.0.conv1', unit: 2 + c });
    await kernels.page.keyboard.press('Escape');
    assert.equal(await kernels.page.evaluate(`document.getElementById('detail').hidden`), true, 'Escape did not close the zoomed filter');
    assert.equal((await focused(kernels)).index, 2 + c, 'Escape took the focus away from the grid');

    await kernels.page.evaluate(`(() => { const el = document.getElementById('sort'); el.checked = true; el.dispatchEvent(new Event('change')); })()`);
    await frames(kernels);
    await kernels.page.focus('#kernelTiles [tabindex="0"]');
    await kernels.page.keyboard.press('Control+Home');
    assert.equal((await focused(kernels)).name, 'layer1.0.conv1 filter 63');
    assert.equal((await postsAfter(kernels, 'Shift+Enter', 'openUnit')).unit, 63);
    assert.deepEqual(kernels.errors, []);
  });

  test('Kernels with a row of 64 input channels per filter: 4096 cells, only those in view are elements; Ctrl+End reaches the last, Page Down a screenful, the focus stays through a zoom', async () => {
    const filters = 64;
    const side = 3;
    const count = filters * filters;
    const ramp = Float32Array.from({ length: filters }, (_, i) => i / 10);
    await kernels.send({
      type: 'kernels',
      result: {
        layerId: 'layer1.0.conv2', kernelShape: [side, side, filters, filters], mode: 'perChannel', count, tilesPerFilter: filters, tileWidth: side, tileHeight: side,
        tiles: new Uint8ClampedArray(count * side * side * 4).fill(128),
        stats: { min: ramp.map((v) => -v), max: ramp, mean: new Float32Array(filters), l2: ramp },
        orderByL2: Int32Array.from({ length: filters }, (_, i) => filters - 1 - i),
      },
    });
    await kernels.page.evaluate(`(() => { const el = document.getElementById('sort'); el.checked = false; el.dispatchEvent(new Event('change')); })()`);
    await frames(kernels);
    const elements = (): Promise<number> => kernels.page.evaluate(`document.querySelectorAll('#kernelTiles [role="gridcell"]').length`) as Promise<number>;
    assert.equal(await kernels.page.getAttribute('#kernelTiles', 'aria-rowcount'), '64');
    assert.equal(await kernels.page.getAttribute('#kernelTiles', 'aria-colcount'), '64');
    const made = await elements();
    assert.ok(made >= 64 && made < count / 4, `${made} cells made of ${count}`);
    await kernels.page.focus('#kernelTiles [tabindex="0"]');
    await kernels.page.keyboard.press('Control+Home');
    assert.equal((await focused(kernels)).name, 'layer1.0.conv2 filter 0, input channel 0');
    const pageRows = await kernels.page.evaluate(`Math.floor(document.getElementById('scroller').clientHeight / (document.activeElement.offsetHeight + 2))`) as number;
    assert.ok(pageRows >= 2, `${pageRows} rows in view`);
    assert.equal((await press(kernels, 'PageDown')).index, pageRows * filters, 'Page Down: a screenful of rows, same column');
    assert.equal((await press(kernels, 'PageUp')).index, 0);
    const last = await press(kernels, 'Control+End');
    assert.deepEqual([last.index, last.name], [count - 1, 'layer1.0.conv2 filter 63, input channel 63']);
    await frames(kernels);
    const view = await kernels.page.evaluate(`(() => {
      const s = document.getElementById('scroller').getBoundingClientRect();
      const t = document.activeElement.getBoundingClientRect();
      return t.top >= s.top - 0.5 && t.bottom <= s.bottom + 0.5 && t.left >= s.left - 0.5 && t.right <= s.right + 0.5;
    })()`);
    assert.equal(view, true, 'the last cell was not scrolled into view');
    assert.ok((await elements()) < count / 4, 'scrolling to the end made every cell');
    await kernels.page.keyboard.press('Enter');
    assert.match((await kernels.page.textContent('#detail p')) ?? '', /^filter 63, input channel 63 — /);
    assert.equal((await postsAfter(kernels, 'Shift+Enter', 'openUnit')).unit, 63);
    // Zoom in: every cell moves; the focused one keeps the focus.
    await kernels.page.evaluate(`document.getElementById('zoomIn').click()`);
    await frames(kernels);
    const after = await focused(kernels);
    assert.deepEqual([after.role, after.index], ['gridcell', count - 1], 'the zoom dropped the focus');
    assert.equal(await tabStops(kernels, 'kernelTiles'), 1);
    assert.deepEqual(kernels.errors, []);
  });

  // The scene: layer2.0.conv1, 12 channels, k = 5, channel c's rank r image files[(c + r) % 8] with value
  // (12 − c)(5 − r); channel 4 dead, so last. A row: the actmax cell, 5 images, 5 crops.
  const FOLDER = '/home/user/datasets/imagenette2-320/val/n02102040';
  test('Top Images: one Tab stop over the pictures, each cell named with its channel, rank, file and activation, arrows and Home/End move the focus', async () => {
    await frames(topk);
    assert.equal(await tabStops(topk, 'topkTiles'), 1);
    assert.equal(await topk.page.getByRole('grid', { name: "layer2.0.conv1: top 5 images of 12 channels, a row each. Enter opens the image's file, Alt+Enter its feature maps, Shift+Enter the channel's unit page", exact: true }).count(), 1);
    await topk.page.focus('#topkTiles [tabindex="0"]');
    const first = await focused(topk);
    assert.deepEqual([first.role, first.index, first.name], ['gridcell', 0, 'channel 0, no activation maximization picture yet: Enter runs it']);
    assert.equal(first.outline, 'solid 2px rgb(0, 120, 212)', "the focus ring is 2 px of the theme's focusBorder");
    assert.equal(await topk.page.getByRole('gridcell', { name: 'channel 0, rank 1, ILSVRC2012_val_0001000.JPEG, activation 60.000', exact: true }).count(), 1);
    assert.equal(await topk.page.getByRole('gridcell', { name: 'channel 1, rank 2 crop, ILSVRC2012_val_0001002.JPEG, activation 44.000', exact: true }).count(), 1);
    assert.equal(await rowLength(topk, 'topkTiles'), 11, 'a row: the actmax cell, 5 images, 5 crops');
    await checkMoves(topk, 'topkTiles', 12 * 11);
    assert.match((await topk.page.textContent('#hover')) ?? '', /^channel 0 · #1 · ILSVRC2012_val_0001000\.JPEG · max 60\.000 at \(3, 5\), mean 1\.000 · double-click: unit page$/);
    // The last row is the dead channel's (dead channels last).
    await topk.page.keyboard.press('Control+End');
    assert.equal((await focused(topk)).name, 'channel 4, rank 5 crop, dead channel: no image activates it');
    await topk.page.keyboard.press('Control+Home');
    await clickCell(topk, 'topkTiles', 7);
    assert.equal(await topk.page.getAttribute('#topkTiles [tabindex="0"]', 'data-index'), '7', 'a click did not make its picture the Tab stop');
    // The click opens its file once the double-click wait is over (channel 0's rank 2 crop): waited for here, so
    // that the next test's Enter is the only thing that posts.
    assert.equal((await topk.waitForPosted((p) => p.type === 'openFile', 'openFile after a click')).file, `${FOLDER}/ILSVRC2012_val_0001001.JPEG`);
    assert.deepEqual(topk.errors, []);
  });

  test('Top Images: Enter opens the focused image\'s file, Alt+Enter its feature maps, Shift+Enter the channel\'s unit page, Enter on an empty actmax cell runs it', async () => {
    await topk.page.focus('#topkTiles [tabindex="0"]');
    await topk.page.keyboard.press('Control+Home');
    assert.equal((await postsAfter(topk, 'Enter', 'runActmax')).channel, 0);
    await topk.page.keyboard.press('ArrowDown');
    await topk.page.keyboard.press('ArrowRight');
    await topk.page.keyboard.press('ArrowRight');
    assert.equal((await focused(topk)).name, 'channel 1, rank 2, ILSVRC2012_val_0001002.JPEG, activation 44.000');
    assert.equal((await postsAfter(topk, 'Enter', 'openFile')).file, `${FOLDER}/ILSVRC2012_val_0001002.JPEG`);
    assert.equal((await postsAfter(topk, ' ', 'openFile')).file, `${FOLDER}/ILSVRC2012_val_0001002.JPEG`);
    assert.equal((await postsAfter(topk, 'Alt+Enter', 'showFeatureMaps')).file, `${FOLDER}/ILSVRC2012_val_0001002.JPEG`);
    const open = await postsAfter(topk, 'Shift+Enter', 'openUnit');
    assert.deepEqual({ layerId: open.layerId, unit: open.unit }, { layerId: 'layer2.0.conv1', unit: 1 });
    assert.equal((await focused(topk)).index, 13, 'the focus left the cell');
    assert.deepEqual(topk.errors, []);
  });

  test('Top Images: an actmax picture that arrives renames its cell in place; the focused cell stays the same element, focused', async () => {
    await topk.page.focus('#topkTiles [tabindex="0"]');
    await topk.page.keyboard.press('Control+Home');
    assert.equal((await focused(topk)).name, 'channel 0, no activation maximization picture yet: Enter runs it');
    await topk.page.evaluate(`document.activeElement.dataset.mark = 'before'`);
    const side = 16;
    await topk.send({ type: 'actmax', images: [{ channel: 0, width: side, height: side, rgba: new Uint8ClampedArray(side * side * 4).fill(180) }] });
    await frames(topk);
    const now = await topk.page.evaluate(`({ mark: document.activeElement.dataset.mark ?? null, name: document.activeElement.getAttribute('aria-label') })`);
    assert.deepEqual(now, { mark: 'before', name: 'channel 0, activation maximization picture' });
    assert.deepEqual(topk.errors, []);
  });
});
