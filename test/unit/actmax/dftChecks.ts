// The checks of src/core/actmax/dft.ts, shared by dft.test.ts (TF.js's wasm kernels) and dftNative.test.ts (the
// native kernels): each layout against float64 references written out from the definitions (numpy's convention),
// its gradient against the exact adjoint and against TF.js's automatic gradient of the textbook dense form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { RealDft2, halfWidth, type SpectrumLayout } from '../../../src/core/actmax/dft';

/** A deterministic spread of values in [-1, 1) (no RNG state shared between checks). */
function values(count: number, seed: number): Float64Array {
  const out = new Float64Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * numpy's irfft2 of one plane in float64: ifft along H (complex, 1/H), then irfft along W (1/W): bins 0 and W/2
 * (even W) count once and their imaginary parts are dropped, the others count twice (they stand for their conjugates).
 * Half spectrum row-major [H, Wf].
 */
export function irfft2Reference(re: Float64Array, im: Float64Array, h: number, w: number): Float64Array {
  const wf = halfWidth(w);
  const yr = new Float64Array(h * wf);
  const yi = new Float64Array(h * wf);
  for (let m = 0; m < h; m++) {
    for (let k = 0; k < h; k++) {
      const a = (2 * Math.PI * ((k * m) % h)) / h;
      const c = Math.cos(a);
      const s = Math.sin(a);
      for (let l = 0; l < wf; l++) {
        yr[m * wf + l] += (re[k * wf + l] * c - im[k * wf + l] * s) / h;
        yi[m * wf + l] += (re[k * wf + l] * s + im[k * wf + l] * c) / h;
      }
    }
  }
  const cw = new Float64Array(wf * w);
  const sw = new Float64Array(wf * w);
  for (let l = 0; l < wf; l++) {
    const weight = l === 0 || (w % 2 === 0 && l === w / 2) ? 1 : 2;
    for (let n = 0; n < w; n++) {
      const a = (2 * Math.PI * ((l * n) % w)) / w;
      cw[l * w + n] = (weight * Math.cos(a)) / w;
      sw[l * w + n] = (weight * Math.sin(a)) / w;
    }
  }
  const x = new Float64Array(h * w);
  for (let m = 0; m < h; m++) {
    for (let l = 0; l < wf; l++) {
      const r = yr[m * wf + l];
      const i = yi[m * wf + l];
      for (let n = 0; n < w; n++) x[m * w + n] += r * cw[l * w + n] - i * sw[l * w + n];
    }
  }
  return x;
}

/** numpy's rfft2 of one plane [H, W] in float64 (unnormalized): half spectrum row-major [H, Wf]. */
export function rfft2Reference(x: Float64Array, h: number, w: number): { re: Float64Array; im: Float64Array } {
  const wf = halfWidth(w);
  const re = new Float64Array(h * wf);
  const im = new Float64Array(h * wf);
  for (let k = 0; k < h; k++) {
    for (let l = 0; l < wf; l++) {
      let sr = 0;
      let si = 0;
      for (let m = 0; m < h; m++) {
        for (let n = 0; n < w; n++) {
          const a = 2 * Math.PI * (((k * m) % h) / h + ((l * n) % w) / w);
          sr += x[m * w + n] * Math.cos(a);
          si -= x[m * w + n] * Math.sin(a);
        }
      }
      re[k * wf + l] = sr;
      im[k * wf + l] = si;
    }
  }
  return { re, im };
}

/** Per-plane half spectra [B][H·Wf] → one numpy-order tensor [H, B, Wf]. */
function binsTensor(planes: Float64Array[], h: number, wf: number): tf.Tensor3D {
  const b = planes.length;
  const out = new Float32Array(h * b * wf);
  for (let i = 0; i < b; i++) for (let k = 0; k < h; k++) for (let l = 0; l < wf; l++) out[(k * b + i) * wf + l] = planes[i][k * wf + l];
  return tf.tensor3d(out, [h, b, wf]);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * Tolerance: float32 products accumulate up to 2H (≤ 450) terms; the worst element error relative to the largest
 * |value| of the result was at most 2.2e-6 (224 and 225 px, both layouts, wasm and native kernels), so REL = 2e-5 of that scale:
 * a wrong sign, bin weight or index is an O(1) error.
 */
const REL = 2e-5;

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = Math.max(maxAbs(want), 1e-30);
  let worst = 0;
  let at = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (e > worst) [worst, at] = [e, i];
  }
  assert.ok(worst <= REL * scale, `${what}: max error ${worst.toExponential(2)} at ${at} (${got[at]} vs ${want[at]}), ${(worst / scale).toExponential(2)} of the scale ${scale.toExponential(2)}`);
}

