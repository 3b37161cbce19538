// The tensor-op preprocessing that preprocessInto replaced, kept as the reference its test compares against.
import * as tf from '@tensorflow/tfjs-core';
import type { DecodedImage } from '../../../src/core/image/types';
import { boxFactor, fitImage } from '../../../src/core/preprocess/geometry';
import { broadcast, LUMA, toFloatRgba } from '../../../src/core/preprocess/preprocessInto';
import type { InputSpec } from '../../../src/shared/model';

export function preprocessWithOps(image: DecodedImage, spec: InputSpec): tf.Tensor4D {
  const fit = fitImage(image.height, image.width, spec);
  const factor = boxFactor(image.height, image.width, fit);
  const { data, height, width } = toFloatRgba(image, factor);
  return tf.tidy(() => {
    const rgba = tf.tensor3d(data, [height, width, 4], 'float32');
    let x: tf.Tensor3D = rgba;
    if (spec.channels !== 4) {
      const rgb = tf.slice(rgba, [0, 0, 0], [-1, -1, 3]);
      x = spec.channels === 3 ? rgb : tf.sum(tf.mul(rgb, tf.tensor1d([...LUMA])), -1, true);
    }
    const [h, w] = x.shape;
    if (h !== fit.resizedHeight || w !== fit.resizedWidth) x = tf.image.resizeBilinear(x, [fit.resizedHeight, fit.resizedWidth], false, true);
    if (spec.resize === 'centerCrop') x = tf.slice(x, [fit.top, fit.left, 0], [spec.height, spec.width, -1]);
    if (spec.resize === 'pad') {
      const bottom = spec.height - fit.resizedHeight - fit.top;
      const right = spec.width - fit.resizedWidth - fit.left;
      if (fit.top || fit.left || bottom || right) x = tf.pad(x, [[fit.top, bottom], [fit.left, right], [0, 0]]);
    }
    if (spec.channelOrder === 'bgr' && spec.channels >= 3) x = tf.gather(x, spec.channels === 4 ? [2, 1, 0, 3] : [2, 1, 0], 2);
    const c = spec.channels;
    const normalized = tf.div(tf.sub(tf.mul(x, spec.scale), tf.tensor1d(broadcast(spec.mean, c))), tf.tensor1d(broadcast(spec.std, c)));
    return tf.expandDims(normalized, 0) as tf.Tensor4D;
  });
}
