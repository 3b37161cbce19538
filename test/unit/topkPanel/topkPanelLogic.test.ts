// Pure logic of the Top Images panel: row order, row layout and hit-testing, payload checks, progress increments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopkProgressTracker } from '../../../src/host/topk/progressReport';
import type { TopkEntry } from '../../../src/shared/topk';
import type { TopkFindResult } from '../../../src/shared/topkProtocol';
import { etaText, listingLine, rankingLine } from '../../../src/core/topk/progressText';
import { channelOrder, deadCount, describeDead, describeEntry, formatValue, isDead, relativeTo } from '../../../webview/src/topk/channelOrder';
import { normalizeRun } from '../../../webview/src/topk/payload';
import { fitBox, fittedTile, hitTest, layoutRows, MIN_TILE, scrollToRow, slotX, tileSide, visibleRows } from '../../../webview/src/topk/rowLayout';

const e = (value: number, file = '/data/a.png'): TopkEntry => ({ file, value, mean: value / 2, x: 1, y: 2, box: { x: 0, y: 0, width: 5, height: 5 } });

test('channelOrder: index order, or best value descending with ties by index; dead channels last either way', () => {
  const top = [[e(1)], [e(3)], [], [e(3)], [e(-2)], [e(0), e(0)], [e(0.5)]];
  assert.deepEqual(Array.from(channelOrder(top, 'index')), [0, 1, 3, 6, 2, 4, 5]);
  assert.deepEqual(Array.from(channelOrder(top, 'top')), [1, 3, 0, 6, 2, 4, 5]);
});

test('dead channels: max activation 0 (or none) over the folder; counted, and described instead of k fake top images', () => {
  assert.equal(isDead([e(0), e(0)]), true);
  assert.equal(isDead([]), true);
  assert.equal(isDead([e(-0.25)]), true);
  assert.equal(isDead([e(1e-6)]), false);
  assert.equal(deadCount([[e(0)], [e(2)], []]), 2);
  assert.equal(describeDead(7, [e(0)], 60), 'channel 7 · dead: max activation 0.000 over all 60 images');
});

test('progress words: a count while listing, then ranking with an ETA', () => {
  assert.equal(listingLine(1234), 'listing… 1,234 files');
  assert.equal(rankingLine(300, 2000, 2000), 'ranking 300 / 2,000 · ETA 12 s');
  assert.equal(rankingLine(2000, 2000, 9000), 'ranking 2,000 / 2,000');
  assert.equal(rankingLine(0, 2000, 0), 'ranking 0 / 2,000');
  assert.equal(etaText(10, 1000, 2000), '3 min 18 s');
});

test('the row fits the panel: tiles shrink to the width (never below MIN_TILE), and keep their natural size when there is room', () => {
  // MNIST, k = 9: natural 84 px tiles make a 1,700 px row.
  assert.equal(fittedTile(28, 9, 2000), 84);
  const tile = fittedTile(28, 9, 900);
  const l = layoutRows(32, 9, tile, true);
  assert.ok(l.width <= 900 && l.width > 900 - 19 - 4, `a ${l.width} px row for a 900 px panel (tile ${tile})`);
  assert.equal(fittedTile(224, 9, 300), MIN_TILE, 'too narrow: the smallest tile, and the grid scrolls');
  assert.equal(fittedTile(28, 9, 2000, 2), tileSide(28, 2), 'zoom still enlarges');
});

test('hover words: path relative to the folder, value, position, mean and crop size', () => {
  assert.equal(relativeTo('/data/', '/data/7/0001.png'), '7/0001.png');
  assert.equal(relativeTo('C:\\data', 'C:\\data\\x\\y.png'), 'x/y.png');
  assert.equal(relativeTo('/data', '/other/y.png'), '/other/y.png');
  assert.equal(formatValue(2.5), '2.500');
  assert.equal(formatValue(123456), '1.23e+5');
  assert.equal(describeEntry(4, 0, e(2.5, '/data/7/0001.png'), '/data', 'crop'), 'channel 4 · #1 · 7/0001.png · max 2.500 at (1, 2), mean 1.250 crop 5×5 px');
});

test('row layout: label, optional actmax tile, k images, split, k crops; hit-test finds tiles and the button', () => {
  assert.equal(tileSide(28), 84, 'MNIST 28 px × 3');
  assert.equal(tileSide(224), 72);
  assert.equal(tileSide(28, 2), 140);
  const l = layoutRows(32, 3, 84, false);
  assert.equal(l.rowHeight, 88);
  assert.equal(l.height, 32 * 88 - 4);
  assert.equal(slotX(l, 'thumb', 0), 64);
  assert.equal(slotX(l, 'thumb', 2), 64 + 2 * 88);
  assert.equal(slotX(l, 'crop', 0), 64 + 3 * 88 - 4 + 12);
  assert.equal(l.width, slotX(l, 'crop', 2) + 84);
  assert.deepEqual(hitTest(l, 70, 88 * 5 + 40), { row: 5, kind: 'thumb', rank: 0, onButton: false });
  assert.deepEqual(hitTest(l, slotX(l, 'crop', 1) + 84 - 3, 88 * 2 + 3), { row: 2, kind: 'crop', rank: 1, onButton: true });
  assert.equal(hitTest(l, 10, 10), undefined, 'the label');
  assert.equal(hitTest(l, 70, 86), undefined, 'the gap between rows');
  assert.equal(hitTest(l, 70, 88 * 32 + 1), undefined, 'below the last row');
  const withActmax = layoutRows(2, 3, 84, true);
  assert.equal(slotX(withActmax, 'thumb', 0), 64 + 84 + 12);
  assert.deepEqual(hitTest(withActmax, 70, 10), { row: 0, kind: 'actmax', rank: 0, onButton: false });
});

