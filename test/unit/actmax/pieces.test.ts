// Transforms, regularizers and parameterizations on known inputs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../../helpers/backend';
import { applyTransforms, fitToSize, jitter, pad, rotate, scale, standardTransforms } from '../../../src/core/actmax/transforms';
import { blurPenalty, l1Penalty, l2Penalty, scharrGradientRms, totalVariation } from '../../../src/core/actmax/regularizers';
import { createParam } from '../../../src/core/actmax/param';
import { DECORRELATE_MATRIX, fromValidImage, toValidImage } from '../../../src/core/actmax/color';
import { createRng } from '../../../src/core/actmax/rng';

before(async () => {
  await useBackend('wasm');
});

/** 1×h×w×1 image whose value at (y, x) is y·w + x. */
function ramp(h: number, w: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: h * w }, (_, i) => i), [1, h, w, 1]);
}

test('pad adds a constant border', () => {
  const y = tf.tidy(() => pad(tf.ones([1, 2, 3, 1]) as tf.Tensor4D, 2, 0.5).arraySync());
  assert.equal(y[0].length, 6);
  assert.equal(y[0][0].length, 7);
  assert.equal(y[0][0][0][0], 0.5);
  assert.equal(y[0][2][2][0], 1);
  assert.equal(y[0][3][5][0], 0.5);
});

test('jitter crops by `pixels` at a seeded offset', () => {
  const rngA = createRng(7);
  const rngB = createRng(7);
  const [a, dy, dx] = tf.tidy(() => {
    const out = jitter(ramp(10, 10), 3, rngA);
    const expectDy = rngB.int(4);
    const expectDx = rngB.int(4);
    return [out.arraySync(), expectDy, expectDx] as const;
  });
  assert.equal(a[0].length, 7);
  assert.equal(a[0][0].length, 7);
  assert.equal(a[0][0][0][0], dy * 10 + dx);
});

test('scale resizes by the factor, keeping a constant image constant', () => {
  const y = tf.tidy(() => scale(tf.fill([1, 20, 10, 3], 0.3) as tf.Tensor4D, 1.1));
  assert.deepEqual(y.shape, [1, 22, 11, 3]);
  assert.ok(Math.abs(y.dataSync()[100] - 0.3) < 1e-6);
  y.dispose();
});

test('rotate by 90° moves the top row to the left column; 0° is the identity', () => {
  const [r90, r0] = tf.tidy(() => [rotate(ramp(5, 5), 90).arraySync(), rotate(ramp(5, 5), 0).arraySync()]);
  for (let i = 0; i < 5; i++) {
    // counter-clockwise: output (y, x) reads source (x', y') rotated back
    assert.ok(Math.abs(r0[0][i][i][0] - (i * 5 + i)) < 1e-6);
  }
  const col = r90[0].map((row) => row[0][0]);
  const topRow = [0, 1, 2, 3, 4];
  // Rotating counter-clockwise by 90° puts the top row on the left column, read bottom to top.
  assert.ok(col.every((v, i) => Math.abs(v - topRow[4 - i]) < 1e-4), `left column ${col}`);
});

