// The seed's MNIST CNN (two conv layers and one linear layer), in the same shape as the ONNX fixture
// mnist_cnn.onnx, so the product treats the shipped TF.js model and the PyTorch export alike.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { IMAGE_SIZE, NUM_CLASSES } from './mnistData';

/**
 * input [28,28,1] → conv1 (16 3×3 valid, relu) → pool1 (2) → conv2 (32 3×3 valid, relu) → pool2 (2)
 * → flatten (800) → fc (10, linear). The output is the class logits: no softmax layer, so activation
 * maximization of a class works on the logit, and the loss applies softmax itself.
 */
export function buildMnistCnn(seed: number): tfl.LayersModel {
  const input = tfl.input({ shape: [IMAGE_SIZE, IMAGE_SIZE, 1], name: 'input' });
  // Each layer gets its own seed: with the same seed, same-shaped kernels would start identical.
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  let x = tfl.layers
    .conv2d({ name: 'conv1', filters: 16, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: init(1) })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .conv2d({ name: 'conv2', filters: 32, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: init(2) })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers
    .dense({ name: 'fc', units: NUM_CLASSES, activation: 'linear', kernelInitializer: init(3) })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ name: 'mnist_cnn', inputs: input, outputs: logits });
}

/** Mean softmax cross-entropy of one-hot labels against logits. */
export function logitsLoss(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

/** Class predictions for `count` images of 784 values each, in batches (keeps peak memory small). */
export function predictClasses(model: tfl.LayersModel, images: Float32Array, count: number, batchSize = 500): Int32Array {
  const out = new Int32Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const classes = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * IMAGE_SIZE * IMAGE_SIZE, (start + n) * IMAGE_SIZE * IMAGE_SIZE), [n, IMAGE_SIZE, IMAGE_SIZE, 1]);
      return tf.argMax(model.predict(x) as tf.Tensor, 1);
    });
    out.set(classes.dataSync() as Int32Array, start);
    classes.dispose();
  }
  return out;
}

/** Fraction of `predicted` equal to `labels`. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
  return hits / labels.length;
}
