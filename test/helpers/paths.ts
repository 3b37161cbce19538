import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');
/** shared/ sits beside the checkout (CI clones it there too). */
export const sharedDir = resolve(repoRoot, '../shared');
export const onnxFixturesDir = join(sharedDir, 'fixtures/onnx');
export const sampleModelDir = join(repoRoot, 'models/mnist-cnn');
