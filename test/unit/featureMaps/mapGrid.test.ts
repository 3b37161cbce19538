// The feature maps grid's pure logic: layout (scaling, columns, hit tests, virtualized row ranges, reveal),
// channel order and ranges, the per-channel colormap drawing and the overlay blend, the webview's layer cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutMaps, positionAt, cellOrigin, visibleRows, scrollToReveal } from '../../../webview/src/featureMaps/mapLayout';
import { channelOrder, positionsOf, channelRange, layerRange, describeChannel, parseChannel } from '../../../webview/src/featureMaps/channelOrder';
import { channelRgba, blendOver } from '../../../webview/src/featureMaps/mapPixels';
import { LayerCache } from '../../../webview/src/featureMaps/layerCache';
import { colormapLut } from '../../../src/shared/colormap';
import type { ChannelStats } from '../../../src/shared/activations';
import { isImagePath } from '../../../src/host/images/imageFiles';

test('layout: small maps are upscaled by whole numbers, large ones scaled down, as many per row as fit', () => {
  const l = layoutMaps(32, 28, 28, 500);
  assert.equal(l.scale, 2);
  assert.deepEqual([l.cellWidth, l.cellHeight], [56, 56]);
  assert.equal(l.cols, Math.floor((500 + 2) / 58)); // 8
  assert.equal(l.rows, 4);
  assert.equal(l.width, 8 * 58 - 2);
  assert.equal(l.height, 4 * 58 - 2);
  const big = layoutMaps(64, 112, 112, 1000);
  assert.ok(big.scale < 1);
  assert.equal(big.cellWidth, 64);
  const vector = layoutMaps(10, 1, 1, 1000);
  assert.deepEqual([vector.cellWidth, vector.cols, vector.rows], [20, 10, 1]);
  const zoomed = layoutMaps(32, 28, 28, 500, 2);
  assert.ok(zoomed.cellWidth > l.cellWidth);
  const narrow = layoutMaps(5, 7, 7, 0);
  assert.deepEqual([narrow.cols, narrow.rows], [1, 5]);
  const nonSquare = layoutMaps(4, 1, 7, 800);
  assert.deepEqual([nonSquare.cellWidth, nonSquare.cellHeight], [9, 63]);
});

test('layout: hit test, origins and gaps agree; positions past the last channel hit nothing', () => {
  const l = layoutMaps(10, 4, 4, 3 * 66 - 2); // 16 × 16 scale → 64 px cells, 3 columns
  assert.equal(l.cols, 3);
  for (let p = 0; p < 10; p++) {
    const { x, y } = cellOrigin(l, p);
    assert.equal(positionAt(l, x, y), p);
    assert.equal(positionAt(l, x + l.cellWidth - 1, y + l.cellHeight - 1), p);
  }
  assert.equal(positionAt(l, l.cellWidth, 0), undefined, 'in the gap');
  assert.equal(positionAt(l, cellOrigin(l, 9).x + 66, cellOrigin(l, 9).y), undefined, 'past the last channel');
  assert.equal(positionAt(l, -1, 3), undefined);
});

test('virtualized rows: a 2048-channel layer draws only the rows in view', () => {
  const l = layoutMaps(2048, 7, 7, 800);
  const pitch = l.cellHeight + l.gap;
  const { first, last } = visibleRows(l, 10 * pitch + 5, 600);
  assert.equal(first, 10);
  assert.equal(last, Math.ceil((10 * pitch + 5 + 600) / pitch));
  assert.ok((last - first) * l.cols < 200, `draws ${(last - first) * l.cols} of 2048 maps`);
  assert.deepEqual(visibleRows(l, l.height + 1000, 600).last, l.rows);
  // Revealing a channel moves the least: already visible stays, below scrolls to its bottom edge, above to its top.
  assert.equal(scrollToReveal(l, 0, 0, 600), 0);
  const far = 2000;
  const top = scrollToReveal(l, far, 0, 600);
  assert.equal(top, cellOrigin(l, far).y + l.cellHeight - 600);
  assert.equal(scrollToReveal(l, 0, top, 600), 0);
});

const stats: ChannelStats = {
  min: Float32Array.of(0, -1, 0, 2),
  max: Float32Array.of(1, 3, 0, 5),
  mean: Float32Array.of(0.5, 0.1, 0, 3),
  zeroFraction: Float32Array.of(0.25, 0, 1, 0),
};

test('channel order by index, mean and max (largest first), and its inverse', () => {
  assert.deepEqual(Array.from(channelOrder(stats, 'index')), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(channelOrder(stats, 'mean')), [3, 0, 1, 2]);
  assert.deepEqual(Array.from(channelOrder(stats, 'max')), [3, 1, 0, 2]);
  const order = channelOrder(stats, 'max');
  const pos = positionsOf(order);
  for (let c = 0; c < 4; c++) assert.equal(order[pos[c]], c);
  const withNaN: ChannelStats = { ...stats, mean: Float32Array.of(NaN, 1, 2, 0) };
  assert.deepEqual(Array.from(channelOrder(withNaN, 'mean')), [2, 1, 3, 0]);
});