/** The textbook dense form (four real products along H, two along W) with TF.js's automatic gradient, no custom one. */
function denseIrfft2(re: tf.Tensor3D, im: tf.Tensor3D, h: number, w: number): tf.Tensor3D {
  const wf = halfWidth(w);
  const b = re.shape[1];
  const ch = new Float32Array(h * h);
  const sh = new Float32Array(h * h);
  for (let m = 0; m < h; m++) for (let k = 0; k < h; k++) {
    const a = (2 * Math.PI * ((k * m) % h)) / h;
    ch[m * h + k] = Math.cos(a);
    sh[m * h + k] = Math.sin(a);
  }
  const cw = new Float32Array(wf * w);
  const sw = new Float32Array(wf * w);
  for (let l = 0; l < wf; l++) for (let n = 0; n < w; n++) {
    const weight = l === 0 || (w % 2 === 0 && l === w / 2) ? 1 : 2;
    const a = (2 * Math.PI * ((l * n) % w)) / w;
    cw[l * w + n] = (weight * Math.cos(a)) / (h * w);
    sw[l * w + n] = (weight * Math.sin(a)) / (h * w);
  }
  const [chT, shT, cwT, swT] = [tf.tensor2d(ch, [h, h]), tf.tensor2d(sh, [h, h]), tf.tensor2d(cw, [wf, w]), tf.tensor2d(sw, [wf, w])];
  const reF = tf.reshape(re, [h, b * wf]);
  const imF = tf.reshape(im, [h, b * wf]);
  const yr = tf.sub(tf.matMul(chT, reF), tf.matMul(shT, imF));
  const yi = tf.add(tf.matMul(shT, reF), tf.matMul(chT, imF));
  const rows = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [h, b, wf]), [1, 0, 2]), [b * h, wf]);
  return tf.reshape(tf.sub(tf.matMul(rows(yr), cwT), tf.matMul(rows(yi), swT)), [b, h, w]);
}

const SIZES: [number, number][] = [[1, 1], [2, 2], [7, 7], [13, 17], [17, 13], [4, 6], [6, 5], [1, 8], [9, 1], [224, 224], [225, 225]];

