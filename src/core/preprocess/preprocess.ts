import * as tf from '@tensorflow/tfjs-core';
import type { DecodedImage } from '../image/types';
import type { InputSpec } from '../../shared/model';
import { preprocessInto } from './preprocessInto';

export { LUMA, broadcast, toFloatRgba } from './preprocessInto';

/**
 * The model input for an image: NHWC float32 [1, H, W, C]; the steps are those of `preprocessInto`
 * (box average, channels, bilinear resize with half-pixel centres, crop/pad, BGR, normalization).
 */
export function preprocess(image: DecodedImage, spec: InputSpec): tf.Tensor4D {
  const values = new Float32Array(spec.height * spec.width * spec.channels);
  preprocessInto(image, spec, values);
  return tf.tensor4d(values, [1, spec.height, spec.width, spec.channels], 'float32');
}
