import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from 'fast-png';
import { kernelTiles } from '../../../src/core/kernels/kernelTiles';
import { composeKernelGrid } from '../../../src/core/kernels/kernelGrid';
import { encodePng } from '../../../src/core/image/encodePng';

/** HWIO array from w(y, x, c, f). */
function hwio(shape: [number, number, number, number], w: (y: number, x: number, c: number, f: number) => number): Float32Array {
  const [kh, kw, ci, co] = shape;
  const out = new Float32Array(kh * kw * ci * co);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let c = 0; c < ci; c++) for (let f = 0; f < co; f++) out[((y * kw + x) * ci + c) * co + f] = w(y, x, c, f);
  return out;
}

/** RGBA of pixel (y, x) of tile t. */
function px(tiles: Uint8ClampedArray, t: number, w: number, h: number, y: number, x: number): number[] {
  const o = (t * w * h + y * w + x) * 4;
  return Array.from(tiles.subarray(o, o + 4));
}

// RGB: filter 0 = y·2 + x + 4c (0..11), filter 1 = −(y·2 + x + 4c) (−11..0).
const RGB_SHAPE: [number, number, number, number] = [2, 2, 3, 2];
const RGB = hwio(RGB_SHAPE, (y, x, c, f) => (f === 0 ? 1 : -1) * (y * 2 + x + 4 * c));

test('3 input channels are drawn as RGB tiles, min-max per filter', () => {
  const r = kernelTiles(RGB, RGB_SHAPE, { mode: 'auto', normalize: 'filter' });
  assert.equal(r.mode, 'rgb');
  assert.equal(r.count, 2);
  assert.equal(r.tilesPerFilter, 1);
  assert.equal(r.tileWidth, 2);
  assert.equal(r.tileHeight, 2);
  // Filter 0, pixel (0,0): channels 0, 4, 8 over range 0..11.
  assert.deepEqual(px(r.tiles, 0, 2, 2, 0, 0), [0, 93, 185, 255]);
  assert.deepEqual(px(r.tiles, 0, 2, 2, 1, 1), [70, 162, 255, 255]);
  // Filter 1 is the negative: its (1,1) pixel holds the smallest values, scaled on its own range −11..0.
  assert.deepEqual(px(r.tiles, 1, 2, 2, 0, 0), [255, 162, 70, 255]);
  assert.deepEqual(px(r.tiles, 1, 2, 2, 1, 1), [185, 93, 0, 255]);
});

test('RGB tiles with one scale for the whole layer', () => {
  const r = kernelTiles(RGB, RGB_SHAPE, { mode: 'rgb', normalize: 'layer' });
  // Range −11..11: v → round(255·(v + 11)/22).
  assert.deepEqual(px(r.tiles, 0, 2, 2, 0, 0), [128, 174, 220, 255]);
  assert.deepEqual(px(r.tiles, 1, 2, 2, 1, 1), [93, 46, 0, 255]);
});

// Grey: 1×2 kernels, 2 input channels, 3 filters.
const G_SHAPE: [number, number, number, number] = [1, 2, 2, 3];
const G_VALUES = [
  [[1, -2], [0.5, 4]], // filter 0: [channel][x]
  [[-3, 0], [-1, 0]], // filter 1
  [[5, 5], [5, 5]], // filter 2
];
const GREY = hwio(G_SHAPE, (_y, x, c, f) => G_VALUES[f]![c]![x]!);
const grey = (v: number, scale: number): number => Math.round(127.5 + (127.5 * v) / scale);

test('perChannel draws a tile per input channel, symmetric around zero per filter', () => {
  const r = kernelTiles(GREY, G_SHAPE, { mode: 'perChannel', normalize: 'filter' });
  assert.equal(r.count, 6);
  assert.equal(r.tilesPerFilter, 2);
  // Filter 0, maxAbs 4: channel 0 = (1, −2), channel 1 = (0.5, 4).
  assert.deepEqual(px(r.tiles, 0, 2, 1, 0, 0), [159, 159, 159, 255]);
  assert.deepEqual(px(r.tiles, 0, 2, 1, 0, 1), [64, 64, 64, 255]);
  assert.deepEqual(px(r.tiles, 1, 2, 1, 0, 1), [255, 255, 255, 255]);
  // Filter 1, maxAbs 3: −3 → black, 0 → mid grey.
  assert.deepEqual(px(r.tiles, 2, 2, 1, 0, 0), [0, 0, 0, 255]);
  assert.deepEqual(px(r.tiles, 2, 2, 1, 0, 1), [128, 128, 128, 255]);
  assert.equal(px(r.tiles, 3, 2, 1, 0, 0)[0], grey(-1, 3));
});

