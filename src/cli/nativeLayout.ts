// The CLI reads and writes arrays in the layout of the model's own framework (NCHW for ONNX, like PyTorch),
// while the core works in NHWC. These two functions are the only place the CLI converts.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelInfo } from '../shared/model';

/** NHWC values → the model's native layout (4-D only; other ranks are unchanged). */
export function toNativeLayout(info: ModelInfo, shape: number[], data: Float32Array): { shape: number[]; data: Float32Array } {
  if (info.nativeLayout !== 'NCHW' || shape.length !== 4) return { shape, data };
  const [n, h, w, c] = shape;
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = ((b * h + y) * w + x) * c;
        for (let ch = 0; ch < c; ch++) out[((b * c + ch) * h + y) * w + x] = data[src + ch];
      }
    }
  }
  return { shape: [n, c, h, w], data: out };
}

/** An array in the model's native layout → an NHWC input tensor. */
export function fromNativeLayout(info: ModelInfo, shape: number[], data: Float32Array): tf.Tensor4D {
  if (shape.length !== 4) throw new Error(`expected a 4-D array, got shape [${shape.join(', ')}]`);
  const t = tf.tensor4d(data, shape as [number, number, number, number]);
  if (info.nativeLayout !== 'NCHW') return t;
  const nhwc = tf.transpose(t, [0, 2, 3, 1]);
  t.dispose();
  return nhwc;
}
