// Input gradients through Keras layers of real CNNs, opened through the product's loader: depthwise, separable
// (dilated), transposed and dilated convs, BatchNormalization with scale: false or center: false (InceptionV3),
// padding, cropping, upsampling, global pooling, squeeze-excite multiply and the smooth and clipped activations.
// Forward outputs equal the layers' own call; gradients equal the exact Jacobian (affine model) or TF.js's
// gradient through the layers' own call on cpu, on wasm (with and without the native kernels) and cpu.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { affineGradRef, BACKENDS, inputGrad, relErr, seededTensor } from './gradCheck';
import { lastLayerId, openLayersModel } from './memoryModel';
import type { LoadedModel } from '../../../src/core/model/loadedModel';

/** Seed of a weight from its name, so that two builds of a net with named layers get the same values. */
function nameSeed(name: string): number {
  let h = 7;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) >>> 0;
  return h;
}

/** Sets every weight to seeded values (variances positive, BN scales 1 when `unitGamma`), independent of initializers. */
function seedWeights(model: tfl.LayersModel, seed: number, unitGamma = false): void {
  model.setWeights(model.weights.map((w, i) => {
    const name = w.originalName;
    const shape = w.shape as number[];
    if (unitGamma && /gamma/.test(name)) return tf.ones(shape);
    const v = seededTensor(shape, /^(stem|branch)/.test(name) ? nameSeed(name) : seed + i);
    return /moving_variance/.test(name) ? tf.add(tf.abs(v), 0.5) : v;
  }));
}

/** Every layer affine: conv forms, BN without scale or offset, padding, cropping, upsampling, pooling. */
function affineModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3] });
  let y = tfl.layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false }).apply(input) as tfl.SymbolicTensor;
  y = tfl.layers.batchNormalization({ scale: false }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same' }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.batchNormalization({ center: false }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.separableConv2d({ filters: 6, kernelSize: 3, dilationRate: 2, padding: 'same' }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.zeroPadding2d({ padding: [[1, 0], [0, 1]] }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.cropping2D({ cropping: [[0, 1], [1, 0]] }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.upSampling2d({ size: [2, 2] }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.batchNormalization({ scale: false, center: false }).apply(y) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(y) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 5 }).apply(pooled) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  seedWeights(model, 10);
  return model;
}

/** Smooth and clipped activations and a squeeze-excite block (global mean × multiply). */
function activationModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 3] });
  let y = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'swish' }).apply(input) as tfl.SymbolicTensor;
  y = tfl.layers.activation({ activation: 'hardSigmoid' }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'gelu' }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.reLU({ maxValue: 0.8 }).apply(y) as tfl.SymbolicTensor;
  const squeeze = tfl.layers.globalAveragePooling2d({}).apply(y) as tfl.SymbolicTensor;
  let excite = tfl.layers.dense({ units: 4, activation: 'sigmoid' }).apply(squeeze) as tfl.SymbolicTensor;
  excite = tfl.layers.reshape({ targetShape: [1, 1, 4] }).apply(excite) as tfl.SymbolicTensor;
  y = tfl.layers.multiply().apply([y, excite]) as tfl.SymbolicTensor;
  y = tfl.layers.conv2d({ filters: 3, kernelSize: 1, activation: 'elu' }).apply(y) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: y });
  seedWeights(model, 30);
  return model;
}

/**
 * InceptionV3's pattern: conv (no bias) → BN(scale: false) → ReLU, branches concatenated. `scale` builds the
 * same function with BN scales of 1, whose gradient the layers' own call can take (the reference).
 */