test('mean draws one tile per filter from the channel mean, per filter and per layer', () => {
  const perFilter = kernelTiles(GREY, G_SHAPE, { mode: 'mean', normalize: 'filter' });
  assert.equal(perFilter.count, 3);
  // Filter 0 mean = (0.75, 1), maxAbs 1.
  assert.deepEqual([px(perFilter.tiles, 0, 2, 1, 0, 0)[0], px(perFilter.tiles, 0, 2, 1, 0, 1)[0]], [grey(0.75, 1), 255]);
  assert.equal(px(perFilter.tiles, 0, 2, 1, 0, 0)[0], 223);
  const perLayer = kernelTiles(GREY, G_SHAPE, { mode: 'mean', normalize: 'layer' });
  // Layer maxAbs of the means is 5 (filter 2).
  assert.deepEqual([px(perLayer.tiles, 0, 2, 1, 0, 0)[0], px(perLayer.tiles, 1, 2, 1, 0, 0)[0], px(perLayer.tiles, 2, 2, 1, 0, 0)[0]], [147, 77, 255]);
  // auto picks mean for anything but 3 channels; rgb is refused.
  assert.equal(kernelTiles(GREY, G_SHAPE, { mode: 'auto', normalize: 'filter' }).mode, 'mean');
  assert.throws(() => kernelTiles(GREY, G_SHAPE, { mode: 'rgb', normalize: 'filter' }), (e: Error & { code?: string }) => e.code === 'badArgument');
});

test('per-filter stats and the order by L2 norm', () => {
  const r = kernelTiles(GREY, G_SHAPE, { mode: 'mean', normalize: 'filter' });
  assert.deepEqual(Array.from(r.stats.min), [-2, -3, 5]);
  assert.deepEqual(Array.from(r.stats.max), [4, 0, 5]);
  assert.deepEqual(Array.from(r.stats.mean), [0.875, -1, 5]);
  assert.ok(Math.abs((r.stats.l2[0] as number) - Math.sqrt(21.25)) < 1e-6);
  assert.ok(Math.abs((r.stats.l2[1] as number) - Math.sqrt(10)) < 1e-6);
  assert.equal(r.stats.l2[2], 10);
  assert.deepEqual(Array.from(r.orderByL2), [2, 0, 1]);
});

test('grid: columns, 1 px gaps of the background, placements, l2 order and scaling', () => {
  const r = kernelTiles(GREY, G_SHAPE, { mode: 'mean', normalize: 'filter' });
  const g = composeKernelGrid(r, { columns: 2, background: [1, 2, 3, 4] });
  assert.equal(g.width, 5);
  assert.equal(g.height, 3);
  assert.deepEqual(g.placements.map((p) => [p.filter, p.x, p.y]), [[0, 0, 0], [1, 3, 0], [2, 0, 2]]);
  const at = (img: typeof g, x: number, y: number): number[] => Array.from(img.rgba.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
  assert.deepEqual(at(g, 2, 0), [1, 2, 3, 4]); // gap column
  assert.deepEqual(at(g, 4, 2), [1, 2, 3, 4]); // unused cell
  assert.deepEqual(at(g, 0, 0), [223, 223, 223, 255]);
  const sorted = composeKernelGrid(r, { columns: 3, order: 'l2', scale: 2 });
  assert.deepEqual(sorted.placements.map((p) => p.filter), [2, 0, 1]);
  assert.equal(sorted.width, 3 * 4 + 2);
  assert.equal(sorted.height, 2);
  assert.deepEqual(at(sorted, 5, 1), [223, 223, 223, 255]); // filter 0, weight (0,0), second row of the 2× block
  // perChannel: one row per filter, one column per input channel.
  const pc = composeKernelGrid(kernelTiles(GREY, G_SHAPE, { mode: 'perChannel', normalize: 'filter' }));
  assert.equal(pc.width, 2 * 2 + 1);
  assert.equal(pc.height, 3 * 1 + 2);
  assert.deepEqual(pc.placements.map((p) => [p.filter, p.channel, p.x, p.y]), [[0, 0, 0, 0], [0, 1, 3, 0], [1, 0, 0, 2], [1, 1, 3, 2], [2, 0, 0, 4], [2, 1, 3, 4]]);
});

test('encodePng writes a PNG that decodes to the same pixels', () => {
  const r = kernelTiles(RGB, RGB_SHAPE, { mode: 'rgb', normalize: 'filter' });
  const g = composeKernelGrid(r, { scale: 3 });
  const png = encodePng(g.rgba, g.width, g.height);
  assert.deepEqual(Array.from(png.subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
  const back = decode(png);
  assert.equal(back.width, g.width);
  assert.equal(back.height, g.height);
  assert.deepEqual(Array.from(back.data), Array.from(g.rgba));
  assert.throws(() => encodePng(g.rgba, g.width + 1, g.height), RangeError);
});
