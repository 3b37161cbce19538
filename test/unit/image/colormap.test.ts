import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyColormap, COLORMAP_NAMES, colormapLut, symmetricRange } from '../../../src/shared/colormap';

test('colormap tables equal d3-scale-chromatic sampled at 256 points', async () => {
  const d3 = await import('d3-scale-chromatic');
  const reference: Record<string, (t: number) => string> = {
    viridis: d3.interpolateViridis,
    magma: d3.interpolateMagma,
    inferno: d3.interpolateInferno,
    rdbu: (t) => d3.interpolateRdBu(1 - t),
  };
  const parse = (css: string): number[] => {
    const m = /^#([0-9a-f]{6})$/i.exec(css) ?? null;
    if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
    return (css.match(/\d+/g) ?? []).slice(0, 3).map(Number);
  };
  for (const [name, f] of Object.entries(reference)) {
    const lut = colormapLut(name as 'viridis');
    for (const i of [0, 1, 64, 127, 128, 200, 255]) {
      assert.deepEqual(Array.from(lut.slice(i * 3, i * 3 + 3)), parse(f(i / 255)), `${name}[${i}]`);
    }
  }
  assert.deepEqual(Array.from(colormapLut('gray').slice(100 * 3, 101 * 3)), [100, 100, 100]);
  assert.equal(COLORMAP_NAMES.length, 5);
});

test('applyColormap clamps, strides through one channel, and marks NaN transparent', () => {
  // Two channels interleaved: channel 1 is 10, 20, 30, NaN.
  const values = new Float32Array([0, 10, 0, 20, 0, 30, 0, NaN]);
  const rgba = applyColormap(values, 'gray', { min: 10, max: 30 }, { start: 1, stride: 2 });
  assert.equal(rgba.length, 16);
  assert.deepEqual(Array.from(rgba), [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 0, 0, 0, 0]);
  const clamped = applyColormap([-5, 99], 'viridis', { min: 0, max: 1 });
  assert.deepEqual(Array.from(clamped.slice(0, 3)), Array.from(colormapLut('viridis').slice(0, 3)));
  assert.deepEqual(Array.from(clamped.slice(4, 7)), Array.from(colormapLut('viridis').slice(765, 768)));
  // Diverging map: zero lands in the middle of a symmetric range, a flat map too.
  const range = symmetricRange({ min: -2, max: 4 });
  assert.deepEqual(range, { min: -4, max: 4 });
  const mid = Array.from(colormapLut('rdbu').slice(128 * 3, 129 * 3));
  assert.deepEqual(Array.from(applyColormap([0], 'rdbu', range).slice(0, 3)), mid);
  assert.deepEqual(Array.from(applyColormap([7], 'rdbu', { min: 7, max: 7 }).slice(0, 3)), mid);
});
