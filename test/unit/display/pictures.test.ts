// What the picture grids say about themselves: small maps get a readable minimum size, the colour bar names the
// range the tiles are coloured with (layer, filter or hovered channel), and the report says when a layer's grid
// shows only some of its channels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapsCaption, MAX_CHANNELS } from '../../../src/cli/report/featureMapsSection';
import { layoutMaps, MIN_MAP_CELL } from '../../../webview/src/featureMaps/mapLayout';
import { featureMapsBar, kernelsBar } from '../../../webview/src/lib/colorBarSpecs';
import { formatEnd } from '../../../webview/src/lib/colorBarSpecs';

test('small maps are drawn at least MIN_MAP_CELL px at zoom 1, by whole-number enlargement', () => {
  assert.equal(MIN_MAP_CELL, 56);
  // MNIST conv1 (26×26) came out 52 px; its pool (13×13) and conv2 (11×11) must not be smaller either.
  for (const side of [26, 28, 24, 13, 11, 5, 3]) {
    const l = layoutMaps(16, side, side, 1000);
    assert.ok(l.cellWidth >= 56, `${side}×${side} maps at ${l.cellWidth} px`);
    assert.equal(l.cellWidth % side, 0, `${side}×${side} maps scaled by a whole number (${l.cellWidth} px)`);
  }
  assert.equal(layoutMaps(16, 26, 26, 1000).cellWidth, 78);
  assert.equal(layoutMaps(16, 28, 28, 1000).cellWidth, 56);
  assert.equal(layoutMaps(10, 1, 1, 1000).cellWidth, 20, '1×1 maps stay small dots');
  assert.equal(layoutMaps(16, 112, 112, 1000).cellWidth, 64, 'large maps are still scaled down');
});

test('feature maps colour bar: the layer range, or the hovered channel\'s own range', () => {
  const stats = { min: Float32Array.of(0, -1, 0.5), max: Float32Array.of(2, 3, 0.5), mean: new Float32Array(3), zeroFraction: new Float32Array(3) };
  assert.deepEqual(featureMapsBar(stats, 'layer', 'viridis'), { colormap: 'viridis', min: -1, max: 3, note: 'one range for the whole layer' });
  assert.deepEqual(featureMapsBar(stats, 'channel', 'magma', 1), { colormap: 'magma', min: -1, max: 3, note: 'channel 1; each map from its own min to its own max' });
  const none = featureMapsBar(stats, 'channel', 'gray');
  assert.equal(none.min, undefined);
  assert.match(none.note, /each map from its own min to its own max/);
});

test('kernels colour bar: grey tiles span ±max |w| with 0 at mid grey; RGB tiles the filter\'s min..max', () => {
  const grey = { mode: 'mean' as const, stats: { min: [-0.5, -0.1], max: [0.25, 0.8] } };
  assert.deepEqual(kernelsBar(grey, 'layer'), { colormap: 'gray', min: -0.8, max: 0.8, note: 'one range for the whole layer; mid grey is 0' });
  assert.deepEqual(kernelsBar(grey, 'filter', 0), { colormap: 'gray', min: -0.5, max: 0.5, note: 'filter 0, each filter its own range; mid grey is 0' });
  const rgb = { mode: 'rgb' as const, stats: { min: [-0.5], max: [0.25] } };
  assert.deepEqual(kernelsBar(rgb, 'filter', 0), { colormap: 'gray', min: -0.5, max: 0.25, note: 'filter 0, each filter its own range; each of R, G, B from dark to bright' });
  assert.equal(kernelsBar(grey, 'filter').min, undefined);
  assert.equal(formatEnd(0.123456), '0.1235');
  assert.equal(formatEnd(-1234567), '-1.23e+6');
});

test('the report says when a layer\'s grid shows a subset of its channels', () => {
  assert.equal(MAX_CHANNELS, 64);
  assert.equal(mapsCaption('conv1', '16×26×26', 16), 'conv1: 16×26×26');
  assert.equal(mapsCaption('inception4a', '512×14×14', 512), 'inception4a: 512×14×14 · showing 64 of 512 channels (0–63)');
});
