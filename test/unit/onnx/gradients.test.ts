// Input gradients through imported graphs: equal to PyTorch's for the small fixtures that keep one; finite and
// equal to finite differences for the MNIST fixture and a small graph with strided depthwise, dilated grouped
// convs, signed max pooling, padded average pooling and a transposed conv; on wasm and cpu. Conv forward values
// are checked against a naive convolution.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { fixtureBytes, fixtureIndex, fixtureNpy, fixturePath, nhwcInput, relL2 } from './fixtureData';
import { buildOnnx, seeded } from './onnxBuilder';

/** Checks tf.grad of sum(out * r) against central differences along random directions. */
function checkGradient(model: LoadedModel, x: tf.Tensor4D, id: string, eps: number, tol: number): void {
  const outShape = tf.tidy(() => model.forward(x, [id])[0].shape);
  const r = tf.tensor(seeded(outShape.reduce((a, b) => a * b, 1), 7), outShape);
  const f = (inp: tf.Tensor) => tf.sum(tf.mul(model.forward(inp as tf.Tensor4D, [id])[0], r));
  const g = tf.grad(f)(x);
  const gd = g.dataSync();
  assert.ok(gd.every(Number.isFinite), 'gradient has non-finite values');
  assert.ok(gd.some((v) => v !== 0), 'gradient is all zeros');
  for (let k = 0; k < 3; k++) {
    const v = tf.tensor(seeded(x.size, 100 + k), x.shape);
    const [fp, fm, gv] = tf.tidy(() => [
      f(tf.add(x, tf.mul(v, eps))).dataSync()[0],
      f(tf.sub(x, tf.mul(v, eps))).dataSync()[0],
      tf.sum(tf.mul(g, v)).dataSync()[0],
    ]);
    const fd = (fp - fm) / (2 * eps);
    assert.ok(Math.abs(fd - gv) <= tol * Math.max(1, Math.abs(gv)), `${id}: directional derivative ${gv} vs finite difference ${fd}`);
    v.dispose();
  }
  tf.dispose([g, r]);
}

/** Naive NCHW convolution, the reference for the synthetic graph's convs. */
function naiveConv(x: number[], xs: number[], w: number[], ws: number[], group: number, s: number, p: number, d: number, bias: number[]) {
  const [, C, H, W] = xs;
  const [O, Ig, kh, kw] = ws;
  const oh = Math.floor((H + 2 * p - d * (kh - 1) - 1) / s) + 1;
  const ow = Math.floor((W + 2 * p - d * (kw - 1) - 1) / s) + 1;
  const out = new Array<number>(O * oh * ow).fill(0);
  const og = O / group;
  for (let o = 0; o < O; o++) {
    const g = Math.floor(o / og);
    for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
      let acc = bias[o];
      for (let i = 0; i < Ig; i++) for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
        const iy = y * s - p + a * d;
        const ix = xx * s - p + b * d;
        if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
        acc += x[((g * Ig + i) * H + iy) * W + ix] * w[((o * Ig + i) * kh + a) * kw + b];
      }
      out[(o * oh + y) * ow + xx] = acc;
    }
  }
  void C;
  return { data: out, shape: [1, O, oh, ow] };
}

const W1 = seeded(4 * 9, 11);
const W2 = seeded(6 * 2 * 9, 12).map((v) => v * 0.5);
const W3 = seeded(6 * 3 * 9, 13).map((v) => v * 0.3);
const B1 = seeded(4, 14);
const B2 = seeded(6, 15);