test('ranges, descriptions and the jump field', () => {
  assert.deepEqual(channelRange(stats, 1, 'channel'), { min: -1, max: 3 });
  assert.deepEqual(channelRange(stats, 1, 'layer'), { min: -1, max: 5 });
  assert.deepEqual(layerRange(stats), { min: -1, max: 5 });
  assert.equal(describeChannel(stats, 0), 'channel 0 — min 0.0000, max 1.0000, mean 0.5000, zeros 25.0%');
  assert.equal(parseChannel(' 3 ', 4), 3);
  assert.equal(parseChannel('#2', 4), 2);
  assert.equal(parseChannel('4', 4), undefined);
  assert.equal(parseChannel('-1', 4), undefined);
  assert.equal(parseChannel('1.5', 4), undefined);
  assert.equal(parseChannel('', 4), undefined);
});

test('one channel of an HWC layer is coloured in place: low = first LUT entry, high = last', () => {
  // 2 × 2 map, 3 channels; channel 1 holds 0, 1, 2, 3.
  const data = new Float32Array(12);
  for (let i = 0; i < 4; i++) {
    data[i * 3] = 100;
    data[i * 3 + 1] = i;
    data[i * 3 + 2] = -100;
  }
  const geometry = { height: 2, width: 2, channels: 3 };
  for (const name of ['viridis', 'magma', 'gray'] as const) {
    const lut = colormapLut(name);
    const rgba = channelRgba(data, geometry, 1, name, { min: 0, max: 3 });
    assert.equal(rgba.length, 16);
    assert.deepEqual(Array.from(rgba.subarray(0, 4)), [lut[0], lut[1], lut[2], 255], name);
    assert.deepEqual(Array.from(rgba.subarray(12, 16)), [lut[765], lut[766], lut[767], 255], name);
    const mid = Math.round((1 / 3) * 255);
    assert.deepEqual(Array.from(rgba.subarray(4, 8)), [lut[mid * 3], lut[mid * 3 + 1], lut[mid * 3 + 2], 255], name);
  }
  const gray = channelRgba(data, geometry, 1, 'gray', { min: 0, max: 3 });
  assert.deepEqual([gray[0], gray[4], gray[8], gray[12]], [0, 85, 170, 255]);
  // A flat channel (dead ReLU) is drawn in the low colour, not as noise.
  const flat = channelRgba(new Float32Array(4), { height: 2, width: 2, channels: 1 }, 0, 'gray', { min: 0, max: 0 });
  assert.deepEqual(Array.from(flat), [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
  // Writing into a given buffer (the webview reuses one ImageData) returns that buffer.
  const out = new Uint8ClampedArray(16);
  assert.equal(channelRgba(data, geometry, 0, 'gray', { min: 0, max: 1 }, out), out);
});

test('overlay blend: opacity 0 shows the image, 1 the map, between mixes linearly', () => {
  const base = Uint8ClampedArray.of(200, 100, 0, 255);
  const top = Uint8ClampedArray.of(0, 100, 200, 255);
  assert.deepEqual(Array.from(blendOver(base, top, 0)), [200, 100, 0, 255]);
  assert.deepEqual(Array.from(blendOver(base, top, 1)), [0, 100, 200, 255]);
  assert.deepEqual(Array.from(blendOver(base, top, 0.5)), [100, 100, 100, 255]);
  assert.deepEqual(Array.from(blendOver(base, Uint8ClampedArray.of(0, 0, 0, 0), 1)), [200, 100, 0, 255], 'transparent (NaN) map pixels');
});

test('layer cache keeps recent layers within its byte budget', () => {
  const layer = (id: string, n: number) => ({ layerId: id, height: 1, width: 1, channels: n, data: new Float32Array(n) });
  const cache = new LayerCache(100 * 4);
  cache.put(layer('a', 40));
  cache.put(layer('b', 40));
  assert.ok(cache.get('a'));
  cache.put(layer('c', 40)); // over budget: b is the least recently used
  assert.equal(cache.get('b'), undefined);
  assert.ok(cache.get('a'));
  assert.ok(cache.get('c'));
  cache.put(layer('huge', 1000)); // larger than the budget on its own: kept alone
  assert.equal(cache.size, 1);
  assert.ok(cache.get('huge'));
});

test('image files the command accepts', () => {
  for (const p of ['a.png', 'b.JPG', 'c.jpeg', 'd.webp', 'e.gif', 'f.BMP', '/x/y.z/cat.png']) assert.ok(isImagePath(p), p);
  for (const p of ['model.json', 'a.png.txt', 'net.onnx', 'tiff.tif', 'png']) assert.ok(!isImagePath(p), p);
});

