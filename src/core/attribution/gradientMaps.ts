// The plain gradient methods. Each returns an [H, W] map at the input's resolution.
//   saliency    max over channels of |∂S/∂x| (Simonyan et al. 2014; Captum's Saliency(abs=True) keeps one map
//               per channel, this takes their maximum, as tf-keras-vis does).
//   gradxinput  Σ over channels of x · ∂S/∂x (Captum's InputXGradient summed over channels): signed.
//   smoothgrad  max over channels of the mean over n noisy copies of |∂S/∂(x + ε)|, ε ~ N(0, σ²),
//               σ = noise × (max x − min x) (Smilkov et al. 2017; Captum's NoiseTunnel(Saliency), smoothgrad).
import * as tf from '@tensorflow/tfjs-core';
import type { LongCallOptions, LoadedModel } from '../model/loadedModel';
import { inBatches } from './batches';
import { inputGradient } from './layerGradients';
import { readScalar } from './readBack';
import type { ResolvedTarget } from './target';

/** [1, H, W, C] → [H, W] by the maximum over channels. */
export function maxOverChannels(t: tf.Tensor): tf.Tensor2D {
  const [, h, w] = t.shape;
  return tf.reshape(tf.max(t, 3), [h as number, w as number]);
}

/** [1, H, W, C] → [H, W] by the sum over channels. */
export function sumOverChannels(t: tf.Tensor): tf.Tensor2D {
  const [, h, w] = t.shape;
  return tf.reshape(tf.sum(t, 3), [h as number, w as number]);
}

export function saliency(model: LoadedModel, target: ResolvedTarget, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => maxOverChannels(tf.abs(inputGradient(model, target, x))));
}

export function gradTimesInput(model: LoadedModel, target: ResolvedTarget, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => sumOverChannels(tf.mul(x, inputGradient(model, target, x))));
}

export interface SmoothGradSettings {
  samples: number;
  noise: number;
  seed: number;
  batchSize: number;
}

/**
 * TF.js's randomNormal takes a falsy seed for none and draws from Math.random, so the default seed 0 made every
 * run's first batch different: each (seed, first sample) gets its own positive integer (samples stay below 2^20,
 * seeds below 2^32, so the product is an exact integer).
 */
function batchSeed(seed: number, start: number): number {
  return seed * 2 ** 20 + start + 1;
}

export async function smoothGrad(model: LoadedModel, target: ResolvedTarget, x: tf.Tensor4D, s: SmoothGradSettings, call?: LongCallOptions): Promise<tf.Tensor2D> {
  // Read back before any noise is drawn: the noise is made in JavaScript from (seed, σ), so every backend draws the
  // same noise when it computes the same σ.
  const sigma = await readScalar(tf.tidy(() => tf.mul(tf.sub(tf.max(x), tf.min(x)), s.noise)));
  let sum: tf.Tensor = tf.zerosLike(x);
  try {
    await inBatches(s.samples, s.batchSize, call, 'SmoothGrad', (start, count) => {
      const next = tf.tidy(() => {
        // Seeded by the batch's first sample: the same seed and batch size repeat a run exactly.
        const noisy = tf.add(x, tf.randomNormal([count, ...x.shape.slice(1)], 0, sigma, 'float32', batchSeed(s.seed, start))) as tf.Tensor4D;
        return tf.add(sum, tf.sum(tf.abs(inputGradient(model, target, noisy)), 0, true));
      });
      sum.dispose();
      sum = next;
    });
    return tf.tidy(() => maxOverChannels(tf.div(sum, s.samples)));
  } finally {
    sum.dispose();
  }
}
