// How strongly an actmax image excites its unit, plain and under random views. A feature visualization that
// excites its unit only in one exact alignment (a known failure) keeps its plain value and loses the transformed
// one; both are compared with the dataset's best image by the same statistic top-k ranks by: the unit's maximum
// over positions.
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel } from '../model/loadedModel';
import type { InputSpec } from '../../shared/model';
import { fixedInputSize, toModelInput } from '../actmax/modelInput';
import { createRng } from '../actmax/rng';
import { applyTransforms, fitToSize, standardTransforms } from '../actmax/transforms';

/** Random views per image: enough for a stable mean at a small cost (one batched forward pass each). */
export const QUALITY_DRAWS = 8;
/** Fixed, so the badge of an image is the same on every run and every shard. */
const QUALITY_SEED = 1234;

export interface UnitActivations {
  plain: number[];
  transformed: number[];
}

/** RGBA images (one per unit, all width × height) → 0..1 [N, H, W, channels]. */
function toImage01(images: readonly Uint8ClampedArray[], width: number, height: number, channels: 1 | 3): tf.Tensor4D {
  const data = new Float32Array(images.length * width * height * channels);
  images.forEach((rgba, n) => {
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < channels; c++) data[(n * width * height + p) * channels + c] = (rgba[p * 4 + c] as number) / 255;
    }
  });
  return tf.tensor4d(data, [images.length, height, width, channels]);
}

/** Item i's unit `units[i]`: the maximum over positions of that channel. */
async function unitMaxima(model: LoadedModel, layerId: string, x01: tf.Tensor4D, spec: InputSpec, units: readonly number[]): Promise<number[]> {
  const maxima = tf.tidy(() => {
    const out = model.forward(toModelInput(x01, spec), [layerId])[0] as tf.Tensor;
    const channels = out.shape[out.rank - 1] as number;
    const perChannel = tf.max(tf.reshape(out, [out.shape[0] as number, -1, channels]), 1);
    return perChannel;
  });
  // Asynchronous: on a GPU backend the maxima have no synchronous read.
  const values = await maxima.data();
  maxima.dispose();
  const channels = values.length / units.length;
  return units.map((u, i) => values[i * channels + u] as number);
}

/**
 * The unit's activation for each image (image i for unit units[i]), and its mean over QUALITY_DRAWS views with
 * Lucid's standard transforms (pad, jitter, scale, rotation), brought back to a fixed input size when the model has one.
 */
export async function unitActivations(
  model: LoadedModel, layerId: string, units: readonly number[], images: readonly Uint8ClampedArray[], width: number, height: number, spec: InputSpec,
): Promise<UnitActivations> {
  const channels = spec.channels === 1 ? 1 : 3;
  const x = toImage01(images, width, height, channels);
  try {
    const plain = await unitMaxima(model, layerId, x, spec, units);
    const rng = createRng(QUALITY_SEED);
    const transforms = standardTransforms(Math.min(width, height));
    const fixed = fixedInputSize(model.info);
    const sums = units.map(() => 0);
    for (let d = 0; d < QUALITY_DRAWS; d++) {
      const view = tf.tidy(() => {
        const t = applyTransforms(x, transforms, rng);
        return fixed ? fitToSize(t, fixed[0], fixed[1]) : t;
      });
      (await unitMaxima(model, layerId, view, spec, units).finally(() => view.dispose())).forEach((v, i) => (sums[i]! += v));
    }
    return { plain, transformed: sums.map((s) => s / QUALITY_DRAWS) };
  } finally {
    x.dispose();
  }
}
