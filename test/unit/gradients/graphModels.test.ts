// Input gradients through GraphModel ops as tfjs-converter writes them, opened through the product's loader:
// FusedDepthwiseConv2dNative and _FusedConv2D (dilated) with every activation the converter fuses (BiasAdd
// alone, Relu, Relu6, Elu, LeakyRelu, Prelu, Sigmoid), and a graph of transposed conv (Conv2DBackpropInput as
// a forward op), StridedSlice, MirrorPad, Pad and ResizeBilinear. Forward outputs equal the same function in
// plain ops (<= 1e-6); gradients equal its gradient on cpu or the exact Jacobian, on every backend.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { affineGradRef, BACKENDS, inputGrad, relErr, seeded, seededTensor } from './gradCheck';
import { lastLayerId, openGraphModel, type GraphWeight } from './memoryModel';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (v: number[]) => ({ list: { i: v.map(String) } });
const F = { type: 'DT_FLOAT' };
const dim = (sizes: number[]) => ({ dim: sizes.map((s) => ({ size: String(s) })) });
const constNode = (name: string, shape: number[], dtype = 'DT_FLOAT') => ({
  name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dim(shape) } }, dtype: { type: dtype } },
});
const placeholder = (shape: number[]) => ({ name: 'x', op: 'Placeholder', attr: { dtype: F, shape: { shape: dim(shape) } } });

type Activation = 'linear' | 'Relu' | 'Relu6' | 'Elu' | 'LeakyRelu' | 'Prelu' | 'Sigmoid';
const ACTIVATIONS: Activation[] = ['linear', 'Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Prelu', 'Sigmoid'];

function fusedAttrs(activation: Activation, strides: number, dilation: number) {
  const ops = activation === 'linear' ? ['BiasAdd'] : ['BiasAdd', activation];
  return {
    T: F, strides: ints([1, strides, strides, 1]), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') },
    dilations: ints([1, dilation, dilation, 1]), fused_ops: { list: { s: ops.map(b64) } },
    num_args: { i: activation === 'Prelu' ? '2' : '1' }, epsilon: { f: 0 }, leakyrelu_alpha: { f: 0.15 },
  };
}

const W = {
  dw: { shape: [3, 3, 3, 2], seed: 1 }, dwBias: { shape: [6], seed: 2 }, dwAlpha: { shape: [6], seed: 3 },
  conv: { shape: [3, 3, 6, 4], seed: 4 }, convBias: { shape: [4], seed: 5 }, convAlpha: { shape: [4], seed: 6 },
};
type WName = keyof typeof W;
const weight = (name: WName): GraphWeight => ({ name, shape: W[name].shape, values: seeded(W[name].shape.reduce((a, b) => a * b, 1), W[name].seed) });
const wt = (name: WName) => seededTensor(W[name].shape, W[name].seed);

/** x [1, 9, 9, 3] → depthwise (stride 2, multiplier 2) + bias + act → conv 3×3 (dilation 2) + bias + act. */
async function fusedGraph(activation: Activation) {
  const prelu = activation === 'Prelu';
  const nodes = [
    placeholder([-1, 9, 9, 3]),
    ...(['dw', 'dwBias', 'dwAlpha', 'conv', 'convBias', 'convAlpha'] as WName[]).map((n) => constNode(n, W[n].shape)),
    { name: 'block/dw', op: 'FusedDepthwiseConv2dNative', input: ['x', 'dw', 'dwBias', ...(prelu ? ['dwAlpha'] : [])], attr: fusedAttrs(activation, 2, 1) },
    { name: 'block/conv', op: '_FusedConv2D', input: ['block/dw', 'conv', 'convBias', ...(prelu ? ['convAlpha'] : [])], attr: fusedAttrs(activation, 1, 2) },
  ];
  const names: WName[] = ['dw', 'dwBias', 'dwAlpha', 'conv', 'convBias', 'convAlpha'];
  return openGraphModel(nodes, names.map(weight));
}

function act(z: tf.Tensor, activation: Activation, alpha: WName): tf.Tensor {
  switch (activation) {
    case 'linear': return z;
    case 'Relu': return tf.relu(z);
    case 'Relu6': return tf.clipByValue(z, 0, 6);
    case 'Elu': return tf.elu(z);
    case 'LeakyRelu': return tf.maximum(z, tf.mul(z, 0.15));
    case 'Prelu': return tf.add(tf.relu(z), tf.mul(wt(alpha), tf.neg(tf.relu(tf.neg(z)))));
    case 'Sigmoid': return tf.sigmoid(z);
  }
}

function fusedPlain(x: tf.Tensor, activation: Activation): tf.Tensor {
  const d = act(tf.add(tf.depthwiseConv2d(x as tf.Tensor4D, wt('dw') as tf.Tensor4D, 2, 'same'), wt('dwBias')), activation, 'dwAlpha');
  return act(tf.add(tf.conv2d(d as tf.Tensor4D, wt('conv') as tf.Tensor4D, 1, 'same', 'NHWC', 2), wt('convBias')), activation, 'convAlpha');
}