test('rotate fills outside pixels with 0.5 and its gradient is the exact transpose', () => {
  const x = tf.randomUniform([2, 9, 11, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.randomUniform([2, 9, 11, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
  const corner = tf.tidy(() => rotate(tf.zeros([1, 9, 9, 1]) as tf.Tensor4D, 45).arraySync()[0][0][0][0]);
  assert.ok(Math.abs(corner - 0.5) < 1e-6);
  // <R(x) - 0.5, y> is linear in x with gradient Rᵀ y; check it against <x, Rᵀy> numerically.
  const [lhs, rhs] = tf.tidy(() => {
    const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.sub(rotate(t as tf.Tensor4D, 7), 0.5), y));
    const g = tf.grad(f)(x);
    const atZero = f(tf.fill(x.shape, 0.5)).dataSync()[0];
    return [f(x).dataSync()[0] - atZero, tf.sum(tf.mul(tf.sub(x, 0.5), g)).dataSync()[0]];
  });
  assert.ok(Math.abs(lhs - rhs) < 1e-3 * Math.max(1, Math.abs(lhs)), `${lhs} vs ${rhs}`);
  tf.dispose([x, y]);
});

test("standard transforms carry Lucid's numbers", () => {
  const t = standardTransforms();
  assert.deepEqual(t.map((s) => s.kind), ['pad', 'jitter', 'scale', 'rotate', 'jitter']);
  assert.deepEqual(t[0], { kind: 'pad', pixels: 12, value: 0.5 });
  assert.deepEqual(t[1], { kind: 'jitter', pixels: 8 });
  assert.deepEqual(t[2].kind === 'scale' && t[2].factors, [0.9, 0.92, 0.94, 0.96, 0.98, 1, 1.02, 1.04, 1.06, 1.08, 1.1]);
  const degrees = t[3].kind === 'rotate' ? t[3].degrees : [];
  assert.equal(degrees.length, 26);
  assert.equal(degrees.filter((d) => d === 0).length, 6);
  assert.equal(Math.min(...degrees), -10);
  assert.equal(Math.max(...degrees), 10);
  assert.deepEqual(t[4], { kind: 'jitter', pixels: 4 });
});

test('the standard transforms are differentiable, seeded, and fitToSize restores a fixed input size', () => {
  const run = (seed: number) =>
    tf.tidy(() => {
      const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
      const rng = createRng(seed);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(fitToSize(applyTransforms(t as tf.Tensor4D, standardTransforms(), rng), 28, 28))))(x);
      const out = fitToSize(applyTransforms(x, standardTransforms(), createRng(seed)), 28, 28);
      return { shape: out.shape, sum: tf.sum(out).dataSync()[0], grad: tf.sum(tf.abs(g)).dataSync()[0] };
    });
  const a = run(1);
  const b = run(1);
  assert.deepEqual(a.shape, [2, 28, 28, 1]);
  assert.equal(a.sum, b.sum);
  assert.ok(a.grad > 0 && Number.isFinite(a.grad));
  assert.notEqual(run(2).sum, a.sum);
});

