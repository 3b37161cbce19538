// The native depthwise kernels (native/depthwiseConv.cc) against TF.js's cpu kernels on the same inputs, on wasm
// and cpu, over a grid: kernel 3/5/7, stride 1/2, dilation 1/2, channel multiplier 1/2, odd sizes, same / valid /
// explicit padding. DepthwiseConv2dNative, FusedDepthwiseConv2D (bias + linear/ReLU/ReLU6; other activations
// fall back) and DepthwiseConv2dNativeBackpropInput. Every case is checked against float64 loops too: TF.js's cpu
// input gradient ignores dilations (shown to differ there), and its kernels refuse a stride and a dilation both
// above 1, which the native ones take.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../../helpers/backend';
import { needsNativeKernels } from '../../helpers/native';
import { repoRoot } from '../../helpers/paths';
import { installNativeKernels, uninstallNativeKernels } from '../../../src/core/native/installNativeKernels';
import { loadNativeKernels } from '../../../src/core/node/loadNativeKernelsNode';
import type { NativeKernelsBinding } from '../../../src/core/native/nativeKernelsBinding';

type Explicit = [[number, number], [number, number], [number, number], [number, number]];
type Pad = 'same' | 'valid' | Explicit;
type Shape4 = [number, number, number, number];

interface Case {
  name: string;
  x: Shape4;
  w: Shape4;
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
}

const PADS: [string, Pad][] = [['same', 'same'], ['valid', 'valid'], ['explicit', [[0, 0], [1, 2], [3, 0], [0, 0]]]];

/** The grid: every kernel size × stride × dilation × multiplier × padding, on an odd-sized 19-channel image. */
function grid(): Case[] {
  const cases: Case[] = [];
  for (const k of [3, 5, 7]) for (const s of [1, 2]) for (const d of [1, 2]) for (const m of [1, 2]) for (const [padName, pad] of PADS) {
    const batch = k === 5 ? 2 : 1;
    cases.push({ name: `k${k} s${s} d${d} m${m} ${padName}`, x: [batch, 17, 15, 19], w: [k, k, 19, m], strides: [s, s], dilations: [d, d], pad });
  }
  // Uneven strides and dilations, and channel counts around a vector's width.
  cases.push({ name: '3x5 s2x1 d1x2 m3, 3 channels', x: [1, 11, 13, 3], w: [3, 5, 3, 3], strides: [2, 1], dilations: [1, 2], pad: 'same' });
  cases.push({ name: '3x3 s1 d1 m1, 33 channels', x: [2, 9, 7, 33], w: [3, 3, 33, 1], strides: [1, 1], dilations: [1, 1], pad: 'same' });
  return cases;
}

function values(shape: number[], seed: number): Float32Array {
  let state = seed * 2654435761 >>> 0;
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Max |a − b| over max |b|. */
function relMaxErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / Math.max(scale, 1e-30);
}

function padInfo(c: Case, outH: number, outW: number): { top: number; left: number } {
  if (Array.isArray(c.pad)) return { top: c.pad[1][0], left: c.pad[2][0] };
  if (c.pad === 'valid') return { top: 0, left: 0 };
  const [, H, W] = c.x;
  const [kh, kw] = c.w;
  const needH = Math.max(0, (outH - 1) * c.strides[0] + (kh - 1) * c.dilations[0] + 1 - H);
  const needW = Math.max(0, (outW - 1) * c.strides[1] + (kw - 1) * c.dilations[1] + 1 - W);
  return { top: Math.floor(needH / 2), left: Math.floor(needW / 2) };
}

/** The depthwise conv in float64 (TF.js's kernels refuse a stride and a dilation both above 1). */
function naiveForward(c: Case, x: Float32Array, w: Float32Array, outH: number, outW: number): Float64Array {
  const [n, H, W, C] = c.x;
  const [kh, kw, , M] = c.w;
  const { top, left } = padInfo(c, outH, outW);
  const y = new Float64Array(n * outH * outW * C * M);
  for (let b = 0; b < n; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
    const iy = oy * c.strides[0] - top + ky * c.dilations[0];
    const ix = ox * c.strides[1] - left + kx * c.dilations[1];
    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
    for (let ch = 0; ch < C; ch++) for (let m = 0; m < M; m++) {
      y[((b * outH + oy) * outW + ox) * C * M + ch * M + m] += x[((b * H + iy) * W + ix) * C + ch] * w[((ky * kw + kx) * C + ch) * M + m];
    }
  }
  return y;
}

