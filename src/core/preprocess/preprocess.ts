import * as tf from '@tensorflow/tfjs-core';
import type { DecodedImage } from '../image/types';
import type { InputSpec } from '../../shared/model';
import { boxFactor, fitImage } from './geometry';

/** ITU-R BT.601 luma, the weights PIL's convert('L') uses, so gray models see what they were trained on. */
export const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * The model input for an image: NHWC float32 [1, H, W, C].
 * Steps: pixels to 0..255 floats (16-bit divided by 257) → box-average down when much larger than the
 * target → channels (1: BT.601 luma of RGB; 3: RGB with alpha dropped, as PIL's convert('RGB') does;
 * 4: RGBA) → bilinear resize with half-pixel centres per `spec.resize` → BGR reorder when asked →
 * (pixel × scale − mean) / std per channel.
 */
export function preprocess(image: DecodedImage, spec: InputSpec): tf.Tensor4D {
  const fit = fitImage(image.height, image.width, spec);
  const factor = boxFactor(image.height, image.width, fit);
  const { data, height, width } = toFloatRgba(image, factor);
  return tf.tidy(() => {
    const rgba = tf.tensor3d(data, [height, width, 4], 'float32');
    let x = selectChannels(rgba, spec.channels);
    x = resizeAndPlace(x, spec, fit);
    if (spec.channelOrder === 'bgr' && spec.channels >= 3) x = toBgr(x, spec.channels);
    const c = spec.channels;
    const mean = tf.tensor1d(broadcast(spec.mean, c));
    const std = tf.tensor1d(broadcast(spec.std, c));
    const normalized = tf.div(tf.sub(tf.mul(x, spec.scale), mean), std);
    return tf.expandDims(normalized, 0) as tf.Tensor4D;
  });
}

/** RGBA as 0..255 floats, averaged over factor × factor blocks (edge remainders are dropped). */
export function toFloatRgba(image: DecodedImage, factor: number): { data: Float32Array; height: number; width: number } {
  const gain = 255 / image.maxValue;
  const src = image.data;
  if (factor <= 1) {
    const data = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) data[i] = src[i] * gain;
    return { data, height: image.height, width: image.width };
  }
  const height = Math.floor(image.height / factor);
  const width = Math.floor(image.width / factor);
  const data = new Float32Array(height * width * 4);
  const norm = gain / (factor * factor);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let dy = 0; dy < factor; dy++) {
        let s = ((y * factor + dy) * image.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx++, s += 4) {
          r += src[s];
          g += src[s + 1];
          b += src[s + 2];
          a += src[s + 3];
        }
      }
      const o = (y * width + x) * 4;
      data[o] = r * norm;
      data[o + 1] = g * norm;
      data[o + 2] = b * norm;
      data[o + 3] = a * norm;
    }
  }
  return { data, height, width };
}

function selectChannels(rgba: tf.Tensor3D, channels: 1 | 3 | 4): tf.Tensor3D {
  if (channels === 4) return rgba;
  const rgb = tf.slice(rgba, [0, 0, 0], [-1, -1, 3]);
  if (channels === 3) return rgb;
  return tf.sum(tf.mul(rgb, tf.tensor1d([...LUMA])), -1, true);
}

function resizeAndPlace(x: tf.Tensor3D, spec: InputSpec, fit: ReturnType<typeof fitImage>): tf.Tensor3D {
  const [h, w] = x.shape;
  let resized = x;
  if (h !== fit.resizedHeight || w !== fit.resizedWidth) {
    resized = tf.image.resizeBilinear(x, [fit.resizedHeight, fit.resizedWidth], false, true);
  }
  if (spec.resize === 'centerCrop') return tf.slice(resized, [fit.top, fit.left, 0], [spec.height, spec.width, -1]);
  if (spec.resize === 'pad') {
    const bottom = spec.height - fit.resizedHeight - fit.top;
    const right = spec.width - fit.resizedWidth - fit.left;
    if (fit.top || fit.left || bottom || right) return tf.pad(resized, [[fit.top, bottom], [fit.left, right], [0, 0]]);
  }
  return resized;
}

function toBgr(x: tf.Tensor3D, channels: 1 | 3 | 4): tf.Tensor3D {
  return tf.gather(x, channels === 4 ? [2, 1, 0, 3] : [2, 1, 0], 2);
}

export function broadcast(values: number[], channels: number): number[] {
  return values.length === channels ? values : Array.from({ length: channels }, () => values[0]);
}
