import * as tf from '@tensorflow/tfjs-core';
import type { DecodedImage } from '../image/types';
import type { InputSpec } from '../../shared/model';
import { broadcast, preprocess } from './preprocess';

export interface RgbaImage {
  width: number;
  height: number;
  /** Interleaved RGBA, ready for a canvas ImageData. */
  data: Uint8ClampedArray;
}

/**
 * What the model sees, as a picture of the model's input size (for overlays under feature maps): undoes the
 * normalization and channel order of `spec`; a gray input is shown gray, padding shows black.
 * Takes either a decoded image (preprocessed first) or a model input [1, H, W, C]; the tensor is not disposed.
 * Read asynchronously: on a GPU backend the input was computed there (resize, normalization) and has no
 * synchronous read.
 */
export async function toDisplayRgba(source: tf.Tensor4D | DecodedImage, spec: InputSpec): Promise<RgbaImage> {
  const input = source instanceof tf.Tensor ? source : preprocess(source, spec);
  try {
    const [, height, width, c] = input.shape;
    const values = await input.data();
    const mean = broadcast(spec.mean, c);
    const std = broadcast(spec.std, c);
    const bgr = spec.channelOrder === 'bgr' && c >= 3;
    const out = new Uint8ClampedArray(width * height * 4);
    const pixel = (i: number, ch: number): number => (values[i * c + ch] * std[ch] + mean[ch]) / spec.scale;
    for (let i = 0; i < width * height; i++) {
      const o = i * 4;
      if (c === 1) {
        const g = pixel(i, 0);
        out[o] = g;
        out[o + 1] = g;
        out[o + 2] = g;
      } else {
        out[o] = pixel(i, bgr ? 2 : 0);
        out[o + 1] = pixel(i, 1);
        out[o + 2] = pixel(i, bgr ? 0 : 2);
      }
      out[o + 3] = c === 4 ? pixel(i, 3) : 255;
    }
    return { width, height, data: out };
  } finally {
    if (input !== source) input.dispose();
  }
}