/** dx of the depthwise conv in float64, by scattering each dy value over its window. */
function naiveBackpropInput(c: Case, dy: Float32Array, dyShape: number[], w: Float32Array): Float64Array {
  const [n, H, W, C] = c.x;
  const [kh, kw, , M] = c.w;
  const [, oh, ow] = dyShape;
  const { top, left } = padInfo(c, oh, ow);
  const dx = new Float64Array(n * H * W * C);
  for (let b = 0; b < n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
    const iy = oy * c.strides[0] - top + ky * c.dilations[0];
    const ix = ox * c.strides[1] - left + kx * c.dilations[1];
    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
    for (let ch = 0; ch < C; ch++) for (let m = 0; m < M; m++) {
      dx[((b * H + iy) * W + ix) * C + ch] += dy[((b * oh + oy) * ow + ox) * C * M + ch * M + m] * w[((ky * kw + kx) * C + ch) * M + m];
    }
  }
  return dx;
}

/** A binding that counts the depthwise calls, to tell the native kernel from a fallback. */
function counting(binding: NativeKernelsBinding, calls: { forward: number; backprop: number }): NativeKernelsBinding {
  // The addon's functions are neither enumerable nor writable: copy them by name, then replace two.
  const all = Object.fromEntries(Object.getOwnPropertyNames(binding).map((k) => [k, (binding as unknown as Record<string, unknown>)[k]]));
  return {
    ...(all as unknown as NativeKernelsBinding),
    depthwiseConv2d: (...a) => (calls.forward++, binding.depthwiseConv2d(...a)),
    depthwiseConv2dBackpropInput: (...a) => (calls.backprop++, binding.depthwiseConv2dBackpropInput(...a)),
  };
}

