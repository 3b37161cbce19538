// The gather-free rotation (Paeth's three shears, src/core/actmax/rotate.ts) against a direct bilinear sample
// written out here in plain JS, and its custom gradients against the exact adjoint identity <Rx, y> = <x, Rᵀy>.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../../helpers/backend';
import { rotateBilinear, rotateSheared } from '../../../src/core/actmax/rotate';

before(async () => {
  await useBackend('wasm');
});

/** Smooth 3-channel test image: sinusoids well below Nyquist, like the images actmax produces. */
function smooth(h: number, w: number): Float32Array {
  const v = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) v[(y * w + x) * 3 + c] = 0.5 + 0.5 * Math.sin((0.05 + 0.07 * c) * (x + 0.7 * y) + c);
    }
  }
  return v;
}

/** One bilinear sample per output pixel of the source rotated back by θ about the center; outside reads `fill`. */
function directBilinear(src: Float32Array, h: number, w: number, degrees: number, fill: number): Float32Array {
  const t = (degrees * Math.PI) / 180;
  const [cos, sin, cy, cx] = [Math.cos(t), Math.sin(t), (h - 1) / 2, (w - 1) / 2];
  const out = new Float32Array(h * w * 3);
  const at = (y: number, x: number, c: number) => (y >= 0 && y < h && x >= 0 && x < w ? src[(y * w + x) * 3 + c] : fill);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = cos * (x - cx) - sin * (y - cy) + cx;
      const sy = sin * (x - cx) + cos * (y - cy) + cy;
      const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
      const [fx, fy] = [sx - x0, sy - y0];
      for (let c = 0; c < 3; c++) {
        out[(y * w + x) * 3 + c] =
          (1 - fy) * ((1 - fx) * at(y0, x0, c) + fx * at(y0, x0 + 1, c)) + fy * ((1 - fx) * at(y0 + 1, x0, c) + fx * at(y0 + 1, x0 + 1, c));
      }
    }
  }
  return out;
}

test('three-shear rotation matches a direct bilinear sample on a smooth image at the standard angles', () => {
  const [h, w, margin] = [64, 80, 8];
  const src = smooth(h, w);
  const x = tf.tensor4d(src, [1, h, w, 3]);
  let worstInterior = 0;
  let worstMean = 0;
  for (const degrees of [-10, -7, -3, -1, 1, 2, 5, 8, 10]) {
    const got = tf.tidy(() => rotateSheared(x, degrees, 0.5).dataSync() as Float32Array);
    const want = directBilinear(src, h, w, degrees, 0.5);
    let sum = 0;
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(got[(y * w + xx) * 3 + c] - want[(y * w + xx) * 3 + c]);
          sum += d;
          // Three 1-D linear interpolations are not one bilinear one: the difference is interpolation error,
          // small on smooth content; at the fill border the two treat the half-covered pixels differently.
          if (y >= margin && y < h - margin && xx >= margin && xx < w - margin) worstInterior = Math.max(worstInterior, d);
        }
      }
    }
    worstMean = Math.max(worstMean, sum / (h * w * 3));
  }
  tf.dispose(x);
  assert.ok(worstInterior < 0.01, `interior max |Δ| ${worstInterior}`);
  assert.ok(worstMean < 0.003, `mean |Δ| ${worstMean}`);
});

test('quarter turns of an odd-sized image are exact permutations', () => {
  const n = 7;
  const src = Float32Array.from({ length: n * n * 3 }, (_, i) => i);
  const x = tf.tensor4d(src, [1, n, n, 3]);
  for (const degrees of [90, -90]) {
    const got = tf.tidy(() => rotateSheared(x, degrees, 0.5).dataSync() as Float32Array);
    const want = directBilinear(src, n, n, degrees, 0.5);
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-3, `${degrees}° at ${i}: ${v} vs ${want[i]}`));
  }
  tf.dispose(x);
});

test('the gradient is the exact adjoint for batches, odd and even sizes, all standard angles', () => {
  const tensorsBefore = tf.memory().numTensors;
  for (const [n, h, w] of [[2, 17, 24], [1, 32, 31]]) {
    const x = tf.randomUniform([n, h, w, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.randomUniform([n, h, w, 3], -1, 1, 'float32', 6) as tf.Tensor4D;
    for (const degrees of [-10, -4, 3, 9, 10, 45]) {
      // With fill 0 the map is linear: <R x, y> must equal <x, grad_x <R x, y>>.
      const [lhs, rhs] = tf.tidy(() => {
        const f = (t: tf.Tensor) => tf.sum(tf.mul(rotateSheared(t as tf.Tensor4D, degrees, 0), y));
        const g = tf.grad(f)(x);
        return [f(x).dataSync()[0], tf.sum(tf.mul(x, g)).dataSync()[0]];
      });
      assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.max(1, Math.abs(lhs)), `${n}×${h}×${w} at ${degrees}°: ${lhs} vs ${rhs}`);
    }
    tf.dispose([x, y]);
  }
  assert.equal(tf.memory().numTensors, tensorsBefore);
});

test('small tensors take the exact bilinear gather path, large ones the shears', () => {
  const src = smooth(20, 24);
  const small = tf.tensor4d(src, [1, 20, 24, 3]);
  const got = tf.tidy(() => rotateBilinear(small, 6, 0.5).dataSync() as Float32Array);
  const want = directBilinear(src, 20, 24, 6, 0.5);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `at ${i}: ${v} vs ${want[i]}`));
  const big = tf.tensor4d(smooth(96, 96), [1, 96, 96, 3]);
  const same = tf.tidy(() => tf.max(tf.abs(tf.sub(rotateBilinear(big, 6, 0.5), rotateSheared(big, 6, 0.5)))).dataSync()[0]);
  assert.equal(same, 0);
  tf.dispose([small, big]);
});