test('regularizers on known images', () => {
  const values = tf.tidy(() => {
    const grey = tf.fill([1, 6, 6, 3], 0.5) as tf.Tensor4D;
    const white = tf.ones([1, 6, 6, 3]) as tf.Tensor4D;
    // vertical stripes 0,1,0,1,... : every horizontal neighbour differs by 1, vertical ones not at all
    const stripes = tf.tile(tf.tensor4d([0, 1, 0, 1, 0, 1], [1, 1, 6, 1]), [1, 6, 1, 1]) as tf.Tensor4D;
    // a horizontal ramp of slope 0.1 per pixel
    const rampX = tf.tile(tf.tensor4d([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [1, 1, 7, 1]), [1, 7, 1, 1]) as tf.Tensor4D;
    return {
      l1Grey: l1Penalty(grey).dataSync()[0],
      l1White: l1Penalty(white).dataSync()[0],
      l2White: l2Penalty(white).dataSync()[0],
      tvGrey: totalVariation(grey).dataSync()[0],
      tvStripes: totalVariation(stripes).dataSync()[0],
      scharrRamp: scharrGradientRms(rampX).dataSync()[0],
      scharrGrey: scharrGradientRms(grey).dataSync()[0],
      blurGrey: blurPenalty(grey).dataSync()[0],
      blurStripes: blurPenalty(stripes).dataSync()[0],
    };
  });
  assert.ok(Math.abs(values.l1Grey) < 1e-7);
  assert.ok(Math.abs(values.l1White - 0.5) < 1e-6);
  assert.ok(Math.abs(values.l2White - 0.25) < 1e-6);
  assert.ok(Math.abs(values.tvGrey) < 1e-7);
  assert.ok(Math.abs(values.tvStripes - 1) < 1e-6, `tv ${values.tvStripes}`);
  // Scharr x of a slope-s ramp is s (kernel / 32), y is 0: RMS over both = s / √2.
  assert.ok(Math.abs(values.scharrRamp - 0.1 / Math.SQRT2) < 1e-5, `scharr ${values.scharrRamp}`);
  assert.ok(values.scharrGrey < 1e-5);
  assert.ok(values.blurGrey < 1e-10);
  assert.ok(values.blurStripes > 0.05);
});

test('the blur penalty treats the blurred image as a constant: gradient 2(x − blur(x))/n', () => {
  const [g, expected] = tf.tidy(() => {
    const x = tf.randomUniform([1, 5, 5, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const grad = tf.grad((t: tf.Tensor) => blurPenalty(t as tf.Tensor4D).sum())(x);
    const blurred = tf.conv2d(tf.mirrorPad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], 'symmetric'), tf.fill([3, 3, 1, 1], 1 / 9) as tf.Tensor4D, 1, 'valid');
    return [grad.dataSync(), tf.div(tf.mul(tf.sub(x, blurred), 2), 25).dataSync()];
  });
  for (let i = 0; i < g.length; i++) assert.ok(Math.abs(g[i] - expected[i]) < 1e-6);
});

test('color decorrelation uses Lucid’s matrix (max column norm 1) and inverts', () => {
  const colNorm = Math.hypot(DECORRELATE_MATRIX[0], DECORRELATE_MATRIX[1], DECORRELATE_MATRIX[2]);
  assert.ok(Math.abs(colNorm - 1) < 1e-9, 'first input row of the transposed matrix has the largest norm');
  assert.ok(Math.abs(DECORRELATE_MATRIX[0] / DECORRELATE_MATRIX[1] - 0.26 / 0.27) < 1e-9);
  const err = tf.tidy(() => {
    const img = tf.randomUniform([1, 4, 4, 3], 0.05, 0.95, 'float32', 5) as tf.Tensor4D;
    return tf.max(tf.abs(tf.sub(toValidImage(fromValidImage(img, true), true), img))).dataSync()[0];
  });
  assert.ok(err < 1e-4);
});

for (const kind of ['pixel', 'fourier', 'maco'] as const) {
  test(`${kind} parameterization: images in 0..1, 1 or 3 channels, seeded, differentiable, restartable from an image`, () => {
    for (const channels of [1, 3] as const) {
      const make = (seed: number, init?: tf.Tensor4D) =>
        createParam({ kind, batch: 2, height: 12, width: 10, channels, decorrelate: channels === 3, decayPower: 1, rng: createRng(seed), init });
      const a = make(3);
      const b = make(3);
      const c = make(4);
      const [imgA, imgB, imgC] = [a.image(), b.image(), c.image()];
      assert.deepEqual(imgA.shape, [2, 12, 10, channels]);
      const data = imgA.dataSync();
      assert.ok(data.every((v) => v >= 0 && v <= 1));
      assert.deepEqual(Array.from(data), Array.from(imgB.dataSync()));
      assert.notDeepEqual(Array.from(data), Array.from(imgC.dataSync()));
      const grads = tf.variableGrads(() => tf.sum(tf.square(a.image())) as tf.Scalar, a.variables);
      assert.ok(Object.values(grads.grads).every((g) => g.dataSync().some((v) => v !== 0)));
      tf.dispose([grads.value, ...Object.values(grads.grads)]);
      if (kind !== 'maco') {
        // pixel and fourier can represent any image: a restart reproduces it.
        const target = tf.randomUniform([2, 12, 10, channels], 0.1, 0.9, 'float32', 8) as tf.Tensor4D;
        const restarted = make(1, target);
        const err = tf.tidy(() => tf.max(tf.abs(tf.sub(restarted.image(), target))).dataSync()[0]);
        assert.ok(err < 1e-3, `${kind} restart error ${err}`);
        restarted.dispose();
        target.dispose();
      } else {
        // MACO fixes contrast: every image plane has logit-space std 1 whatever the phase.
        const std = tf.tidy(() => tf.moments(fromValidImage(a.image(), channels === 3), [1, 2]).variance.sqrt().dataSync());
        assert.ok(Array.from(std).every((s) => Math.abs(s - 1) < 0.02), `std ${Array.from(std)}`);
      }
      tf.dispose([imgA, imgB, imgC]);
      [a, b, c].forEach((p) => p.dispose());
    }
  });
}
