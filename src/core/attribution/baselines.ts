// Reference inputs in the model's input space (after preprocessing): a black image, the image blurred, or uniform
// noise. With the input spec a black or noise pixel goes through the same (pixel × scale − mean) / std as the
// image did; without one (an input given as an array) black is 0 and noise spans the input's own value range.
import * as tf from '@tensorflow/tfjs-core';
import type { IgBaseline } from '../../shared/attribution';
import type { InputSpec } from '../../shared/model';

/** The model-space value of a pixel value (0..255) per channel, or null without a spec. */
function pixelToInput(spec: InputSpec | undefined, channels: number): ((v: number) => number[]) | null {
  if (!spec) return null;
  return (v) => Array.from({ length: channels }, (_, k) => (v * spec.scale - (spec.mean[k] ?? spec.mean[0] ?? 0)) / (spec.std[k] ?? spec.std[0] ?? 1));
}

/** One black image like `x`. */
export function blackBaseline(x: tf.Tensor4D, spec?: InputSpec): tf.Tensor4D {
  const toInput = pixelToInput(spec, x.shape[3]);
  if (!toInput) return tf.zerosLike(x);
  return tf.tidy(() => tf.add(tf.zerosLike(x), tf.tensor1d(toInput(0))) as tf.Tensor4D);
}

/** Uniform noise over the pixel range (0..255 through the spec), seeded. */
export function noiseBaseline(x: tf.Tensor4D, seed: number, spec?: InputSpec): tf.Tensor4D {
  return tf.tidy(() => {
    const toInput = pixelToInput(spec, x.shape[3]);
    const u = tf.randomUniform(x.shape, 0, 1, 'float32', seed);
    if (toInput) {
      const lo = tf.tensor1d(toInput(0));
      const hi = tf.tensor1d(toInput(255));
      return tf.add(lo, tf.mul(u, tf.sub(hi, lo))) as tf.Tensor4D;
    }
    const lo = tf.min(x);
    return tf.add(lo, tf.mul(u, tf.sub(tf.max(x), lo))) as tf.Tensor4D;
  });
}

/** 1-D Gaussian taps, normalized, radius ≈ 3σ (at most the image side − 1, which mirror padding needs). */
function gaussianTaps(sigma: number, maxRadius: number): Float32Array {
  const radius = Math.max(1, Math.min(maxRadius, Math.ceil(3 * sigma)));
  const taps = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += taps[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return taps.map((t) => t / sum);
}

/**
 * The image under a Gaussian blur of σ = 1/16 of its longer side (14 px at 224 — heavy enough to remove the
 * objects' edges, as the blurred baselines of Sturmfels et al. 2020 do), mirrored at the borders so the frame keeps
 * the image's own colours. Per-channel affine normalization commutes with the blur, so it is blurred in model space.
 */
export function blurredBaseline(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w, c] = x.shape;
  const sigma = Math.max(h, w) / 16;
  const taps = gaussianTaps(sigma, Math.min(h, w) - 1);
  const r = (taps.length - 1) / 2;
  return tf.tidy(() => {
    const padded = tf.mirrorPad(x, [[0, 0], [r, r], [r, r], [0, 0]], 'reflect');
    const k = tf.tensor1d(taps);
    const along = (t: tf.Tensor4D, kernel: tf.Tensor4D) => tf.depthwiseConv2d(t, kernel, 1, 'valid');
    const rows = along(padded, tf.tile(tf.reshape(k, [taps.length, 1, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D);
    return along(rows, tf.tile(tf.reshape(k, [1, taps.length, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D);
  });
}

export function makeBaseline(kind: IgBaseline, x: tf.Tensor4D, seed: number, spec?: InputSpec): tf.Tensor4D {
  if (kind === 'blurred') return blurredBaseline(x);
  if (kind === 'noise') return noiseBaseline(x, seed, spec);
  return blackBaseline(x, spec);
}
