// Trains small MNIST classifiers written as plain ops (nets.ts) and writes their weights to test/fixtures/actmax:
// `mlp`, a 784→64→10 MLP on the plain digits (no augmentation), and `cnn`, a copy of the sample CNN (cpu backend:
// many minutes on 2 shared cores; not needed while models/mnist-cnn ships). Neither is committed: the transfer
// test's judges come from scripts/trainTransferJudge.ts (the plain-digit MLP went by ink mass and read 19/30
// class images). Run: npx tsx test/unit/actmax/trainFixtures.ts [mlp|cnn]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { fixtureDir, loadDigits, mnistCnn, mnistCnnWeights, mnistMlp, mnistMlpWeights, predict, serializeWeights, train } from './nets';

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'mlp';
  mkdirSync(fixtureDir, { recursive: true });
  // The last 200 digits of each class file are held out for the accuracy check.
  const trainSet = loadDigits(600, 0);
  const testSet = loadDigits(100, 800);
  // Conv weight gradients exist only on cpu; the MLP is all matMul, which wasm runs fast.
  await useBackend(which === 'cnn' ? 'cpu' : 'wasm');
  const started = Date.now();
  const weights = which === 'cnn' ? mnistCnnWeights(11) : mnistMlpWeights(23);
  const model = which === 'cnn' ? mnistCnn(weights) : mnistMlp(weights);
  train(model, weights, trainSet, which === 'cnn' ? 2 : 8, 64, which === 'cnn' ? 5 : 7);
  const predicted = predict(model, testSet.images, testSet.count);
  const accuracy = predicted.reduce((n, p, i) => n + (p === testSet.labels[i] ? 1 : 0), 0) / testSet.count;
  writeFileSync(join(fixtureDir, `mnist-${which}.json`), JSON.stringify(serializeWeights(weights)));
  console.log(`${which}: ${Date.now() - started} ms, held-out accuracy ${accuracy.toFixed(3)} on ${testSet.count} digits`);
}

void main();