function inceptionLikeModel(scale = false): tfl.LayersModel {
  const input = tfl.input({ shape: [11, 11, 3] });
  const convBn = (x: tfl.SymbolicTensor, name: string, filters: number, k: number, strides = 1): tfl.SymbolicTensor => {
    const c = tfl.layers.conv2d({ name: `${name}_conv`, filters, kernelSize: k, strides, padding: 'valid', useBias: false }).apply(x) as tfl.SymbolicTensor;
    const b = tfl.layers.batchNormalization({ name: `${name}_bn`, scale, axis: 3 }).apply(c) as tfl.SymbolicTensor;
    return tfl.layers.activation({ activation: 'relu' }).apply(b) as tfl.SymbolicTensor;
  };
  const stem = convBn(input, 'stem', 4, 3, 2);
  const a = convBn(stem, 'branch_a', 3, 1);
  const b = convBn(tfl.layers.zeroPadding2d({ padding: 1 }).apply(stem) as tfl.SymbolicTensor, 'branch_b', 3, 3);
  const mixed = tfl.layers.concatenate({ axis: -1 }).apply([a, b]) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: mixed });
  seedWeights(model, 50, scale);
  return model;
}

interface Case {
  name: string;
  build: () => tfl.LayersModel;
  affine: boolean;
}

const CASES: Case[] = [
  { name: 'affine layers (dilated/depthwise/separable/transposed convs, BN without scale or offset, padding, cropping, upsampling)', build: affineModel, affine: true },
  { name: 'activations (swish, hard sigmoid, GELU, ReLU max_value, ELU) and squeeze-excite', build: activationModel, affine: false },
  { name: 'InceptionV3-like conv → BN(scale: false) → ReLU blocks', build: inceptionLikeModel, affine: false },
];

/** Gradient of sum(f · r) through the layers' own call: the reference where BN has its scale. */
function ownCallGrad(model: tfl.LayersModel, x: tf.Tensor, r: tf.Tensor): Float32Array {
  return tf.tidy(() => Float32Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(model.apply(v) as tf.Tensor, r)))(x).dataSync()));
}

const cpuGrads = new Map<string, Float32Array>();
const order = [BACKENDS[2]!, BACKENDS[0]!, BACKENDS[1]!];

for (const backend of order) {
  describe(`Keras layers' input gradients on ${backend.name}`, { skip: backend.skip }, () => {
    before(() => backend.start());
    for (const c of CASES) {
      it(c.name, async () => {
        const keras = c.build();
        const model: LoadedModel = await openLayersModel(keras);
        const id = lastLayerId(model);
        const inShape = [1, ...(keras.inputs[0]!.shape.slice(1) as number[])];
        const x = seededTensor(inShape, 7);
        const f = (v: tf.Tensor) => model.forward(v as tf.Tensor4D, [id])[0] as tf.Tensor;
        const { grad, out } = inputGrad(f, x, tf.tidy(() => tf.onesLike(f(x))));
        const own = tf.tidy(() => (keras.predict(x) as tf.Tensor).dataSync());
        const fwdErr = relErr(out, own);
        assert.ok(fwdErr <= 1e-6, `forward differs from the layers' own call by ${fwdErr.toExponential(2)}`);
        const r = seededTensor(Array.from(tf.tidy(() => f(x)).shape), 8);
        const g = inputGrad(f, x, r).grad;
        assert.ok(grad.every(Number.isFinite) && g.some((v) => v !== 0), 'gradient is non-finite or all zeros');
        let ref: ArrayLike<number>;
        let against: string;
        if (c.affine) {
          ref = affineGradRef(f, x, r);
          against = 'the exact Jacobian';
        } else if (backend.name === 'cpu') {
          if (c.name.startsWith('InceptionV3')) {
            // The layers' own call cannot take this gradient (BN without scale): the same net with scale 1.
            const unit = inceptionLikeModel(true);
            ref = ownCallGrad(unit, x, r);
            unit.dispose();
            against = 'the same net with an explicit unit scale';
          } else {
            ref = ownCallGrad(keras, x, r);
            against = "TF.js's gradient through the layers' own call";
          }
          cpuGrads.set(c.name, g);
        } else {
          const cpu = cpuGrads.get(c.name);
          assert.ok(cpu, 'the cpu run of this case failed');
          ref = cpu;
          against = 'cpu';
        }
        const err = relErr(g, ref);
        assert.ok(err <= 1e-4, `relative error ${err.toExponential(2)} against ${against}`);
        model.dispose();
        keras.dispose();
        tf.dispose([x, r]);
      });
    }
  });
}
