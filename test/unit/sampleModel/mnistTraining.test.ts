// The pieces that make MNIST training repeatable: seeded randomness, permutations, augmentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { permutation, seededRandom } from '../../../scripts/mnistData';
import { augmentDigit } from '../../../scripts/mnistAugment';

test('seededRandom repeats per seed, differs across seeds and stays in [0, 1)', () => {
  const draw = (seed: number) => Array.from({ length: 1000 }, seededRandom(seed));
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
  const xs = draw(7);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

test('permutation holds every index once and repeats for a seed', () => {
  const p = permutation(500, seededRandom(3));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 500 }, (_, i) => i));
  assert.deepEqual(p, permutation(500, seededRandom(3)));
  assert.notDeepEqual(Array.from(p), Array.from({ length: 500 }, (_, i) => i));
});

test('augmentDigit copies exactly with no jitter and moves a pixel by a whole shift', () => {
  const images = new Float32Array(2 * 784);
  for (let i = 0; i < 784; i++) images[784 + i] = (i % 29) / 29;
  const out = new Float32Array(784);
  augmentDigit(images, 1, out, 0, { maxShift: 0, maxRotation: 0, maxScale: 0 }, seededRandom(1));
  assert.deepEqual(out, images.subarray(784));

  // One lit pixel; a shift-only jitter must move it without changing its value.
  const dot = new Float32Array(784);
  dot[14 * 28 + 14] = 1;
  const moved = new Float32Array(784);
  augmentDigit(dot, 0, moved, 0, { maxShift: 2, maxRotation: 0, maxScale: 0 }, seededRandom(5));
  const lit = [...moved.keys()].filter((i) => moved[i] > 0);
  assert.equal(lit.length, 1);
  assert.equal(moved[lit[0]], 1);
  const [y, x] = [Math.floor(lit[0] / 28), lit[0] % 28];
  assert.ok(Math.abs(y - 14) <= 2 && Math.abs(x - 14) <= 2);
});
