// The native kernels (native/*.cc) against TF.js's own kernels on the same inputs, on wasm and cpu: Conv2D
// (strides, dilations, explicit/same/valid padding, odd and RGB channel counts, batches), FusedConv2D with bias
// and ReLU, Conv2DBackpropInput, MaxPool, MaxPoolGrad (ties and negative windows included), Relu, BatchMatMul, Slice,
// SplitV and the actmax rotation's line shears; wrong sizes throw.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../../helpers/backend';
import { needsNativeKernels } from '../../helpers/native';
import { repoRoot } from '../../helpers/paths';
import { installNativeKernels, nativeKernelsInstalled, uninstallNativeKernels } from '../../../src/core/native/installNativeKernels';
import { loadNativeKernels, locateNativeKernels, nativeThreadsFor } from '../../../src/core/node/loadNativeKernelsNode';
import type { NativeKernelsBinding } from '../../../src/core/native/nativeKernelsBinding';
import { channelStats, channelStatsJs } from '../../../src/core/activations/channelStats';
import { rotateSheared } from '../../../src/core/actmax/rotate';

function compilerPresent(): boolean {
  try {
    execFileSync(process.env.CXX || 'c++', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Max |a - b| relative to max |b| (1 when b is all zeros). */
function relMaxErr(a: tf.Tensor, b: tf.Tensor): number {
  const av = a.dataSync();
  const bv = b.dataSync();
  assert.deepEqual(a.shape, b.shape);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < bv.length; i++) {
    err = Math.max(err, Math.abs(av[i] - bv[i]));
    scale = Math.max(scale, Math.abs(bv[i]));
  }
  return err / Math.max(scale, 1e-30);
}

/** Runs `f` with TF.js's kernels and with the native ones; returns both results. */
function both(binding: NativeKernelsBinding, f: () => tf.Tensor): [tf.Tensor, tf.Tensor] {
  uninstallNativeKernels();
  const reference = f();
  installNativeKernels(binding, 2);
  const native = f();
  return [native, reference];
}

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dilations: [number, number];
}

const CASES: ConvCase[] = [
  { name: '3x3 same, 37 out channels', x: [2, 9, 7, 5], w: [3, 3, 5, 37], strides: [1, 1], pad: 'same', dilations: [1, 1] },
  { name: '7x7 stride 2, RGB in (GoogLeNet conv1)', x: [1, 31, 29, 3], w: [7, 7, 3, 64], strides: [2, 2], pad: [[0, 0], [3, 3], [3, 3], [0, 0]], dilations: [1, 1] },
  { name: '1x1 valid, 33 in, 13 out', x: [1, 6, 6, 33], w: [1, 1, 33, 13], strides: [1, 1], pad: 'valid', dilations: [1, 1] },
  { name: '3x3 dilation 2', x: [1, 11, 10, 4], w: [3, 3, 4, 8], strides: [1, 1], pad: 'valid', dilations: [2, 2] },
  { name: '5x3 stride 3x2, uneven explicit pads', x: [3, 13, 12, 6], w: [5, 3, 6, 40], strides: [3, 2], pad: [[0, 0], [2, 1], [0, 2], [0, 0]], dilations: [1, 1] },
];

/** Each output's weight added at the first maximum of its window (rows, then columns). */
function naiveMaxPoolGrad(x: tf.Tensor4D, dy: tf.Tensor, k: number, s: number): number[] {
  const [n, h, w, c] = x.shape;
  const xv = x.dataSync();
  const dv = dy.dataSync();
  const [, oh, ow] = dy.shape;
  const dx = new Array<number>(x.size).fill(0);
  for (let b = 0; b < n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) for (let ch = 0; ch < c; ch++) {
    let best = -Infinity;
    let at = -1;
    for (let fy = 0; fy < k; fy++) for (let fx = 0; fx < k; fx++) {
      const i = ((b * h + oy * s + fy) * w + ox * s + fx) * c + ch;
      if (xv[i] > best) [best, at] = [xv[i], i];
    }
    dx[at] += dv[((b * oh + oy) * ow + ox) * c + ch];
  }
  return dx;
}

function seededTensor(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`native kernels on ${backend}`, needsNativeKernels, () => {
    let binding: NativeKernelsBinding;
    before(async () => {
      await useBackend(backend, { nativeKernels: true });
      const loaded = loadNativeKernels(join(repoRoot, 'dist'));
      assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
      binding = loaded;
    });
    after(() => installNativeKernels(binding, 2));

    for (const c of CASES) {
      it(`Conv2D ${c.name}`, () => {
        const x = seededTensor(c.x, 1) as tf.Tensor4D;
        const w = seededTensor(c.w, 2) as tf.Tensor4D;
        const [native, reference] = both(binding, () => tf.conv2d(x, w, c.strides, c.pad, 'NHWC', c.dilations));
        assert.ok(relMaxErr(native, reference) < 1e-5, `error ${relMaxErr(native, reference)}`);
        tf.dispose([x, w, native, reference]);
      });

      if (c.dilations[0] === 1) {
        it(`Conv2DBackpropInput ${c.name}`, () => {
          const x = seededTensor(c.x, 3) as tf.Tensor4D;
          const w = seededTensor(c.w, 4) as tf.Tensor4D;
          const yShape = tf.tidy(() => tf.conv2d(x, w, c.strides, c.pad).shape);
          const dy = seededTensor(yShape, 5) as tf.Tensor4D;
          const [native, reference] = both(binding, () => tf.conv2dTranspose(dy, w, c.x, c.strides, c.pad));
          assert.ok(relMaxErr(native, reference) < 1e-5, `error ${relMaxErr(native, reference)}`);
          tf.dispose([x, w, dy, native, reference]);
        });
      }
    }

    it('FusedConv2D with bias and ReLU, and with a bias only', () => {
      const x = seededTensor([2, 8, 8, 6], 6) as tf.Tensor4D;
      const w = seededTensor([3, 3, 6, 20], 7) as tf.Tensor4D;
      const bias = seededTensor([20], 8) as tf.Tensor1D;
      for (const activation of ['relu', 'linear'] as const) {
        const [native, reference] = both(binding, () => tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias, activation }));
        assert.ok(relMaxErr(native, reference) < 1e-5, `${activation}: error ${relMaxErr(native, reference)}`);
        if (activation === 'relu') assert.ok(native.dataSync().some((v) => v === 0) && native.dataSync().some((v) => v > 0));
        tf.dispose([native, reference]);
      }
      tf.dispose([x, w, bias]);
    });

    it('MaxPoolGrad: first maximum of each window, negative windows, ties and overlapping windows, per item and per channel block', () => {
      // Integer values in [-3, 3] make ties common; all-negative windows are where wasm's own kernel misroutes.
      const ties = tf.tidy(() => tf.floor(tf.mul(seededTensor([2, 9, 11, 19], 9), 3.5))) as tf.Tensor4D;
      const negative = tf.tidy(() => tf.sub(tf.abs(seededTensor([1, 6, 6, 3], 10)), 2)) as tf.Tensor4D;
      // Enough batch items for one task per item (channels in blocks of 64 inside it), and one item of 70 channels
      // split into channel blocks across the threads.
      const batch = tf.tidy(() => tf.floor(tf.mul(seededTensor([5, 7, 9, 70], 11), 3.5))) as tf.Tensor4D;
      const single = tf.tidy(() => tf.floor(tf.mul(seededTensor([1, 7, 9, 70], 12), 3.5))) as tf.Tensor4D;
      for (const [input, k, s] of [[ties, 3, 2], [ties, 3, 1], [ties, 2, 2], [negative, 3, 1], [batch, 3, 2], [batch, 2, 1], [single, 3, 1]] as const) {
        const outShape = tf.tidy(() => tf.maxPool(input, k, s, 'valid').shape);
        const weights = tf.tidy(() => tf.reshape(tf.range(1, 1 + outShape.reduce((a, b) => a * b, 1)), outShape));
        const f = (inp: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(inp as tf.Tensor4D, k, s, 'valid'), weights));
        const [native, reference] = both(binding, () => tf.grad(f)(input));
        const expected = naiveMaxPoolGrad(input, weights, k, s);
        assert.deepEqual(Array.from(native.dataSync()), expected, `k${k} s${s}: native differs from the first-maximum rule`);
        // TF.js's cpu kernel follows the same rule; wasm's misroutes windows whose maximum is <= 0 (opsPool.ts).
        if (backend === 'cpu') assert.deepEqual(Array.from(reference.dataSync()), expected);
        tf.dispose([native, reference, weights]);
      }
      tf.dispose([ties, negative, batch, single]);
    });

    it('MaxPool: same values as TF.js, with same / explicit / ceil-style uneven padding and strides', () => {
      const x = seededTensor([2, 13, 11, 21], 12) as tf.Tensor4D;
      const cases: [number, number, 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]]][] = [
        [3, 2, 'same'], [3, 1, 'valid'], [2, 2, 'valid'], [3, 2, [[0, 0], [0, 1], [1, 1], [0, 0]]],
      ];
      for (const [k, s, pad] of cases) {
        const [native, reference] = both(binding, () => tf.maxPool(x, k, s, pad));
        assert.deepEqual(Array.from(native.dataSync()), Array.from(reference.dataSync()), `k${k} s${s} ${JSON.stringify(pad)}`);
        tf.dispose([native, reference]);
      }
      x.dispose();
    });

    it('BatchMatMul: every transpose combination, a shared 2-D B over a batch, a batch of Bs, and a broadcast and dot products it leaves to TF.js', () => {
      const cases: [number[], number[], boolean, boolean][] = [
        [[37, 29], [29, 45], false, false],
        [[29, 37], [29, 45], true, false],
        [[37, 29], [45, 29], false, true],
        [[29, 37], [45, 29], true, true],
        [[3, 5, 13, 29], [29, 70], false, false],
        [[4, 13, 29], [4, 29, 33], false, false],
        [[4, 29, 13], [4, 33, 29], true, true],
        [[13, 29], [4, 29, 33], false, false],
        [[2, 1, 5000], [2, 1, 5000], false, true],
      ];
      cases.forEach(([sa, sb, ta, tb], i) => {
        const a = seededTensor(sa, 20 + i);
        const b = seededTensor(sb, 40 + i);
        const [native, reference] = both(binding, () => tf.matMul(a, b, ta, tb));
        assert.ok(relMaxErr(native, reference) < 1e-5, `case ${i}: error ${relMaxErr(native, reference)}`);
        // The same B again comes from the packed cache, and must still give the same product.
        const again = tf.matMul(a, b, ta, tb);
        assert.ok(relMaxErr(again, reference) < 1e-5, `case ${i} (cached B)`);
        tf.dispose([a, b, native, reference, again]);
      });
    });

    it('the actmax rotation (three line shears): same image and same gradient as TF.js slices, to 1e-6', () => {
      const x = seededTensor([2, 40, 36, 3], 30) as tf.Tensor4D;
      const w = seededTensor([2, 40, 36, 3], 31);
      for (const degrees of [7, -10, 3]) {
        const f = (inp: tf.Tensor) => tf.sum(tf.mul(rotateSheared(inp as tf.Tensor4D, degrees, 0.5), w));
        const [native, reference] = both(binding, () => rotateSheared(x, degrees, 0.5));
        assert.ok(relMaxErr(native, reference) <= 1e-6, `${degrees}°: image error ${relMaxErr(native, reference)}`);
        const [gn, gr] = both(binding, () => tf.grad(f)(x));
        assert.ok(relMaxErr(gn, gr) <= 1e-6, `${degrees}°: gradient error ${relMaxErr(gn, gr)}`);
        tf.dispose([native, reference, gn, gr]);
      }
      tf.dispose([x, w]);
    });

    it('Slice: windows of 1- to 4-D tensors (with -1 sizes and empty windows) equal TF.js', () => {
      const cases: [number[], number[], number[]][] = [
        [[50], [7], [20]],
        [[9, 11], [2, 3], [5, -1]],
        [[4, 9, 11], [1, 0, 2], [2, 9, 7]],
        [[2, 30, 28, 3], [0, 4, 3, 0], [2, 20, 21, 3]],
        [[2, 30, 28, 3], [1, 0, 0, 1], [1, 30, 28, 2]],
        [[2, 30, 28, 3], [0, 5, 0, 0], [2, 0, 28, 3]],
      ];
      cases.forEach(([shape, begin, size], i) => {
        const x = seededTensor(shape, 50 + i);
        const [native, reference] = both(binding, () => tf.slice(x, begin, size));
        assert.deepEqual(native.shape, reference.shape, `case ${i}`);
        assert.deepEqual(Array.from(native.dataSync()), Array.from(reference.dataSync()), `case ${i}`);
        tf.dispose([x, native, reference]);
      });
    });

    it('SplitV: pieces along every axis, equal sizes and uneven ones, equal TF.js', () => {
      const x = seededTensor([2, 6, 5, 9], 60);
      for (const [axis, split] of [[3, [2, 4, 3]], [1, 3], [0, 2], [2, [1, 4]]] as const) {
        const [native, reference] = both(binding, () => tf.concat(tf.split(x, split as number | number[], axis).map((t, i) => tf.mul(t, i + 1)), axis));
        assert.deepEqual(Array.from(native.dataSync()), Array.from(reference.dataSync()), `axis ${axis}`);
        tf.dispose([native, reference]);
      }
      x.dispose();
    });

    it('Relu: same values as TF.js, NaN kept, large tensors split across threads', () => {
      for (const n of [7, 300_001]) {
        const x = tf.tidy(() => tf.concat([tf.tensor1d([NaN, -0, 0, -1e-30]), seededTensor([n], 11)]));
        const [native, reference] = both(binding, () => tf.relu(x));
        const a = native.dataSync();
        const b = reference.dataSync();
        assert.ok(Number.isNaN(a[0]), 'NaN stays NaN');
        // === treats -0 and 0 as equal, which is all a ReLU output needs.
        for (let i = 1; i < b.length; i++) assert.ok(a[i] === b[i], `element ${i}: ${a[i]} vs ${b[i]}`);
        tf.dispose([x, native, reference]);
      }
    });

    it('channel statistics equal the JavaScript ones (min, max, zero fraction exactly; mean to 1e-6)', () => {
      for (const [positions, channels] of [[5, 3], [70_001, 17]]) {
        const data = seededTensor([positions * channels], 13).dataSync() as Float32Array;
        for (let i = 0; i < data.length; i += 7) data[i] = 0;
        const js = channelStatsJs(data, channels, positions);
        const native = channelStats(data, [1, positions, channels]);
        assert.deepEqual(native.min, js.min);
        assert.deepEqual(native.max, js.max);
        assert.deepEqual(native.zeroFraction, js.zeroFraction);
        native.mean.forEach((m, c) => assert.ok(Math.abs(m - js.mean[c]) <= 1e-6, `channel ${c}: mean ${m} vs ${js.mean[c]}`));
      }
    });

    it('a call with sizes that do not match throws instead of writing outside an array', () => {
      const packed = binding.packFilter(new Float32Array(9 * 4 * 8), 36, 8);
      const geometry = Int32Array.of(1, 5, 5, 4, 5, 5, 8, 3, 3, 1, 1, 1, 1, 1, 1);
      assert.throws(() => binding.conv2d(new Float32Array(5 * 5 * 4), packed, new Float32Array(10), geometry, null, false), /out size/);
      assert.throws(() => binding.conv2d(new Float32Array(7), packed, new Float32Array(5 * 5 * 8), geometry, null, false), /x size/);
      assert.throws(() => binding.packFilter(new Float32Array(5), 36, 8), /filter size/);
      assert.throws(() => binding.shearLines(new Float32Array(2 * 10), Int32Array.of(1, 2, 10, 1), Float64Array.of(0.5, 3.5), 7, new Float32Array(2 * 7)), /outside its line/);
      assert.throws(() => binding.shearLines(new Float32Array(2 * 10), Int32Array.of(1, 2, 10, 1), Float64Array.of(-0.5, 0), 4, new Float32Array(2 * 4)), /outside its line/);
      assert.throws(() => binding.maxPoolGrad(new Float32Array(4), new Float32Array(1), new Float32Array(4), new Int32Array(3)), /geometry/);
      assert.ok(nativeKernelsInstalled());
    });
  });
}

describe('native kernel threads', () => {
  it('use layerLens.wasmThreads when set, else every core up to 8', () => {
    assert.equal(nativeThreadsFor(undefined, 2), 2);
    assert.equal(nativeThreadsFor(0, 16), 8);
    assert.equal(nativeThreadsFor(0, 1), 1);
    assert.equal(nativeThreadsFor(3, 16), 3);
  });
});

describe('native kernels build', () => {
  // Without a compiler there is nothing to check: reported as a skip with the reason, not as a pass.
  const noCompiler = compilerPresent() ? false : `no C++ compiler (${process.env.CXX || 'c++'} did not run; install build-essential or set CXX)`;
  it('npm run build produced the addon wherever a C++ compiler is present, and it reports its instruction set', { skip: noCompiler }, () => {
    const path = locateNativeKernels(join(repoRoot, 'dist'));
    assert.ok(path, 'dist/layer_lens_kernels.node is missing although a C++ compiler is present');
    const loaded = loadNativeKernels(join(repoRoot, 'dist'));
    assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
    assert.match(loaded.info().isa, /AVX-512|AVX2|portable/);
  });
});