/** x [1, 4, 4, 3] → transposed conv (stride 2) → strided slice → mirror pad → pad → resize bilinear. */
async function resampleGraph() {
  const filter = seeded(3 * 3 * 2 * 3, 11);
  const I = (name: string, v: number[]): GraphWeight => ({ name, shape: [v.length], values: Int32Array.from(v) });
  const M = (name: string, v: number[][]): GraphWeight => ({ name, shape: [v.length, 2], values: Int32Array.from(v.flat()) });
  const weights: GraphWeight[] = [
    { name: 'up/filter', shape: [3, 3, 2, 3], values: filter },
    I('up/size', [1, 8, 8, 2]), I('cut/begin', [0, 1, 0, 0]), I('cut/end', [1, 8, 8, 2]), I('cut/strides', [1, 2, 1, 1]),
    M('mirror/paddings', [[0, 0], [1, 2], [2, 1], [0, 0]]), M('pad/paddings', [[0, 0], [1, 0], [0, 2], [0, 0]]), I('resize/size', [12, 12]),
  ];
  const nodes = [
    placeholder([-1, 4, 4, 3]),
    ...weights.map((w) => constNode(w.name, w.shape, w.values instanceof Int32Array ? 'DT_INT32' : 'DT_FLOAT')),
    { name: 'up/conv', op: 'Conv2DBackpropInput', input: ['up/size', 'up/filter', 'x'], attr: { T: F, strides: ints([1, 2, 2, 1]), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: ints([1, 1, 1, 1]) } },
    { name: 'cut', op: 'StridedSlice', input: ['up/conv', 'cut/begin', 'cut/end', 'cut/strides'], attr: { T: F, Index: { type: 'DT_INT32' }, begin_mask: { i: '0' }, end_mask: { i: '0' }, ellipsis_mask: { i: '0' }, new_axis_mask: { i: '0' }, shrink_axis_mask: { i: '0' } } },
    { name: 'mirror', op: 'MirrorPad', input: ['cut', 'mirror/paddings'], attr: { T: F, mode: { s: b64('REFLECT') } } },
    { name: 'pad', op: 'Pad', input: ['mirror', 'pad/paddings'], attr: { T: F } },
    { name: 'resize', op: 'ResizeBilinear', input: ['pad', 'resize/size'], attr: { T: F, align_corners: { b: false }, half_pixel_centers: { b: true } } },
  ];
  const model = await openGraphModel(nodes, weights);
  const plain = (x: tf.Tensor) => {
    const up = tf.conv2dTranspose(x as tf.Tensor4D, tf.tensor4d(filter, [3, 3, 2, 3]), [1, 8, 8, 2], 2, 'same');
    const cut = tf.stridedSlice(up, [0, 1, 0, 0], [1, 8, 8, 2], [1, 2, 1, 1]);
    const mirrored = tf.mirrorPad(cut, [[0, 0], [1, 2], [2, 1], [0, 0]], 'reflect');
    const padded = tf.pad(mirrored, [[0, 0], [1, 0], [0, 2], [0, 0]]);
    return tf.image.resizeBilinear(padded as tf.Tensor4D, [12, 12], false, true);
  };
  return { model, plain };
}

const cpuGrads = new Map<string, Float32Array>();
const order = [BACKENDS[2]!, BACKENDS[0]!, BACKENDS[1]!];

for (const backend of order) {
  describe(`GraphModel input gradients on ${backend.name}`, { skip: backend.skip }, () => {
    before(() => backend.start());
    for (const activation of ACTIVATIONS) {
      it(`fused depthwise and dilated conv, ${activation === 'linear' ? 'BiasAdd only' : activation}`, async () => {
        const model = await fusedGraph(activation);
        const id = lastLayerId(model);
        const f = (v: tf.Tensor) => model.forward(v as tf.Tensor4D, [id])[0] as tf.Tensor;
        const x = seededTensor([1, 9, 9, 3], 7);
        const r = seededTensor(Array.from(tf.tidy(() => f(x)).shape), 8);
        const { grad, out } = inputGrad(f, x, r);
        const plain = inputGrad((v) => fusedPlain(v, activation), x, r);
        const fwdErr = relErr(out, plain.out);
        assert.ok(fwdErr <= 1e-6, `forward differs from plain ops by ${fwdErr.toExponential(2)}`);
        const ref = backend.name === 'cpu' ? plain.grad : cpuGrads.get(activation);
        assert.ok(ref, 'the cpu run of this case failed');
        const err = relErr(grad, ref);
        assert.ok(err <= 1e-4, `relative error ${err.toExponential(2)} against ${backend.name === 'cpu' ? 'plain ops' : 'cpu'}`);
        if (backend.name === 'cpu') cpuGrads.set(activation, grad);
        model.dispose();
      });
    }
    it('transposed conv, strided slice, mirror pad, pad, resize bilinear', async () => {
      const { model, plain } = await resampleGraph();
      const id = lastLayerId(model);
      const f = (v: tf.Tensor) => model.forward(v as tf.Tensor4D, [id])[0] as tf.Tensor;
      const x = seededTensor([1, 4, 4, 3], 9);
      const r = seededTensor(Array.from(tf.tidy(() => f(x)).shape), 10);
      const { grad, out } = inputGrad(f, x, r);
      const fwdErr = relErr(out, inputGrad(plain, x, r).out);
      assert.ok(fwdErr <= 1e-6, `forward differs from plain ops by ${fwdErr.toExponential(2)}`);
      const err = relErr(grad, affineGradRef(f, x, r));
      assert.ok(err <= 1e-4, `relative error ${err.toExponential(2)} against the exact Jacobian`);
      model.dispose();
    });
  });
}