test('virtualization: only the rows in the viewport are drawn; scrolling reveals a row', () => {
  const l = layoutRows(512, 9, 72, false);
  assert.deepEqual(visibleRows(l, 0, 600), { first: 0, last: 8 });
  assert.deepEqual(visibleRows(l, 76 * 100 + 10, 600), { first: 100, last: 109 }, "row 108 is partly visible");
  assert.deepEqual(visibleRows(l, 76 * 511, 600), { first: 511, last: 512 });
  assert.deepEqual(visibleRows(layoutRows(0, 9, 72, false), 0, 600), { first: 0, last: 0 });
  assert.equal(scrollToRow(l, 200, 0, 600), 200 * 76 + 72 - 600);
  assert.equal(scrollToRow(l, 3, 1000, 600), 3 * 76);
  assert.equal(scrollToRow(l, 14, 1000, 600), 1000);
});

test('fitBox centres a box in a tile with its aspect', () => {
  assert.deepEqual(fitBox(28, 28, 84), { scale: 3, dx: 0, dy: 0, w: 84, h: 84 });
  assert.deepEqual(fitBox(10, 5, 80), { scale: 8, dx: 0, dy: 20, w: 80, h: 40 });
});

function run(): TopkFindResult {
  const top = [[e(2, '/d/a.png'), e(1, '/d/b.png')], [e(5, '/d/b.png')]];
  return {
    modelName: 'm',
    folder: '/d',
    result: { layerId: 'conv1', k: 2, channels: 2, top, grid: [4, 4], input: [2, 2], receptiveField: { rows: { stride: 1, start: 0, end: 0, length: 2 }, cols: { stride: 1, start: 0, end: 0, length: 2 }, size: [1, 1] }, imageCount: 2, skipped: [], batchSize: 2, ms: 1, fromCache: false },
    pictures: { files: ['/d/a.png', '/d/b.png'], thumbWidth: 2, thumbHeight: 2, thumbScale: 1, thumbs: new Uint8ClampedArray(2 * 2 * 2 * 4), thumbIndex: Int32Array.from([0, 1, 1, -1]), failed: [] },
  };
}

test('normalizeRun accepts typed arrays, converts other views, and rejects sizes that do not add up', () => {
  const ok = run();
  assert.equal(normalizeRun(ok)?.pictures.thumbs, ok.pictures.thumbs);
  const asUint8 = run();
  (asUint8.pictures as { thumbs: unknown }).thumbs = new Uint8Array(32).fill(9);
  const n = normalizeRun(asUint8)!;
  assert.ok(n.pictures.thumbs instanceof Uint8ClampedArray);
  assert.equal(n.pictures.thumbs[5], 9);
  const asList = run();
  (asList.pictures as { thumbIndex: unknown }).thumbIndex = [0, 1, 1, -1];
  assert.ok(normalizeRun(asList)!.pictures.thumbIndex instanceof Int32Array);
  const short = run();
  short.pictures.thumbs = new Uint8ClampedArray(31);
  assert.equal(normalizeRun(short), undefined);
  const badCrops = run();
  badCrops.pictures.crops = { side: 2, cropSize: new Int32Array(8), rgba: new Uint8ClampedArray(10) };
  assert.equal(normalizeRun(badCrops), undefined);
  assert.equal(normalizeRun({ type: 'x' }), undefined);
  assert.equal(normalizeRun(null), undefined);
});

test('progress: scoring fills 90 % of the bar, pictures the rest; increments never go negative and sum to 100', () => {
  const t = new TopkProgressTracker();
  const steps = [
    t.next({ done: 250, total: 1000, message: '250 of 1000 images, about 3 s left', phase: 'score' }),
    t.next({ done: 1000, total: 1000, message: '1000 of 1000 images', phase: 'score' }),
    t.next({ done: 1000, total: 1000, message: 'again', phase: 'score' }),
    t.next({ done: 10, total: 20, message: 'Preparing pictures: 10 of 20', phase: 'pictures' }),
    t.next({ done: 20, total: 20, message: 'Preparing pictures: 20 of 20', phase: 'pictures' }),
  ];
  assert.deepEqual(steps.map((s) => Math.round(s.increment * 10) / 10), [22.5, 67.5, 0, 5, 5]);
  assert.equal(steps[0]!.message, '250 of 1000 images, about 3 s left');
  assert.equal(t.percent, 100);
  assert.equal(new TopkProgressTracker().next({ done: 0, total: 0, message: '', phase: 'score' }).increment, 0);
  const listing = new TopkProgressTracker().next({ done: 1234, total: 1234, message: 'listing… 1,234 files', phase: 'list' });
  assert.deepEqual(listing, { message: 'listing… 1,234 files', increment: 0 }, 'listing moves no bar');
});