const attrsOf = (c: Case) => ({ strides: c.strides, pad: c.pad, dilations: c.dilations, dataFormat: 'NHWC' });

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`native depthwise convs on ${backend}`, needsNativeKernels, () => {
    let binding: NativeKernelsBinding;
    let native: NativeKernelsBinding;
    const calls = { forward: 0, backprop: 0 };

    /** Runs `kernel` with TF.js's own cpu kernel (natives off) and then natively on `backend`: [native, reference]. */
    async function both(kernel: string, inputs: Record<string, [Float32Array, number[]]>, attrs: object, withReference = true): Promise<[Float32Array, Float32Array, number[]]> {
      const run = (): [Float32Array, number[]] => {
        const tensors = Object.fromEntries(Object.entries(inputs).map(([k, [v, s]]) => [k, tf.tensor(v, s)]));
        const y = tf.engine().runKernel(kernel, tensors, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
        const out: [Float32Array, number[]] = [y.dataSync() as Float32Array, y.shape];
        tf.dispose([y, ...Object.values(tensors)]);
        return out;
      };
      uninstallNativeKernels();
      await tf.setBackend('cpu');
      const [reference] = withReference ? run() : [new Float32Array(0)];
      installNativeKernels(native, 2);
      await tf.setBackend(backend);
      const [result, shape] = run();
      return [result, reference, shape];
    }

    before(async () => {
      await useBackend(backend, { nativeKernels: true });
      const loaded = loadNativeKernels(join(repoRoot, 'dist'));
      assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
      binding = loaded;
      native = counting(binding, calls);
      uninstallNativeKernels();
      installNativeKernels(native, 2);
    });
    after(() => {
      uninstallNativeKernels();
      installNativeKernels(binding, 2);
    });

    for (const c of grid()) {
      it(`DepthwiseConv2dNative and its input gradient, ${c.name}`, async () => {
        const x = values(c.x, 1);
        const w = values(c.w, 2);
        const before = { ...calls };
        // TF.js's kernels assert a stride or a dilation of 1; the native one takes both.
        const tfjsTakesIt = c.strides.every((s) => s === 1) || c.dilations.every((d) => d === 1);
        const [y, yRef, yShape] = await both('DepthwiseConv2dNative', { x: [x, c.x], filter: [w, c.w] }, attrsOf(c), tfjsTakesIt);
        const yExact = naiveForward(c, x, w, yShape[1], yShape[2]);
        assert.ok(relMaxErr(y, yExact) < 1e-5, `forward error ${relMaxErr(y, yExact)} against float64`);
        if (tfjsTakesIt) assert.ok(relMaxErr(y, yRef) < 1e-5, `forward error ${relMaxErr(y, yRef)} against TF.js cpu`);
        const dy = values(yShape, 3);
        const gradAttrs = { ...attrsOf(c), inputShape: c.x };
        const [dx, dxCpu] = await both('DepthwiseConv2dNativeBackpropInput', { dy: [dy, yShape], filter: [w, c.w] }, gradAttrs);
        const expected = naiveBackpropInput(c, dy, yShape, w);
        assert.ok(relMaxErr(dx, expected) < 1e-5, `input gradient error ${relMaxErr(dx, expected)} against float64`);
        if (c.dilations[0] === 1 && c.dilations[1] === 1) assert.ok(relMaxErr(dx, dxCpu) < 1e-5, `input gradient error ${relMaxErr(dx, dxCpu)} against TF.js cpu`);
        else assert.ok(relMaxErr(dxCpu, expected) > 1e-3, 'TF.js cpu now handles dilations in its depthwise input gradient: compare with it');
        assert.deepEqual([calls.forward - before.forward, calls.backprop - before.backprop], [1, 1], 'both ran natively');
      });
    }

    it('FusedDepthwiseConv2D: bias with linear, ReLU and ReLU6 fused; ELU and PReLU run TF.js\'s kernel', async () => {
      const c: Case = { name: 'fused', x: [2, 12, 9, 21], w: [3, 3, 21, 2], strides: [2, 2], dilations: [1, 1], pad: 'same' };
      const x = values(c.x, 4).map((v) => v * 4);
      const w = values(c.w, 5);
      const bias = values([42], 6);
      for (const activation of ['linear', 'relu', 'relu6', 'elu', 'prelu']) {
        const before = calls.forward;
        const inputs: Record<string, [Float32Array, number[]]> = { x: [x, c.x], filter: [w, c.w], bias: [bias, [42]] };
        if (activation === 'prelu') inputs.preluActivationWeights = [values([42], 7), [42]];
        const [y, yRef] = await both('FusedDepthwiseConv2D', inputs, { ...attrsOf(c), activation });
        assert.ok(relMaxErr(y, yRef) < 1e-5, `${activation}: error ${relMaxErr(y, yRef)}`);
        assert.equal(calls.forward - before, ['linear', 'relu', 'relu6'].includes(activation) ? 1 : 0, `${activation}: native or fallback as expected`);
        if (activation === 'relu6') assert.ok(y.some((v) => v === 6) && y.some((v) => v === 0) && y.some((v) => v > 0 && v < 6), 'ReLU6 clips both ends');
      }
    });

    it('the input gradient of tf.depthwiseConv2d runs through tf.grad on this backend', () => {
      const x = tf.tensor4d(values([1, 10, 10, 8], 8), [1, 10, 10, 8]);
      const w = tf.tensor4d(values([3, 3, 8, 1], 9), [3, 3, 8, 1]);
      const r = tf.tensor4d(values([1, 5, 5, 8], 10), [1, 5, 5, 8]);
      const before = calls.backprop;
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(v as tf.Tensor4D, w, 2, 'same'), r)))(x);
      // The gradient is linear in r: <dx, x> equals <r, conv(x)>.
      const lhs = tf.sum(tf.mul(g, x)).dataSync()[0];
      const rhs = tf.sum(tf.mul(tf.depthwiseConv2d(x, w, 2, 'same'), r)).dataSync()[0];
      assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.abs(rhs), `${lhs} vs ${rhs}`);
      assert.equal(calls.backprop - before, 1);
      tf.dispose([x, w, r, g]);
    });

    it('wrong sizes throw instead of reading or writing outside the arrays', () => {
      const g = Int32Array.of(1, 4, 4, 3, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1);
      const ok = () => binding.depthwiseConv2d(new Float32Array(48), new Float32Array(27), new Float32Array(48), g, null, 0);
      ok();
      assert.throws(() => binding.depthwiseConv2d(new Float32Array(47), new Float32Array(27), new Float32Array(48), g, null, 0), /x size/);
      assert.throws(() => binding.depthwiseConv2d(new Float32Array(48), new Float32Array(26), new Float32Array(48), g, null, 0), /filter size/);
      assert.throws(() => binding.depthwiseConv2d(new Float32Array(48), new Float32Array(27), new Float32Array(48), g, new Float32Array(2), 0), /bias size/);
      assert.throws(() => binding.depthwiseConv2d(new Float32Array(48), new Float32Array(27), new Float32Array(48), g, null, 3), /activation/);
      const multiplier = Int32Array.of(1, 4, 4, 3, 4, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1);
      assert.throws(() => binding.depthwiseConv2dBackpropInput(new Float32Array(64), new Float32Array(36), new Float32Array(48), multiplier), /multiple/);
    });
  });
}
