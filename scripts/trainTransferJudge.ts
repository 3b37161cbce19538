// `npx tsx scripts/trainTransferJudge.ts [cnn|mlp] [options]`: trains one of the two MNIST classifiers that the
// actmax transfer test (test/unit/actmax/mnistTransfer.test.ts) asks whether a class-logit image of the sample
// model reads as its digit. Both differ from the sample (3×3 kernels, 16 and 32 filters) so that agreement means
// the image carries the digit's shape rather than one network's quirks:
//  - cnn: 5×5 kernels, 8 then 16 filters, no hidden dense layer (test/fixtures/actmax/mnist-judge-cnn);
//  - mlp: no convolution at all, 784 → 64 relu → 10 (test/fixtures/actmax/mnist-judge-mlp). The same MLP trained
//    on the plain digits only went by ink position and mass and read 19/30 class images; trained on shifted,
//    turned and resized digits it has to go by strokes.
// Deterministic: seeded Glorot kernels, seeded permutation and augmentation, wasm single thread.
// Options: --epochs N, --seed N, --out DIR, --no-write.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tfl from '@tensorflow/tfjs-layers';
import { resolve } from 'node:path';
import { saveLayersModel } from './mnistArtifacts';
import { IMAGE_SIZE, NUM_CLASSES, loadMnistSplit } from './mnistData';
import { parseTrainArgs, runScript } from './mnistTrainCli';
import { trainWithReport, type TrainOptions } from './mnistTrainLoop';
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

/** input [28,28,1] → flatten (784) → jhidden (64, relu) → jlogits (10). */
function buildJudgeMlp(seed: number): tfl.LayersModel {
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  const input = tfl.input({ shape: [IMAGE_SIZE, IMAGE_SIZE, 1], name: 'input' });
  let x = tfl.layers.flatten({ name: 'flatten' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ name: 'jhidden', units: 64, activation: 'relu', kernelInitializer: init(1) }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ name: 'jlogits', units: NUM_CLASSES, activation: 'linear', kernelInitializer: init(3) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ name: 'mnist_judge_mlp', inputs: input, outputs: logits });
}

const ARCHITECTURES = { cnn: buildJudgeCnn, mlp: buildJudgeMlp };

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arch = argv[0] === 'cnn' || argv[0] === 'mlp' ? argv.shift() as keyof typeof ARCHITECTURES : 'cnn';
  const { opts, out, write } = parseTrainArgs(argv, DEFAULTS, resolve(repoRoot, `test/fixtures/actmax/mnist-judge-${arch}`));
  await startTrainingBackend();
  const started = Date.now();
  const { train, test } = loadMnistSplit(repoRoot);
  const model = ARCHITECTURES[arch](opts.seed);
  const testAccuracy = trainWithReport(model, train, test, opts);
  const seconds = (Date.now() - started) / 1000;
  console.log(`trained in ${seconds.toFixed(1)} s on ${train.count} digits; test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${test.count}`);
  if (write) {
    await saveLayersModel(model, out, { generatedBy: `Layer Lens scripts/trainTransferJudge.ts ${arch}`, metadata: { ...opts, arch, testAccuracy, testDigits: test.count, split: 'scripts/mnistData.ts loadMnistSplit (last 150 of each class file = test)' } });
    console.log(`wrote ${out}`);
  }
  model.dispose();
}

runScript(main);