function syntheticModel(): Uint8Array {
  return buildOnnx({
    input: { name: 'x', dims: [1, 4, 9, 9] },
    outputs: ['y'],
    initializers: [
      { name: 'w1', dims: [4, 1, 3, 3], data: W1 },
      { name: 'b1', dims: [4], data: B1 },
      { name: 'w2', dims: [6, 2, 3, 3], data: W2 },
      { name: 'b2', dims: [6], data: B2 },
      { name: 'w3', dims: [6, 3, 3, 3], data: W3 },
    ],
    nodes: [
      { op: 'Conv', name: '/dw/Conv', inputs: ['x', 'w1', 'b1'], outputs: ['a'], attrs: { group: 4, kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] } },
      { op: 'Conv', name: '/gc/Conv', inputs: ['a', 'w2', 'b2'], outputs: ['b'], attrs: { group: 2, kernel_shape: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 2] } },
      { op: 'MaxPool', name: '/mp/MaxPool', inputs: ['b'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] } },
      { op: 'AveragePool', name: '/ap/AveragePool', inputs: ['c'], outputs: ['d'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2], ceil_mode: 1 } },
      { op: 'ConvTranspose', name: '/ct/ConvTranspose', inputs: ['d', 'w3'], outputs: ['e'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2], output_padding: [1, 1] } },
      { op: 'Tanh', name: '/act/Tanh', inputs: ['e'], outputs: ['y'] },
    ],
  });
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`ONNX input gradients on ${backend}`, () => {
    it('mnist_cnn: finite and equal to finite differences', async () => {
      await useBackend(backend);
      const m = fixtureIndex.models.mnist_cnn;
      const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
      // Noise breaks the exact ties of the blank background (max pooling is not differentiable at ties).
      const x = tf.tidy(() => {
        const clean = nhwcInput(m.input);
        return tf.add(clean, tf.mul(tf.tensor(seeded(clean.size, 9), clean.shape), 0.05)) as tf.Tensor4D;
      });
      checkGradient(model, x, 'fc', 1e-4, 5e-2);
      checkGradient(model, x, 'conv2', 1e-4, 5e-2);
      x.dispose();
      model.dispose();
    });

    // PyTorch's own input gradients (float64) of sum(module output * r) for the fixtures that keep one: MNIST,
    // dilated, grouped/depthwise, dilated ConvTranspose, 1- and 4-channel inputs with folded BatchNorm, and
    // LayerNormalization + Erf GELU + channels-last Transposes at opset 17.
    for (const [name, m] of Object.entries(fixtureIndex.models)) {
      if (!m.gradient) continue;
      const { module, projection, input_gradient: reference } = m.gradient;
      it(`${name}: input gradient of ${module} equals PyTorch's (relative L2 <= 1e-4)`, async () => {
        await useBackend(backend);
        const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
        const x = nhwcInput(m.input);
        const r = nhwcInput(projection);
        const g = tf.grad((inp: tf.Tensor) => tf.sum(tf.mul(model.forward(inp as tf.Tensor4D, [module])[0], r)))(x);
        const err = relL2(g, fixtureNpy(reference));
        assert.ok(err <= 1e-4, `${name}: relative L2 error ${err}`);
        tf.dispose([g, r, x]);
        model.dispose();
      });
    }

    it('synthetic strided/dilated/grouped convs, pools and ConvTranspose', async () => {
      await useBackend(backend);
      const model = await loadOnnxModel(syntheticModel(), '/tmp/synthetic.onnx');
      const xs = seeded(4 * 81, 3);
      const x = tf.tidy(() => tf.transpose(tf.tensor4d(xs, [1, 4, 9, 9]), [0, 2, 3, 1])) as tf.Tensor4D;
      const [a, b, y] = model.forward(x, ['dw', 'gc', 'act']);
      assert.deepEqual(a.shape, [1, 5, 5, 4]);
      assert.deepEqual(b.shape, [1, 5, 5, 6]);
      assert.deepEqual(y.shape, [1, 6, 6, 3]);
      const refA = naiveConv(xs, [1, 4, 9, 9], W1, [4, 1, 3, 3], 4, 2, 1, 1, B1);
      const refB = naiveConv(refA.data, refA.shape, W2, [6, 2, 3, 3], 2, 1, 2, 2, B2);
      for (const [got, ref] of [[a, refA], [b, refB]] as const) {
        const g = tf.tidy(() => tf.transpose(got, [0, 3, 1, 2]).dataSync());
        const maxErr = Math.max(...ref.data.map((v, i) => Math.abs(v - g[i])));
        assert.ok(maxErr < 1e-4, `conv differs from the naive reference by ${maxErr}`);
      }
      tf.dispose([a, b, y]);
      checkGradient(model, x, 'act', 1e-3, 1e-2);
      checkGradient(model, x, 'gc', 1e-3, 1e-2);
      x.dispose();
      model.dispose();
    });
  });
}
