// The bridge between the 0..1 images of the parameterizations and what a model expects, using the model's
// InputSpec: pixel' = (pixel01·255·scale − mean)/std, channel order and count. Presets therefore work the same
// for a model trained on 0..1, on 0..255, or on ImageNet-normalized input.
import * as tf from '@tensorflow/tfjs-core';
import type { InputSpec, ModelInfo } from '../../shared/model';

/** The spec used when the caller has none: the model's input size and channels, input in 0..1. */
export function defaultInputSpec(info: ModelInfo): InputSpec {
  const [, h, w, c] = info.inputShape;
  const channels = c === 1 || c === 3 || c === 4 ? c : 3;
  return {
    height: typeof h === 'number' && h > 0 ? h : (info.assumedInputSize?.height ?? 224),
    width: typeof w === 'number' && w > 0 ? w : (info.assumedInputSize?.width ?? 224),
    channels,
    channelOrder: 'rgb',
    resize: 'stretch',
    // An integer input takes raw 0..255 pixels; the model rounds them at its boundary (straight-through).
    scale: info.inputDtype ? 1 : 1 / 255,
    mean: [0],
    std: [1],
  };
}

/** The fixed [H, W] of the model's input, or null when the model accepts any size (fully convolutional). */
export function fixedInputSize(info: ModelInfo): [number, number] | null {
  const [, h, w] = info.inputShape;
  return typeof h === 'number' && h > 0 && typeof w === 'number' && w > 0 ? [h, w] : null;
}

function perChannel(values: readonly number[], channels: number, fallback: number): number[] {
  if (values.length === 0) return Array(channels).fill(fallback);
  return Array.from({ length: channels }, (_, i) => values[Math.min(i, values.length - 1)]);
}

/** [N, H, W, 1 or 3] in 0..1 → the model's normalized input, differentiable. */
export function toModelInput(img01: tf.Tensor4D, spec: InputSpec): tf.Tensor4D {
  return tf.tidy(() => {
    let x: tf.Tensor4D = img01;
    const have = x.shape[3];
    const color = spec.channels === 1 ? 1 : 3;
    if (have === 1 && color === 3) x = tf.tile(x, [1, 1, 1, 3]);
    else if (have === 3 && color === 1) x = tf.mean(x, 3, true);
    if (color === 3 && spec.channelOrder === 'bgr') x = tf.reverse(x, 3);
    if (spec.channels === 4) x = tf.concat([x, tf.onesLike(tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1]))], 3);
    const c = x.shape[3];
    const mean = tf.tensor1d(perChannel(spec.mean, c, 0));
    const std = tf.tensor1d(perChannel(spec.std, c, 1));
    return tf.div(tf.sub(tf.mul(x, 255 * spec.scale), mean), std) as tf.Tensor4D;
  });
}

/** [N, H, W, 1 or 3] in 0..1 → one RGBA array per image (grey replicated). Reads the tensor synchronously. */
export function toRgba(img01: tf.Tensor4D): Uint8ClampedArray[] {
  return rgbaOf(img01.dataSync(), img01.shape);
}

/** toRgba with an asynchronous read: what a GPU backend needs (webgpu in Node has no synchronous read). */
export async function toRgbaAsync(img01: tf.Tensor4D): Promise<Uint8ClampedArray[]> {
  return rgbaOf(await img01.data(), img01.shape);
}

function rgbaOf(data: ArrayLike<number>, shape: [number, number, number, number]): Uint8ClampedArray[] {
  const [n, h, w, c] = shape;
  const out: Uint8ClampedArray[] = [];
  for (let i = 0; i < n; i++) {
    const rgba = new Uint8ClampedArray(h * w * 4);
    for (let p = 0; p < h * w; p++) {
      const base = (i * h * w + p) * c;
      for (let k = 0; k < 3; k++) rgba[p * 4 + k] = Math.round(data[base + (c === 1 ? 0 : k)] * 255);
      rgba[p * 4 + 3] = 255;
    }
    out.push(rgba);
  }
  return out;
}
