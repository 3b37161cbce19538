import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { RealDft2, rfftFreqs } from '../../../src/core/actmax/dft';
import { useBackend } from '../../helpers/backend';

before(async () => {
  await useBackend('wasm');
});

/**
 * numpy's irfft2 = irfft(ifft(X, axis 0), axis 1) written out as sums: each half-spectrum column l counts twice
 * (it stands for its conjugate too) except l = 0 and l = W/2, and irfft keeps only the real part.
 */
function directIrfft2(re: number[][], im: number[][], h: number, w: number): number[][] {
  const wf = Math.floor(w / 2) + 1;
  const out: number[][] = [];
  for (let m = 0; m < h; m++) {
    out.push([]);
    for (let n = 0; n < w; n++) {
      let sum = 0;
      for (let k = 0; k < h; k++) {
        for (let l = 0; l < wf; l++) {
          const c = l === 0 || (w % 2 === 0 && l === w / 2) ? 1 : 2;
          const angle = (2 * Math.PI * k * m) / h + (2 * Math.PI * l * n) / w;
          sum += c * (re[k][l] * Math.cos(angle) - im[k][l] * Math.sin(angle));
        }
      }
      out[m].push(sum / (h * w));
    }
  }
  return out;
}

for (const [h, w] of [[5, 6], [6, 7], [4, 4]]) {
  test(`inverse real DFT matches a direct irfft2 (${h}×${w})`, () => {
    const dft = new RealDft2(h, w);
    const wf = dft.wf;
    const re = Array.from({ length: h }, (_, k) => Array.from({ length: wf }, (_, l) => Math.sin(k * 3.1 + l * 1.7)));
    const im = Array.from({ length: h }, (_, k) => Array.from({ length: wf }, (_, l) => Math.cos(k * 0.7 - l * 2.3)));
    const x = tf.tidy(() => dft.inverse(tf.tensor3d(re.flat(), [h, 1, wf]), tf.tensor3d(im.flat(), [h, 1, wf])).arraySync()[0]);
    const expected = directIrfft2(re, im, h, w);
    for (let m = 0; m < h; m++) for (let n = 0; n < w; n++) assert.ok(Math.abs(x[m][n] - expected[m][n]) < 1e-5, `(${m},${n}) ${x[m][n]} vs ${expected[m][n]}`);
    dft.dispose();
  });
}

test('inverse(forward(x)) is x for real images, even and odd sizes', () => {
  for (const [h, w] of [[7, 9], [8, 8], [28, 28]]) {
    const dft = new RealDft2(h, w);
    const err = tf.tidy(() => {
      const x = tf.randomNormal([3, h, w], 0, 1, 'float32', 4) as tf.Tensor3D;
      const spec = dft.forward(x);
      return tf.max(tf.abs(tf.sub(dft.inverse(spec.re, spec.im), x))).dataSync()[0];
    });
    assert.ok(err < 1e-4, `${h}×${w}: max error ${err}`);
    dft.dispose();
  }
});

test('the inverse DFT gradient is its exact adjoint (custom gradient), even and odd sizes', () => {
  for (const [h, w, b] of [[6, 6, 2], [7, 5, 3]]) {
    const dft = new RealDft2(h, w);
    const wf = dft.wf;
    const [lhs, rhs] = tf.tidy(() => {
      const re = tf.randomNormal([h, b, wf], 0, 1, 'float32', 1) as tf.Tensor3D;
      const im = tf.randomNormal([h, b, wf], 0, 1, 'float32', 2) as tf.Tensor3D;
      const y = tf.randomNormal([b, h, w], 0, 1, 'float32', 3);
      // The inverse is linear, so <inverse(re, im), y> = <re, ∂/∂re> + <im, ∂/∂im> exactly when the gradient is right.
      const f = (r: tf.Tensor, i: tf.Tensor) => tf.sum(tf.mul(dft.inverse(r as tf.Tensor3D, i as tf.Tensor3D), y));
      const [gr, gi] = tf.grads(f)([re, im]);
      return [f(re, im).dataSync()[0], tf.add(tf.sum(tf.mul(re, gr)), tf.sum(tf.mul(im, gi))).dataSync()[0]];
    });
    assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.max(1, Math.abs(lhs)), `${h}×${w}: ${lhs} vs ${rhs}`);
    dft.dispose();
  }
});

test('rfftFreqs follows numpy fftfreq for rows and rfftfreq for columns', () => {
  const f = rfftFreqs(4, 6); // rows 0, .25, -.5, -.25; cols 0, 1/6, 2/6, 3/6
  assert.equal(f.length, 16);
  assert.ok(Math.abs(f[0]) < 1e-7);
  assert.ok(Math.abs(f[1] - 1 / 6) < 1e-6);
  assert.ok(Math.abs(f[2 * 4] - 0.5) < 1e-6);
  assert.ok(Math.abs(f[3 * 4 + 3] - Math.hypot(0.25, 0.5)) < 1e-6);
});
