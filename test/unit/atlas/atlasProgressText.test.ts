// Build Atlas's notification line from the engine's progress: units on disk of all, the dataset pass while it runs,
// and an ETA measured from the per-step share only (units a previous run left take no time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtlasProgressText, formatEta } from '../../../src/host/atlas/atlasProgressText';

test('units, the dataset pass, then an ETA from the share of the units left', () => {
  let now = 0;
  const text = new AtlasProgressText(() => now);
  // 16 of 48 were on disk from a cancelled run: the bar starts at a third, and the ETA counts the 32 left.
  assert.deepEqual(text.update({ done: 16, total: 48, phase: 'starting', batch: 8 }), { fraction: 1 / 3, message: '16 / 48 units · starting, 8 units at a time' });
  assert.deepEqual(text.update({ done: 16, total: 48, phase: 'listing: 1234 images' }), { fraction: 1 / 3, message: '16 / 48 units · listing the dataset: 1,234 images so far' });
  assert.deepEqual(text.update({ done: 16, total: 48, phase: 'top-k: 40 of 100 images' }), { fraction: 1 / 3, message: '16 / 48 units · dataset 40 of 100 images' });
  now = 10_000;
  assert.deepEqual(text.update({ done: 16, total: 48, phase: 'top-k: 100 of 100 images', share: 0.1 }), { fraction: (16 + 3.2) / 48, message: '16 / 48 units' });
  now = 20_000; // 10 s for a tenth of the rest: 80 s for the 0.8 left
  assert.deepEqual(text.update({ done: 16, total: 48, phase: 'conv1 units 0–15', share: 0.2 }), { fraction: (16 + 6.4) / 48, message: '16 / 48 units · ETA 1 min 20 s' });
  now = 30_000; // 0.4 in 20 s: 25 s for the 0.5 left
  const line = text.update({ done: 32, total: 48, phase: 'conv2 units 0–31', share: 0.5 });
  assert.equal(line.message, '32 / 48 units · ETA 25 s');
  assert.equal(line.fraction, (16 + 16) / 48);
  // The last phase writes the pages: every unit is on disk, and the line says which page it is at.
  assert.deepEqual(text.update({ done: 48, total: 48, phase: 'site: 1200 of 2050 pages' }), { fraction: 1, message: '48 / 48 units · writing the site: 1200 of 2050 pages' });
});

test('ETA text', () => {
  assert.equal(formatEta(0.2), '1 s');
  assert.equal(formatEta(30), '30 s');
  assert.equal(formatEta(250), '4 min 10 s');
  assert.equal(formatEta(7199), '1 h 59 min');
  assert.equal(formatEta(7500), '2 h 5 min');
});