export function registerDftChecks(layouts: SpectrumLayout[]): void {
  for (const layout of layouts) {
    for (const [h, w] of SIZES) {
      test(`${layout}: inverse matches float64 irfft2 (numpy convention), ${h}×${w}`, () => {
        const wf = halfWidth(w);
        const b = 2;
        const re = [values(h * wf, 11 * h + w), values(h * wf, 13 * w + h + 1)];
        const im = [values(h * wf, 17 * h + w + 2), values(h * wf, 19 * w + h + 3)];
        const dft = new RealDft2(h, w, layout);
        const x = tf.tidy(() => dft.inverse(dft.fromHalfSpectra(binsTensor(re, h, wf), binsTensor(im, h, wf))).dataSync());
        for (let i = 0; i < b; i++) assertClose(x.subarray(i * h * w, (i + 1) * h * w), irfft2Reference(re[i], im[i], h, w), `plane ${i}`);
        dft.dispose();
      });

      test(`${layout}: forward matches float64 rfft2, and inverse(forward(x)) = x, ${h}×${w}`, () => {
        const wf = halfWidth(w);
        const small = h * w <= 400; // the direct rfft2 reference is O((H·W)²)
        const b = 2;
        const x = values(b * h * w, 7 * h + 3 * w);
        const dft = new RealDft2(h, w, layout);
        const { re, im, back } = tf.tidy(() => {
          const spec = dft.forward(tf.tensor3d(Float32Array.from(x), [b, h, w]));
          const halves = dft.toHalfSpectra(spec);
          return { re: halves.re.dataSync(), im: halves.im.dataSync(), back: dft.inverse(spec).dataSync() };
        });
        assertClose(back, x, 'inverse(forward(x))');
        if (small) {
          for (let i = 0; i < b; i++) {
            const want = rfft2Reference(x.subarray(i * h * w, (i + 1) * h * w), h, w);
            const pick = (t: ArrayLike<number>) => Float64Array.from({ length: h * wf }, (_, j) => t[(Math.floor(j / wf) * b + i) * wf + (j % wf)]);
            assertClose(pick(re), want.re, `plane ${i} re`);
            assertClose(pick(im), want.im, `plane ${i} im`);
          }
        }
        dft.dispose();
      });
    }

    test(`${layout}: applyBins applies each bin's value to that bin, for complex spectra and for one value per bin`, () => {
      const [h, w, b] = [5, 8, 3];
      const dft = new RealDft2(h, w, layout);
      const wf = dft.wf;
      const bins = Float32Array.from(values(h * wf, 5), (v) => v + 2);
      const re = Float32Array.from(values(h * b * wf, 6));
      const im = Float32Array.from(values(h * b * wf, 7));
      const want = (t: Float32Array) => t.map((v, i) => v * bins[Math.floor(i / (b * wf)) * wf + (i % wf)]);
      tf.tidy(() => {
        const spec = dft.fromHalfSpectra(tf.tensor3d(re, [h, b, wf]), tf.tensor3d(im, [h, b, wf]));
        const scaled = dft.toHalfSpectra(dft.applyBins(spec, dft.binValues(bins, 2), tf.mul));
        assert.deepEqual(scaled.re.dataSync(), want(re));
        assert.deepEqual(scaled.im.dataSync(), want(im));
        const one = dft.applyBins(dft.fromBins(tf.tensor3d(re, [h, b, wf])), dft.binValues(bins, 1), tf.mul);
        assert.deepEqual(dft.toBins(one).dataSync(), want(re));
      });
      dft.dispose();
    });

    for (const [h, w, b] of [[6, 6, 2], [7, 5, 3], [13, 17, 2], [32, 31, 4]]) {
      test(`${layout}: the gradient is the exact adjoint, <A x, y> = <x, Aᵀ y>, and equals the dense form's automatic one, ${h}×${w}`, () => {
        const dft = new RealDft2(h, w, layout);
        const wf = dft.wf;
        let lhs = 0;
        let rhs = 0;
        let ours = new Float64Array(0);
        let dense = new Float64Array(0);
        tf.tidy(() => {
          const re = tf.tensor3d(Float32Array.from(values(h * b * wf, 1 + h)), [h, b, wf]);
          const im = tf.tensor3d(Float32Array.from(values(h * b * wf, 2 + w)), [h, b, wf]);
          const y = tf.tensor3d(Float32Array.from(values(b * h * w, 3 + b)), [b, h, w]);
          const spec = dft.fromHalfSpectra(re, im);
          // The inverse is linear, so <inverse(s), y> = <s, ∂/∂s> exactly when the gradient is its adjoint.
          const f = (s: tf.Tensor) => tf.sum(tf.mul(dft.inverse(s as tf.Tensor4D), y));
          const g = tf.grad(f)(spec) as tf.Tensor4D;
          const halves = dft.toHalfSpectra(g);
          const [gr, gi] = tf.grads((r: tf.Tensor, i: tf.Tensor) => tf.sum(tf.mul(denseIrfft2(r as tf.Tensor3D, i as tf.Tensor3D, h, w), y)))([re, im]);
          lhs = f(spec).dataSync()[0];
          rhs = tf.sum(tf.mul(spec, g)).dataSync()[0];
          ours = Float64Array.from([...halves.re.dataSync(), ...halves.im.dataSync()]);
          dense = Float64Array.from([...gr.dataSync(), ...gi.dataSync()]);
        });
        assert.ok(Math.abs(lhs - rhs) <= 1e-5 * Math.max(1, Math.abs(lhs)), `${h}×${w}: ${lhs} vs ${rhs}`);
        assertClose(ours, dense, 'gradient vs the dense form');
        dft.dispose();
      });
    }
  }
}
