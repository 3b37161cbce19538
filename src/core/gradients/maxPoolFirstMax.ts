// MaxPool's input gradient on webgpu with the tie rule of every other backend and of PyTorch: a window's gradient
// goes to its FIRST maximum in row-major order. TF.js's webgpu MaxPoolGrad finds positions with `>=`, i.e. the last
// maximum, so a flat region (an MNIST digit's black background under a conv with a positive bias) sends its gradient
// elsewhere (saliency of the sample model: 0.56 relative L2 from cpu). Run on the input reversed in both spatial axes,
// "last" is "first": only the rows and columns the windows cover are kept, so the reversed windows are exactly the
// windows reversed; padding becomes explicit, below every value.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function firstMaxPoolGrad(stock: GradConfig, dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, attrs: NamedAttrMap): tf.Tensor4D {
  const a = attrs as unknown as PoolAttrs;
  const info = tf.backend_util.computePool2DInfo(x.shape, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  const [n, h, w, c] = x.shape;
  const usedH = info.filterHeight + info.strideHeight * (info.outHeight - 1);
  const usedW = info.filterWidth + info.strideWidth * (info.outWidth - 1);
  const window: [number, number] = [info.filterHeight, info.filterWidth];
  const strides: [number, number] = [info.strideHeight, info.strideWidth];
  const padless = top + bottom + left + right === 0;
  return tf.tidy(() => {
    // Shifted to >= 1 so the zero padding never wins a window (same maxima and ties, as the wasm path does).
    const shifted = padless ? undefined : tf.min(x);
    const padded = shifted ? tf.pad(tf.add(tf.sub(x, shifted), 1), [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    const [ph, pw] = [padded.shape[1] as number, padded.shape[2] as number];
    const trimmed = usedH === ph && usedW === pw;
    const covered = trimmed ? padded : (tf.slice(padded, [0, 0, 0, 0], [n, usedH, usedW, c]) as tf.Tensor4D);
    const reversed = tf.reverse(covered, [1, 2]) as tf.Tensor4D;
    // The window maxima of the reversed input are the outputs reversed (shifted like the input where it was).
    const pooled = tf.reverse(shifted ? tf.add(tf.sub(y, shifted), 1) : y, [1, 2]);
    const grads = stock.gradFunc(tf.reverse(dy, [1, 2]), [reversed, pooled], { ...attrs, filterSize: window, strides, pad: 'valid' }) as Record<string, () => tf.Tensor>;
    const back = tf.reverse((grads.x as () => tf.Tensor)(), [1, 2]);
    const full = trimmed ? back : tf.pad(back, [[0, 0], [0, ph - usedH], [0, pw - usedW], [0, 0]]);
    return (padless ? full : tf.slice(full, [0, top, left, 0], [n, h, w, c])) as tf.Tensor4D;
  });
}
