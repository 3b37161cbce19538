// Seeded weights for a zoo network, like a trained one in scale: He-scaled kernels, then one calibration pass over
// seeded images, layer by layer in topological order, that rescales each conv/dense so its output has unit spread
// and gives each BatchNormalization moving statistics near (but not at) those of its real input, plus a non-trivial
// gamma and beta. Every layer's output is then O(1), so parity and gradient tolerances mean something.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng, type Rng } from './rng';

function normal(rng: Rng, shape: number[], std: number, mean = 0): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => mean + std * rng.normal()), shape);
}

function heStd(name: string, shape: number[]): number {
  const suffix = name.slice(name.lastIndexOf('/') + 1);
  if (suffix === 'depthwise_kernel') return Math.sqrt(2 / (shape[0] * shape[1]));
  if (shape.length === 2) return Math.sqrt(1 / shape[0]);
  // Conv2DTranspose kernels are [kh, kw, out, in]; the others [kh, kw, in, out]: fan-in from the in dimension.
  return Math.sqrt(2 / shape.slice(0, -1).reduce((a, b) => a * b, 1));
}

/** First values: kernels He-scaled, biases and BN offsets small, BN gamma near 1. */
function initialWeights(layer: tfl.layers.Layer, rng: Rng): tf.Tensor[] {
  return layer.weights.map((w) => {
    const name = w.originalName;
    const shape = w.shape as number[];
    const suffix = name.slice(name.lastIndexOf('/') + 1);
    if (suffix.endsWith('kernel')) return normal(rng, shape, heStd(name, shape));
    if (suffix === 'gamma') return tf.tensor(Float32Array.from({ length: shape[0] }, () => 0.7 + 0.6 * rng.uniform()), shape);
    if (suffix === 'moving_variance') return tf.ones(shape);
    if (suffix === 'moving_mean') return tf.zeros(shape);
    return normal(rng, shape, 0.1);
  });
}

/** Seeded calibration images: smooth random patterns with some noise, in the [-1, 1] range the zoo's inputs use. */
export function calibrationImages(rng: Rng, batch: number, h: number, w: number, c: number): tf.Tensor4D {
  const data = new Float32Array(batch * h * w * c);
  for (let b = 0; b < batch; b++) {
    const f = Array.from({ length: c }, () => [1 + 4 * rng.uniform(), 1 + 4 * rng.uniform(), 6 * rng.uniform()]);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) {
      const [fx, fy, ph] = f[k] as number[];
      const v = 0.7 * Math.sin((fx * x) / w * Math.PI + (fy * y) / h * Math.PI + ph) + 0.3 * (2 * rng.uniform() - 1);
      data[((b * h + y) * w + x) * c + k] = v;
    }
  }
  return tf.tensor4d(data, [batch, h, w, c]);
}

/** Sets the model's weights from `seed` and calibrates them on seeded images (see the file comment). */
export function seedWeights(model: tfl.LayersModel, seed: number): void {
  const rng = createRng(seed);
  const [, h, w, c] = model.inputs[0].shape as number[];
  const values = new Map<tfl.SymbolicTensor, tf.Tensor>();
  const x = calibrationImages(rng, 4, h as number, w as number, c as number);
  for (const layer of model.layers) {
    const node = layer.inboundNodes[0];
    if (layer.getClassName() === 'InputLayer') {
      values.set(node.outputTensors[0], x);
      continue;
    }
    if (layer.weights.length > 0) layer.setWeights(initialWeights(layer, rng));
    const inputs = node.inputTensors.map((t) => {
      const v = values.get(t);
      if (!v) throw new Error(`${model.name}: ${layer.name} runs before its input ${t.name}`);
      return v;
    });
    const arg = inputs.length === 1 ? inputs[0] : inputs;
    if (layer.getClassName() === 'BatchNormalization') calibrateBatchNorm(layer, inputs[0] as tf.Tensor, rng);
    let out = layer.apply(arg) as tf.Tensor;
    if (/Conv|Dense/.test(layer.getClassName())) {
      // Unit spread at every conv and dense output: deep stacks neither vanish nor explode.
      const std = tf.tidy(() => tf.sqrt(tf.moments(out).variance).dataSync()[0] as number);
      if (std > 0 && Number.isFinite(std)) {
        layer.setWeights(layer.getWeights().map((t) => tf.div(t, std)));
        out.dispose();
        out = layer.apply(arg) as tf.Tensor;
      }
    }
    values.set(node.outputTensors[0], out);
  }
  for (const t of new Set(values.values())) t.dispose();
}

/** Moving statistics near the input's own (mean shifted by up to ±0.2 σ, variance scaled by 0.8–1.25). */
function calibrateBatchNorm(layer: tfl.layers.Layer, input: tf.Tensor, rng: Rng): void {
  const { mean, variance } = tf.tidy(() => tf.moments(input, [0, 1, 2]));
  const m = mean.dataSync();
  const v = variance.dataSync();
  tf.dispose([mean, variance]);
  const next = layer.weights.map((w, i) => {
    const suffix = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
    const current = layer.getWeights()[i] as tf.Tensor;
    if (suffix === 'moving_mean') return tf.tensor(Float32Array.from(m, (mi, k) => mi + 0.2 * Math.sqrt(v[k] as number) * (2 * rng.uniform() - 1)), w.shape as number[]);
    if (suffix === 'moving_variance') return tf.tensor(Float32Array.from(v, (vi) => Math.max(vi, 1e-4) * Math.exp(0.22 * (2 * rng.uniform() - 1))), w.shape as number[]);
    return current;
  });
  layer.setWeights(next);
}
