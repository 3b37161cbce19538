// ResizeBilinear and ResizeNearestNeighbor gradients for the cases TF.js gets wrong: with halfPixelCenters
// (TF 2 and ONNX/PyTorch resizes) both backends' gradient kernels are off by 18–100 %, and the cpu backend's
// ResizeBilinearGrad returns a transposed shape for non-square images. Both resizes are separable, y = Ah · x · Awᵀ
// per channel, so the input gradient is Ahᵀ · dy · Aw: two matrix products with interpolation matrices built
// from the forward kernels' own index formulas. wasm's kernel stays where it is right (no half-pixel centres):
// the actmax transforms resize every step.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';

interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
  size: [number, number];
}

/** [newSize, oldSize] row-interpolation matrix of one axis, as the TF.js kernels index it. */
function axisMatrix(oldSize: number, newSize: number, a: ResizeAttrs, nearest: boolean): Float32Array {
  const corners = a.alignCorners && newSize > 1;
  const ratio = (corners ? oldSize - 1 : oldSize) / (corners ? newSize - 1 : newSize);
  const m = new Float32Array(newSize * oldSize);
  for (let r = 0; r < newSize; r++) {
    if (nearest) {
      const frac = a.halfPixelCenters ? ratio * (r + 0.5) : ratio * r;
      let src = Math.min(oldSize - 1, a.alignCorners ? Math.round(frac) : Math.floor(frac));
      if (a.halfPixelCenters) src = Math.max(0, src);
      m[r * oldSize + src] = 1;
      continue;
    }
    const frac = a.halfPixelCenters ? ratio * (r + 0.5) - 0.5 : ratio * r;
    const lo = Math.max(0, Math.floor(frac));
    const hi = Math.min(oldSize - 1, Math.ceil(frac));
    const t = frac - lo;
    m[r * oldSize + lo] = (m[r * oldSize + lo] as number) + 1 - t;
    m[r * oldSize + hi] = (m[r * oldSize + hi] as number) + t;
  }
  return m;
}

/** dx = Ahᵀ · dy · Aw per image and channel, for NHWC dy [N, H', W', C] and x [N, H, W, C]. */
export function separableResizeGrad(dy: tf.Tensor4D, xShape: number[], a: ResizeAttrs, nearest: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = xShape as [number, number, number, number];
    const [, nh, nw] = dy.shape;
    const ah = tf.tensor2d(axisMatrix(h, nh, a, nearest), [nh, h]);
    const aw = tf.tensor2d(axisMatrix(w, nw, a, nearest), [nw, w]);
    // Rows: [H', N·W'·C] → Ahᵀ · it = [H, N·W'·C].
    const rows = tf.matMul(ah, tf.reshape(tf.transpose(dy, [1, 0, 2, 3]), [nh, n * nw * c]), true, false);
    // Columns: [W', H·N·C] → Awᵀ · it = [W, H·N·C].
    const byCol = tf.reshape(tf.transpose(tf.reshape(rows, [h, n, nw, c]), [2, 0, 1, 3]), [nw, h * n * c]);
    const cols = tf.matMul(aw, byCol, true, false);
    return tf.transpose(tf.reshape(cols, [w, h, n, c]), [2, 1, 0, 3]) as tf.Tensor4D;
  });
}

function resizeGradConfig(kernelName: 'ResizeBilinear' | 'ResizeNearestNeighbor', stock: GradConfig): GradConfig {
  const nearest = kernelName === 'ResizeNearestNeighbor';
  return {
    kernelName,
    inputsToSave: ['images'],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as ResizeAttrs;
      if (!a.halfPixelCenters && tf.getBackend() === 'wasm') return stock.gradFunc(dy, saved, attrs);
      const [images] = saved as [tf.Tensor4D];
      return { images: () => separableResizeGrad(dy as tf.Tensor4D, images.shape, a, nearest) };
    },
  };
}

export function resizeGradConfigs(): GradConfig[] {
  const out: GradConfig[] = [];
  for (const name of ['ResizeBilinear', 'ResizeNearestNeighbor'] as const) {
    const stock = tf.getGradient(name);
    if (stock) out.push(resizeGradConfig(name, stock));
  }
  return out;
}
