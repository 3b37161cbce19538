// The attribution requests the webgpu parity run repeats on cpu and webgpu: all 8 methods on the MNIST fixture for
// its top class, and Grad-CAM, saliency and Integrated Gradients on GoogLeNet (at the 32 px input the gradient
// checks use: 224 px costs a software device ~15 s a forward). Passes are kept few (a software device runs each
// batch in seconds); SmoothGrad's noise is drawn from its seed in JavaScript, so both backends use the same noise.
import * as tf from '@tensorflow/tfjs-core';
import { explain } from '../../../src/core/attribution';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import type { AttributionMap, AttributionOptions } from '../../../src/shared/attribution';
import { fixtureBytes, fixtureIndex, fixturePath, nhwcInput } from '../onnx/fixtureData';

export interface AttributionCase {
  name: string;
  model: LoadedModel;
  input: tf.Tensor4D;
  options: AttributionOptions;
}

export type AttributionRun = Pick<AttributionMap, 'data' | 'completeness'>;

let mnist: { model: LoadedModel; input: tf.Tensor4D; topClass: number } | undefined;

/** Loads the MNIST fixture once (on the backend active then) and finds its top class there. */
export async function loadMnist(): Promise<NonNullable<typeof mnist>> {
  if (mnist) return mnist;
  const m = fixtureIndex.models.mnist_cnn!;
  const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
  const input = nhwcInput(m.input);
  const logits = tf.tidy(() => tf.argMax(model.forward(input, [model.info.logitsId!])[0]!, 1));
  const topClass = (await logits.data())[0]!;
  logits.dispose();
  mnist = { model, input, topClass };
  return mnist;
}

export async function attributionCases(googlenet: LoadedModel, googlenetInput: tf.Tensor4D): Promise<AttributionCase[]> {
  const { model, input, topClass } = await loadMnist();
  const target = { kind: 'class' as const, classIndex: topClass };
  const onMnist = (options: Omit<AttributionOptions, 'target'>): AttributionCase => ({
    name: `mnist_cnn ${options.method}`, model, input, options: { ...options, target } as AttributionOptions,
  });
  // GoogLeNet with a unit target at inception4a, the deepest layer the gradient checks use: a software device compiles
  // a pipeline per kernel and shape, so the same layers at the same input and batch 1 cost little more.
  const unit = { kind: 'unit' as const, layerId: 'inception4a', channel: await strongestChannel(googlenet, googlenetInput, 'inception4a') };
  const onGooglenet = (options: Omit<AttributionOptions, 'target'>): AttributionCase => ({
    name: `googlenet ${options.method}`, model: googlenet, input: googlenetInput, options: { ...options, target: unit } as AttributionOptions,
  });
  // The batched methods share one batch size (4) so their pipelines are compiled once.
  return [
    onMnist({ method: 'saliency' }),
    onMnist({ method: 'gradxinput' }),
    onMnist({ method: 'smoothgrad', samples: 4, noise: 0.15, seed: 3, batchSize: 4 }),
    onMnist({ method: 'ig', steps: 8, baseline: 'black', batchSize: 4 }),
    onMnist({ method: 'gradcam', camLayerId: 'conv2' }),
    onMnist({ method: 'gradcampp', camLayerId: 'conv2' }),
    onMnist({ method: 'guided-gradcam', camLayerId: 'conv2' }),
    onMnist({ method: 'occlusion', window: 8, stride: 8, batchSize: 4 }),
    onGooglenet({ method: 'gradcam', camLayerId: 'inception3b' }),
    onGooglenet({ method: 'saliency' }),
    onGooglenet({ method: 'ig', steps: 2, baseline: 'black', batchSize: 1 }),
  ];
}

/** The channel of `layerId` with the largest mean at `input`: a unit that is alive there, so its maps are not zero. */
async function strongestChannel(model: LoadedModel, input: tf.Tensor4D, layerId: string): Promise<number> {
  const best = tf.tidy(() => tf.argMax(tf.mean(model.forward(input, [layerId])[0]!, [0, 1, 2])));
  const channel = (await best.data())[0]!;
  best.dispose();
  return channel;
}

export async function runAttribution(c: AttributionCase): Promise<AttributionRun> {
  const map = await explain(c.model, c.input, c.options);
  return { data: map.data, ...(map.completeness ? { completeness: map.completeness } : {}) };
}
