// The last step of every parameterization: from an unbounded "logit space" to images in 0..1.
// Color decorrelation uses Lucid's square root of ImageNet's color covariance (its SVD form), scaled so its
// largest column has norm 1; the optimizer then moves decorrelated color components, which balances hues.
import * as tf from '@tensorflow/tfjs-core';

const SVD_SQRT = [
  [0.26, 0.09, 0.02],
  [0.27, 0.0, -0.05],
  [0.27, -0.09, 0.03],
];

/** Row-major 3×3 M such that rgb_row = decorrelated_row · M (Lucid: matmul(t, normalized.T)). */
export const DECORRELATE_MATRIX: readonly number[] = (() => {
  const colNorms = [0, 1, 2].map((j) => Math.hypot(SVD_SQRT[0][j], SVD_SQRT[1][j], SVD_SQRT[2][j]));
  const maxNorm = Math.max(...colNorms);
  const out: number[] = [];
  // (normalized.T)[i][j] = normalized[j][i]
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out.push(SVD_SQRT[j][i] / maxNorm);
  return out;
})();

function inverse3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
  ];
}

const RECORRELATE_MATRIX = inverse3(DECORRELATE_MATRIX);

function mixChannels(t: tf.Tensor4D, matrix: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = t.shape;
    const flat = tf.reshape(t, [n * h * w, 3]);
    return tf.reshape(tf.matMul(flat, tf.tensor2d(matrix as number[], [3, 3])), [n, h, w, 3]);
  });
}

/** Logit-space [N, H, W, C] → image in 0..1: optional decorrelation (3 channels only), then a sigmoid. */
export function toValidImage(t: tf.Tensor4D, decorrelate: boolean): tf.Tensor4D {
  return tf.tidy(() => tf.sigmoid(decorrelate && t.shape[3] === 3 ? mixChannels(t, DECORRELATE_MATRIX) : t));
}

/** The inverse of `toValidImage` (values clipped away from 0 and 1 first): used to restart from an upscaled image. */
export function fromValidImage(img: tf.Tensor4D, decorrelate: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const p = tf.clipByValue(img, 1e-4, 1 - 1e-4);
    const logit = tf.log(tf.div(p, tf.sub(1, p))) as tf.Tensor4D;
    return decorrelate && img.shape[3] === 3 ? mixChannels(logit, RECORRELATE_MATRIX) : logit;
  });
}
