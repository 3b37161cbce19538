// Penalties on the image (0..1, [N, H, W, C]), each a per-image mean so that weights do not depend on size.
// Each returns [N]: one value per batch item. They are objective leaves (`{ kind: 'penalty' }`, objectives.ts), so
// a run combines them with its objective through the same weighted sum as any other term.
import * as tf from '@tensorflow/tfjs-core';
import type { ActmaxPenaltyKind } from '../../shared/actmax';

/** mean |x − 0.5| per image. */
export function l1Penalty(img: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(img, 0.5)), [1, 2, 3]) as tf.Tensor1D);
}

/**
 * mean x per image (x ≥ 0, so this is the L1 norm about black, Lucid's L1 with constant 0). For light-on-black
 * data the optimum image has a dark background; the sigmoid's 0.5 grey start is far from anything in the data.
 */
export function darkPenalty(img: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.mean(img, [1, 2, 3]) as tf.Tensor1D);
}

/** mean (x − 0.5)² per image (trial 4: Simonyan et al.'s L2 on pixel intensities, centered on grey). */
export function l2Penalty(img: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(img, 0.5)), [1, 2, 3]) as tf.Tensor1D);
}

/** Anisotropic total variation: mean |x[i+1,j] − x[i,j]| + mean |x[i,j+1] − x[i,j]| per image. */
export function totalVariation(img: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const [n, h, w, c] = img.shape;
    const dy = tf.sub(tf.slice(img, [0, 1, 0, 0], [n, h - 1, w, c]), tf.slice(img, [0, 0, 0, 0], [n, h - 1, w, c]));
    const dx = tf.sub(tf.slice(img, [0, 0, 1, 0], [n, h, w - 1, c]), tf.slice(img, [0, 0, 0, 0], [n, h, w - 1, c]));
    return tf.add(tf.mean(tf.abs(dy), [1, 2, 3]), tf.mean(tf.abs(dx), [1, 2, 3])) as tf.Tensor1D;
  });
}

/** Scharr kernels [3, 3, 1, 2] (x then y), divided by 32 so a linear ramp of slope s reads s. */
function scharrKernel(): tf.Tensor4D {
  const gx = [-3, 0, 3, -10, 0, 10, -3, 0, 3];
  const gy = [-3, -10, -3, 0, 0, 0, 3, 10, 3];
  const data = new Float32Array(18);
  for (let i = 0; i < 9; i++) {
    data[i * 2] = gx[i] / 32;
    data[i * 2 + 1] = gy[i] / 32;
  }
  return tf.tensor4d(data, [3, 3, 1, 2]);
}

/** Each channel as its own single-channel image: [N, H, W, C] → [N·C, H, W, 1]. */
function planes(img: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = img.shape;
  return tf.reshape(tf.transpose(img, [0, 3, 1, 2]), [n * c, h, w, 1]);
}

/**
 * RMS of the Scharr x and y derivatives of every channel (trial 6). A plain conv2d over channel planes, not a
 * depthwise conv: wasm has no depthwise input gradient (docs/tfjs-facts.md).
 */
export function scharrGradientRms(img: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const n = img.shape[0];
    const grads = tf.conv2d(planes(img), scharrKernel(), 1, 'valid');
    const perImage = tf.reshape(grads, [n, -1]);
    return tf.sqrt(tf.add(tf.mean(tf.square(perImage), 1), 1e-12)) as tf.Tensor1D;
  });
}

/** A 3×3 box blur whose gradient is zero: the blurred image acts as a constant target (Lucid's blur_input_each_step). */
const blurredConstant = tf.customGrad((...inputs) => {
  const img = inputs[0] as tf.Tensor4D;
  const [n, h, w, c] = img.shape;
  const kernel = tf.fill([3, 3, 1, 1], 1 / 9) as tf.Tensor4D;
  // Edge-replicated so the border is not pulled toward black.
  const padded = tf.mirrorPad(planes(img), [[0, 0], [1, 1], [1, 1], [0, 0]], 'symmetric');
  const blurred = tf.conv2d(padded, kernel, 1, 'valid');
  const value: tf.Tensor = tf.transpose(tf.reshape(blurred, [n, c, h, w]), [0, 2, 3, 1]);
  return { value, gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/** mean (x − blur(x))² per image, the blur held constant: each step pulls the image toward its blur. */
export function blurPenalty(img: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(img, blurredConstant(img))), [1, 2, 3]) as tf.Tensor1D);
}

/** Every penalty kind of src/shared/actmax.ts → its function. */
export const PENALTIES: Record<ActmaxPenaltyKind, (img: tf.Tensor4D) => tf.Tensor1D> = {
  l1: l1Penalty,
  l2: l2Penalty,
  totalVariation,
  scharr: scharrGradientRms,
  blur: blurPenalty,
  dark: darkPenalty,
};
