// Integrated Gradients (Sundararajan et al. 2017): (x − b) · ∫₀¹ ∂S/∂x(b + α(x − b)) dα, summed over channels,
// the integral by the midpoint rule at α_k = (k + ½)/steps (Captum's method='riemann_middle'), the steps run
// batchSize at a time. Completeness: the map's sum equals S(x) − S(b) up to the quadrature error, which is
// reported with the map (|Σ − Δ| / |Δ|).
import * as tf from '@tensorflow/tfjs-core';
import type { LongCallOptions, LoadedModel } from '../model/loadedModel';
import { inBatches } from './batches';
import { sumOverChannels } from './gradientMaps';
import { inputGradient } from './layerGradients';
import { readScalar } from './readBack';
import type { ResolvedTarget } from './target';

export interface IgResult {
  map: tf.Tensor2D;
  completeness: { sum: number; delta: number; gap: number };
}

function scoreOf(model: LoadedModel, target: ResolvedTarget, x: tf.Tensor4D): Promise<number> {
  return readScalar(tf.tidy(() => target.score(model.forward(x, [target.layerId])[0])));
}

export async function integratedGradients(
  model: LoadedModel,
  target: ResolvedTarget,
  x: tf.Tensor4D,
  baseline: tf.Tensor4D,
  steps: number,
  batchSize: number,
  call?: LongCallOptions,
): Promise<IgResult> {
  const diff = tf.sub(x, baseline) as tf.Tensor4D;
  let sum: tf.Tensor = tf.zerosLike(x);
  try {
    await inBatches(steps, batchSize, call, 'Integrated Gradients', (start, count) => {
      const next = tf.tidy(() => {
        const alphas = tf.tensor4d(Array.from({ length: count }, (_, i) => (start + i + 0.5) / steps), [count, 1, 1, 1]);
        const path = tf.add(baseline, tf.mul(alphas, diff)) as tf.Tensor4D;
        return tf.add(sum, tf.sum(inputGradient(model, target, path), 0, true));
      });
      sum.dispose();
      sum = next;
    });
    const perChannel = tf.tidy(() => tf.mul(diff, tf.div(sum, steps)));
    const map = tf.tidy(() => sumOverChannels(perChannel));
    const total = await readScalar(tf.sum(perChannel));
    perChannel.dispose();
    const delta = (await scoreOf(model, target, x)) - (await scoreOf(model, target, baseline));
    const gap = Math.abs(total - delta) / Math.max(Math.abs(delta), 1e-12);
    return { map, completeness: { sum: total, delta, gap } };
  } finally {
    tf.dispose([diff, sum]);
  }
}
