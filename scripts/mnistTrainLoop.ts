// The training loop both MNIST scripts share (the sample model and the transfer judge): minibatch Adam over a
// seeded permutation, seeded augmentation, a cosine learning-rate decay, loss from logits.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { augmentDigit } from './mnistAugment';
import type { AugmentOptions } from './mnistAugment';
import { IMAGE_SIZE, NUM_CLASSES, PIXELS, permutation, seededRandom } from './mnistData';
import type { DigitSet } from './mnistData';
import { accuracy, logitsLoss, predictClasses } from './mnistModel';

/** Augmentation limits apply to training digits only; all zero turns augmentation off. */
export interface TrainOptions extends AugmentOptions {
  epochs: number;
  batchSize: number;
  /** Adam's starting rate; it decays along a cosine to 2% of this. */
  learningRate: number;
  seed: number;
}

/** Adam whose learning rate the loop can lower as training goes (cosine decay). */
class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

/** Cosine decay from the base rate to 2% of it over the whole run: the last epochs settle instead of jitter. */
function scheduledRate(base: number, step: number, totalSteps: number): number {
  const floor = base * 0.02;
  return floor + (base - floor) * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps));
}

/** One epoch (0-based) of minibatch Adam over a seeded permutation; returns the mean training loss. */
function trainEpoch(model: tfl.LayersModel, optimizer: ScheduledAdam, train: DigitSet, opts: TrainOptions, epoch: number, random: () => number): number {
  const stepsPerEpoch = Math.ceil(train.count / opts.batchSize);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const order = permutation(train.count, random);
  const xs = new Float32Array(opts.batchSize * PIXELS);
  const ys = new Float32Array(opts.batchSize * NUM_CLASSES);
  let lossSum = 0;
  let batches = 0;
  for (let start = 0; start < train.count; start += opts.batchSize) {
    const n = Math.min(opts.batchSize, train.count - start);
    optimizer.setLearningRate(scheduledRate(opts.learningRate, epoch * stepsPerEpoch + batches, opts.epochs * stepsPerEpoch));
    ys.fill(0);
    for (let i = 0; i < n; i++) {
      const src = order[start + i];
      augmentDigit(train.images, src, xs, i * PIXELS, opts, random);
      ys[i * NUM_CLASSES + train.labels[src]] = 1;
    }
    const loss = tf.tidy(() => {
      const x = tf.tensor4d(xs.subarray(0, n * PIXELS), [n, IMAGE_SIZE, IMAGE_SIZE, 1]);
      const y = tf.tensor2d(ys.subarray(0, n * NUM_CLASSES), [n, NUM_CLASSES]);
      return optimizer.minimize(() => logitsLoss(y, model.apply(x, { training: true }) as tf.Tensor), true, variables) as tf.Scalar;
    });
    lossSum += loss.dataSync()[0];
    loss.dispose();
    batches++;
  }
  return lossSum / batches;
}

/**
 * Trains `model` for opts.epochs epochs with Adam from opts.seed (permutation and augmentation), printing each
 * epoch's loss and test accuracy; returns the test accuracy after the last epoch.
 */
export function trainWithReport(model: tfl.LayersModel, train: DigitSet, test: DigitSet, opts: TrainOptions): number {
  const optimizer = new ScheduledAdam(opts.learningRate, 0.9, 0.999, 1e-7);
  const random = seededRandom(opts.seed);
  let testAccuracy = 0;
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      const t0 = Date.now();
      const loss = trainEpoch(model, optimizer, train, opts, epoch, random);
      testAccuracy = accuracy(predictClasses(model, test.images, test.count), test.labels);
      console.log(`epoch ${epoch + 1}/${opts.epochs}: loss ${loss.toFixed(4)}, test accuracy ${(testAccuracy * 100).toFixed(2)}% (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  } finally {
    optimizer.dispose();
  }
  return testAccuracy;
}
