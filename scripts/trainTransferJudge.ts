// `npx tsx scripts/trainTransferJudge.ts`: trains the second MNIST classifier that the actmax transfer test
// (test/unit/actmax/mnistTransfer.test.ts) asks whether a class-logit image of the sample model reads as its digit.
// It is a CNN on purpose — the MLP judge answered mostly 2 or 3 for every image (a near-linear model reacts to
// stroke mass, not shape) — but a different one from the sample (5×5 kernels, 8 then 16 filters, no hidden dense),
// so agreement means the image carries the digit's shape rather than one network's quirks.
// Writes test/fixtures/actmax/mnist-judge-cnn/ (model.json + weights.bin). Deterministic: seeded Glorot kernels,
// seeded permutation and augmentation, wasm single thread. Options: --epochs N, --seed N, --out DIR, --no-write.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tfl from '@tensorflow/tfjs-layers';
import { resolve } from 'node:path';
import { saveLayersModel } from './mnistArtifacts';
import { IMAGE_SIZE, NUM_CLASSES, loadMnistSplit, seededRandom } from './mnistData';
import { accuracy, predictClasses } from './mnistModel';
import { ScheduledAdam, trainEpoch, type TrainOptions } from './mnistTrainLoop';
import { startTrainingBackend } from './wasmTrainingKernels';

const repoRoot = resolve(__dirname, '..');

const DEFAULTS: TrainOptions = { epochs: 20, batchSize: 32, learningRate: 0.003, seed: 4321, maxShift: 2, maxRotation: 12, maxScale: 0.1 };

/**
 * input [28,28,1] → jconv1 (8 5×5 valid, relu) → jpool1 (2) → jconv2 (16 5×5 valid, relu) → jpool2 (2)
 * → flatten (256) → jfc (10, logits). Valid padding only: the wasm training kernels support nothing else.
 */
function buildJudgeCnn(seed: number): tfl.LayersModel {
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  const input = tfl.input({ shape: [IMAGE_SIZE, IMAGE_SIZE, 1], name: 'input' });
  let x = tfl.layers.conv2d({ name: 'jconv1', filters: 8, kernelSize: 5, padding: 'valid', activation: 'relu', kernelInitializer: init(1) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'jpool1', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ name: 'jconv2', filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu', kernelInitializer: init(2) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'jpool2', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ name: 'jfc', units: NUM_CLASSES, activation: 'linear', kernelInitializer: init(3) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ name: 'mnist_judge_cnn', inputs: input, outputs: logits });
}

function parseArgs(argv: string[]): { opts: TrainOptions; out: string; write: boolean } {
  const opts = { ...DEFAULTS };
  let out = resolve(repoRoot, 'test/fixtures/actmax/mnist-judge-cnn');
  let write = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--epochs') opts.epochs = Number(argv[++i]);
    else if (arg === '--seed') opts.seed = Number(argv[++i]);
    else if (arg === '--out') out = resolve(argv[++i]);
    else if (arg === '--no-write') write = false;
    else throw new Error(`Unknown option ${arg}; use --epochs N, --seed N, --out DIR or --no-write.`);
  }
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new Error('--epochs takes a positive integer.');
  return { opts, out, write };
}

async function main(): Promise<void> {
  const { opts, out, write } = parseArgs(process.argv.slice(2));
  await startTrainingBackend();
  const started = Date.now();
  const { train, test } = loadMnistSplit(repoRoot);
  const model = buildJudgeCnn(opts.seed);
  const optimizer = new ScheduledAdam(opts.learningRate, 0.9, 0.999, 1e-7);
  const random = seededRandom(opts.seed);
  let testAccuracy = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const t0 = Date.now();
    const loss = trainEpoch(model, optimizer, train, opts, epoch, random);
    testAccuracy = accuracy(predictClasses(model, test.images, test.count), test.labels);
    console.log(`epoch ${epoch + 1}/${opts.epochs}: loss ${loss.toFixed(4)}, test accuracy ${(testAccuracy * 100).toFixed(2)}% (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`trained in ${seconds.toFixed(1)} s on ${train.count} digits; test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${test.count}`);
  if (write) {
    await saveLayersModel(model, out, { generatedBy: 'Layer Lens scripts/trainTransferJudge.ts', metadata: { ...opts, testAccuracy, testDigits: test.count, split: 'scripts/mnistData.ts loadMnistSplit (last 150 of each class file = test)' } });
    console.log(`wrote ${out}`);
  }
  optimizer.dispose();
  model.dispose();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
