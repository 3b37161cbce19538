// The engine's picture payload for the Top Images panel: budget plan, slot → file index, crop sizes, area resampling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropSizeOf, planPictures, resampleInto, slotFiles } from '../../../src/core/topk/panelPictures';
import type { TopkEntry } from '../../../src/shared/topk';

const entry = (file: string, value: number): TopkEntry => ({ file, value, mean: 0, x: 0, y: 0, box: { x: 0, y: 0, width: 3, height: 3 } });

test('planPictures keeps model-size thumbnails (no crops) while they fit the budget', () => {
  assert.deepEqual(planPictures(100, 160, [28, 28], 10, 100 * 28 * 28 * 4), { thumbWidth: 28, thumbHeight: 28 });
});

test('planPictures shrinks thumbnails and adds crops within the budget when 224 px thumbnails would not fit', () => {
  const budget = 32 * 1024 * 1024;
  const plan = planPictures(600, 64 * 4, [224, 224], 99, budget);
  assert.ok(plan.thumbWidth < 224 && plan.thumbWidth >= 16);
  assert.equal(plan.thumbWidth, plan.thumbHeight);
  assert.ok(600 * plan.thumbWidth * plan.thumbHeight * 4 <= budget / 2);
  assert.equal(plan.cropSide, 99, 'a field of 99 px fits: crops keep their native size');
  const big = planPictures(600, 512 * 16, [224, 224], 224, budget);
  assert.ok(big.cropSide! < 224 && 512 * 16 * big.cropSide! ** 2 * 4 <= budget / 2);
  // Floors: thousands of channels still get recognisable pictures.
  assert.equal(planPictures(30000, 2048 * 16, [299, 299], 299, budget).cropSide, 11, '2048 channels × 16: 11 px crops fit');
  const huge = planPictures(60000, 8192 * 16, [299, 299], 299, budget);
  assert.equal(huge.thumbWidth, 16);
  assert.equal(huge.cropSide, 8);
  // Non-square inputs keep their aspect.
  const wide = planPictures(1000, 100, [120, 240], 50, 1024 * 1024);
  assert.ok(Math.abs(wide.thumbWidth / wide.thumbHeight - 2) < 0.1);
});

test('slotFiles lists distinct files in first-use order and marks short channels with −1', () => {
  const top = [[entry('a', 3), entry('b', 2)], [entry('b', 5)], []];
  const { files, thumbIndex } = slotFiles({ top, k: 2, channels: 3 });
  assert.deepEqual(files, ['a', 'b']);
  assert.deepEqual(Array.from(thumbIndex), [0, 1, 1, -1, -1, -1]);
});

test('cropSizeOf shrinks large fields to the side, never enlarges, keeps aspect', () => {
  assert.deepEqual(cropSizeOf({ width: 3, height: 3 }, 64), [3, 3]);
  assert.deepEqual(cropSizeOf({ width: 200, height: 100 }, 64), [64, 32]);
  assert.deepEqual(cropSizeOf({ width: 1, height: 300 }, 30), [1, 30]);
});

test('resampleInto copies 1:1 exactly and averages areas when shrinking', () => {
  const w = 4;
  const h = 2;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([i * 10, 255 - i * 10, 7, 255], i * 4);
  const src = { width: w, height: h, data };
  const copy = new Uint8ClampedArray(w * h * 4);
  resampleInto(copy, w, 0, 0, w, h, src, { x: 0, y: 0, width: w, height: h });
  assert.deepEqual(copy, data);
  // 4 × 2 → 2 × 1: each output pixel is the mean of a 2 × 2 block.
  const half = new Uint8ClampedArray(2 * 4);
  resampleInto(half, 2, 0, 0, 2, 1, src, { x: 0, y: 0, width: w, height: h });
  assert.deepEqual(Array.from(half.subarray(0, 4)), [Math.round((0 + 10 + 40 + 50) / 4), Math.round((255 + 245 + 215 + 205) / 4), 7, 255]);
  // A crop at an offset, written at an offset of a wider destination.
  const dst = new Uint8ClampedArray(3 * 2 * 4);
  resampleInto(dst, 3, 1, 1, 2, 1, src, { x: 2, y: 1, width: 2, height: 1 });
  assert.deepEqual(Array.from(dst.subarray(16, 24)), [60, 195, 7, 255, 70, 185, 7, 255]);
  assert.deepEqual(Array.from(dst.subarray(0, 16)), new Array(16).fill(0));
});
