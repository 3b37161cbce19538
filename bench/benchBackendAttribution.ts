// The attribution rows compared across backends, on GoogLeNet at 224 px: Grad-CAM at inception4e against one
// forward + backward (target ≤ 1.5×), Integrated Gradients' 32 steps batched 8 against 1 step (target ≤ 8×),
// SmoothGrad's 25 samples, occlusion's 49 windows. Every value is read asynchronously (a GPU backend has no
// synchronous read), so the same code times cpu, wasm and webgpu.
import * as tf from '@tensorflow/tfjs-core';
import { explain } from '../src/core/attribution';
import type { LoadedModel } from '../src/core/model/loadedModel';
import type { AttributionOptions } from '../src/shared/attribution';
import type { KeyedRow } from './backendRowTypes';
import { line, medianMs } from './timing';

export interface AttributionRowSizes {
  /** Integrated Gradients' steps of the batched row (32 on a GPU). */
  igSteps: number;
  /** SmoothGrad's samples (25 on a GPU). */
  smoothgradSamples: number;
  /** Timed runs per row (median); the long rows run once. */
  runs: number;
}

export const GRADCAM_TARGET = 1.5;
export const IG_TARGET = 8;

export async function benchBackendAttribution(label: string, model: LoadedModel, sizes: AttributionRowSizes, emit: (row: KeyedRow) => void): Promise<void> {
  const input = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const target = { kind: 'class' as const, classIndex: 0 };
  const time = (options: Omit<AttributionOptions, 'target'>, runs = sizes.runs) =>
    medianMs(runs, async () => void (await explain(model, input, { ...options, target } as AttributionOptions)), 1);
  try {
    const fb = await medianMs(sizes.runs, async () => {
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.slice(model.forward(x as tf.Tensor4D, [model.info.outputIds[0]!])[0]!, [0, 0], [1, 1])))(input);
      await g.data();
      g.dispose();
    });
    emit({ key: 'forwardBackward', value: fb, unit: 'ms', note: '224 px, logit 0 to the input' });
    line(`[${label}] googlenet forward + backward to the input, 224 px`, `${fb.toFixed(1)} ms`);

    const cam = await time({ method: 'gradcam', camLayerId: 'inception4e' });
    emit({ key: 'gradcam.inception4e', value: cam, unit: 'ms', note: `${(cam / fb).toFixed(2)}× forward + backward` });
    line(`[${label}] googlenet Grad-CAM at inception4e, 224 px`, `${cam.toFixed(1)} ms (${(cam / fb).toFixed(2)}× forward + backward; target ≤ ${GRADCAM_TARGET}×)`);

    const one = await time({ method: 'ig', steps: 1, batchSize: 1 });
    emit({ key: 'ig.1', value: one, unit: 'ms', note: '1 step' });
    const ig = await time({ method: 'ig', steps: sizes.igSteps, batchSize: 8 }, 1);
    emit({ key: 'ig.32', value: ig, unit: 'ms', note: `${sizes.igSteps} steps batched 8, ${(ig / one).toFixed(2)}× 1 step` });
    line(`[${label}] googlenet Integrated Gradients, ${sizes.igSteps} steps batched 8 vs 1 step`, `${ig.toFixed(0)} ms vs ${one.toFixed(1)} ms (${(ig / one).toFixed(2)}×; target ≤ ${IG_TARGET}×)`);
    // One batch of all the steps: what a GPU with room for it gains over batches of 8.
    const igWide = await time({ method: 'ig', steps: sizes.igSteps, batchSize: sizes.igSteps }, 1);
    emit({ key: 'ig.32.batch32', value: igWide, unit: 'ms', note: `${sizes.igSteps} steps in one batch, ${(igWide / one).toFixed(2)}× 1 step` });
    line(`[${label}] googlenet Integrated Gradients, ${sizes.igSteps} steps in one batch`, `${igWide.toFixed(0)} ms (${(igWide / one).toFixed(2)}× 1 step)`);

    const sg = await time({ method: 'smoothgrad', samples: sizes.smoothgradSamples, batchSize: 8 }, 1);
    emit({ key: 'smoothgrad.25', value: sg, unit: 'ms', note: `${sizes.smoothgradSamples} samples batched 8` });
    line(`[${label}] googlenet SmoothGrad, ${sizes.smoothgradSamples} samples batched 8`, `${sg.toFixed(0)} ms`);

    const occ = await time({ method: 'occlusion', window: 32, stride: 32, batchSize: 8 }, 1);
    emit({ key: 'occlusion', value: occ, unit: 'ms', note: '49 windows of 32 px, batched 8' });
    line(`[${label}] googlenet occlusion, 49 windows of 32 px batched 8`, `${occ.toFixed(0)} ms`);
  } finally {
    input.dispose();
  }
}
