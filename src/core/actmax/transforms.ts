// Random, seeded, differentiable transforms (Lucid's transform.py): the model sees a slightly different view
// every step, so the image must work under all of them — which suppresses high-frequency tricks.
// All ops used here have gradients on cpu and wasm: pad, slice (no strides), resizeBilinear, and the custom
// rotation in rotate.ts. One draw per step applies to the whole batch, as in Lucid.
import * as tf from '@tensorflow/tfjs-core';
import type { ActmaxTransformSpec } from '../../shared/actmax';
import { rotateBilinear } from './rotate';
import type { Rng } from './rng';

/** The image side Lucid's standard transforms were tuned for (InceptionV1 at 224 px). */
export const STANDARD_TRANSFORM_SIZE = 224;

/**
 * Lucid's standard_transforms. Pixel amounts (pad 12, jitter 8 and 4) are Lucid's at 224 px and scale with the
 * image side: round(n · side / 224), at least 1 — so a 28 px digit gets pad 2 and jitters of 1, not shifts of
 * nearly half its width. Scale factors and angles are relative already and stay as they are.
 */
export function standardTransforms(side = STANDARD_TRANSFORM_SIZE): ActmaxTransformSpec[] {
  const px = (n: number) => Math.max(1, Math.round((n * side) / STANDARD_TRANSFORM_SIZE));
  return [
    { kind: 'pad', pixels: px(12), value: 0.5 },
    { kind: 'jitter', pixels: px(8) },
    // 1 + (i − 5)/50 for i in 0..10: 0.90 … 1.10 in steps of 0.02
    { kind: 'scale', factors: Array.from({ length: 11 }, (_, i) => Math.round((1 + (i - 5) / 50) * 100) / 100) },
    // −10..10 degrees, with 0 listed five more times (favoured)
    { kind: 'rotate', degrees: [...Array.from({ length: 21 }, (_, i) => i - 10), 0, 0, 0, 0, 0] },
    { kind: 'jitter', pixels: px(4) },
  ];
}

export function pad(x: tf.Tensor4D, pixels: number, value = 0.5): tf.Tensor4D {
  if (pixels <= 0) return tf.clone(x);
  return tf.pad(x, [[0, 0], [pixels, pixels], [pixels, pixels], [0, 0]], value);
}

/** Random crop removing `pixels` rows and columns; the offset (dy, dx) is drawn in 0..pixels. */
export function jitter(x: tf.Tensor4D, pixels: number, rng: Rng): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const d = Math.min(pixels, h - 1, w - 1);
  if (d <= 0) return tf.clone(x);
  const dy = rng.int(d + 1);
  const dx = rng.int(d + 1);
  return tf.slice(x, [0, dy, dx, 0], [n, h - d, w - d, c]);
}

export function scale(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const nh = Math.max(1, Math.round(h * factor));
  const nw = Math.max(1, Math.round(w * factor));
  if (nh === h && nw === w) return tf.clone(x);
  return tf.image.resizeBilinear(x, [nh, nw]);
}

export function rotate(x: tf.Tensor4D, degrees: number, fill = 0.5): tf.Tensor4D {
  return rotateBilinear(x, degrees, fill);
}

type TransformFn<K extends ActmaxTransformSpec['kind']> = (x: tf.Tensor4D, spec: Extract<ActmaxTransformSpec, { kind: K }>, rng: Rng) => tf.Tensor4D;

/** Transform kind → what it does. A new transform is one union member in src/shared/actmax.ts and one entry here. */
const TRANSFORMS: { [K in ActmaxTransformSpec['kind']]: TransformFn<K> } = {
  pad: (x, spec) => pad(x, spec.pixels, spec.value ?? 0.5),
  jitter: (x, spec, rng) => jitter(x, spec.pixels, rng),
  scale: (x, spec, rng) => (spec.factors.length ? scale(x, rng.pick(spec.factors)) : x),
  rotate: (x, spec, rng) => (spec.degrees.length ? rotate(x, rng.pick(spec.degrees)) : x),
};

/** Applies `specs` in order, drawing from `rng`. Returns a new tensor; `x` is left alone. */
export function applyTransforms(x: tf.Tensor4D, specs: readonly ActmaxTransformSpec[], rng: Rng): tf.Tensor4D {
  return tf.tidy(() => {
    let y: tf.Tensor4D = x;
    for (const spec of specs) y = (TRANSFORMS[spec.kind] as TransformFn<ActmaxTransformSpec['kind']>)(y, spec as never, rng);
    return y === x ? tf.clone(x) : y;
  });
}

/**
 * Brings a transformed image back to a model's fixed input size: center crop when larger, pad with `fill`
 * when smaller (never a resize, so the transforms stay shifts/rotations/scalings of the same content).
 */
export function fitToSize(x: tf.Tensor4D, height: number, width: number, fill = 0.5): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x;
    const [n, h, w, c] = y.shape;
    if (h > height || w > width) {
      const ch = Math.min(h, height);
      const cw = Math.min(w, width);
      y = tf.slice(y, [0, Math.floor((h - ch) / 2), Math.floor((w - cw) / 2), 0], [n, ch, cw, c]);
    }
    const [, h2, w2] = y.shape;
    if (h2 < height || w2 < width) {
      const top = Math.floor((height - h2) / 2);
      const left = Math.floor((width - w2) / 2);
      y = tf.pad(y, [[0, 0], [top, height - h2 - top], [left, width - w2 - left], [0, 0]], fill);
    }
    return y === x ? tf.clone(x) : y;
  });
}
