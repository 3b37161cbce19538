// ProgressFraction: a job's "how far" (a fraction of the whole) becomes the increments withProgress adds up,
// clamped to the bar and never moving it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressFraction } from '../../../src/host/engine/progressFraction';

test('fractions become increments that sum to the fraction reached', () => {
  const bar = new ProgressFraction();
  assert.deepEqual(bar.next(0.25, 'step 1 of 4'), { message: 'step 1 of 4', increment: 25 });
  assert.deepEqual(bar.next(0.5), { increment: 25 });
  assert.equal(bar.percent, 50);
});

test('the bar never moves back, never passes 100, and a message alone does not move it', () => {
  const bar = new ProgressFraction();
  bar.next(0.6);
  assert.deepEqual(bar.next(0.4, 'again'), { message: 'again', increment: 0 });
  assert.deepEqual(bar.next(undefined, 'listing'), { message: 'listing', increment: 0 });
  assert.deepEqual(bar.next(Number.NaN), { increment: 0 });
  assert.deepEqual(bar.next(3), { increment: 40 });
  assert.equal(bar.percent, 100);
  assert.deepEqual(bar.next(-1), { increment: 0 });
});
