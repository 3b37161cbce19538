// Forward passes: googlenet.onnx at 224 px, and feature maps of every layer in one pass (MNIST and GoogLeNet).
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { computeActivations } from '../src/core/activations';
import { loadModel } from '../src/core/node/loadModelFile';
import { line, medianMs } from './timing';

export async function benchForward(backend: string, fixtures: string, sampleModel: string | undefined): Promise<void> {
  const googlenet = await loadModel(join(fixtures, 'googlenet.onnx'));
  const runs = backend === 'cpu' ? 2 : 5;
  try {
    const input = tf.randomUniform([1, 224, 224, 3]) as tf.Tensor4D;
    const out = googlenet.info.outputIds;
    const forward = await medianMs(runs, async () => {
      const [y] = googlenet.forward(input, out);
      await y.data();
      y.dispose();
    });
    line(`[${backend}] googlenet.onnx forward, 224 px, batch 1`, `${forward.toFixed(1)} ms`);
    const modules = googlenet.info.layers.filter((l) => !l.parent && l.kind !== 'input').map((l) => l.id);
    const maps = await medianMs(runs, async () => void (await computeActivations(googlenet, input, modules)));
    line(`[${backend}] googlenet.onnx feature maps, ${modules.length} top-level modules, one pass`, `${maps.toFixed(1)} ms`);
    input.dispose();
  } finally {
    googlenet.dispose();
  }
  for (const path of [sampleModel, join(fixtures, 'mnist_cnn.onnx')]) {
    if (!path) continue;
    const model = await loadModel(path);
    const input = tf.randomUniform([1, 28, 28, 1]) as tf.Tensor4D;
    const ms = await medianMs(20, async () => void (await computeActivations(model, input)), 3);
    line(`[${backend}] ${model.info.name} (${model.info.format}) feature maps, all ${model.info.layers.length} layers`, `${ms.toFixed(2)} ms`);
    input.dispose();
    model.dispose();
  }
}
