// Differentiable bilinear rotation by sparse gathers, used for small images (see rotate.ts for the large-image
// path). tf.image.rotateWithOffset has no gradient, and the gradient of tf.gather
// (UnsortedSegmentSum) is missing on wasm, so the sampling is a fixed sparse linear map applied with gather in
// both directions: forward gathers 4 weighted source pixels per output pixel, and a custom gradient applies the
// exact transpose (each source pixel gathers the outputs that read it). Tables are built once per (angle, size).
import * as tf from '@tensorflow/tfjs-core';

interface SparseMap {
  /** Output pixel p reads idx[p*k + j] with weight w[p*k + j]; padding entries have weight 0. */
  idx: Int32Array;
  w: Float32Array;
  k: number;
}

interface RotationTables {
  forward: SparseMap;
  adjoint: SparseMap;
}

const cache = new Map<string, RotationTables>();
const CACHE_LIMIT = 64;

/** Tables for rotating an H×W image by `degrees` counter-clockwise about its center; outside samples read 0. */
export function rotationTables(h: number, w: number, degrees: number): RotationTables {
  const key = `${h}x${w}@${degrees}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const theta = (degrees * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const p = h * w;
  const fIdx = new Int32Array(p * 4);
  const fW = new Float32Array(p * 4);
  const counts = new Int32Array(p);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Inverse map: the output pixel samples the source at the point rotated back by θ.
      const dx = x - cx;
      const dy = y - cy;
      const sx = cos * dx - sin * dy + cx;
      const sy = sin * dx + cos * dy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const corners: [number, number, number][] = [
        [y0, x0, (1 - fy) * (1 - fx)],
        [y0, x0 + 1, (1 - fy) * fx],
        [y0 + 1, x0, fy * (1 - fx)],
        [y0 + 1, x0 + 1, fy * fx],
      ];
      const o = (y * w + x) * 4;
      corners.forEach(([yy, xx, weight], j) => {
        if (yy >= 0 && yy < h && xx >= 0 && xx < w && weight > 0) {
          fIdx[o + j] = yy * w + xx;
          fW[o + j] = weight;
          counts[yy * w + xx]++;
        }
      });
    }
  }
  let k = 1;
  for (let i = 0; i < p; i++) k = Math.max(k, counts[i]);
  const aIdx = new Int32Array(p * k);
  const aW = new Float32Array(p * k);
  const fill = new Int32Array(p);
  for (let q = 0; q < p; q++) {
    for (let j = 0; j < 4; j++) {
      const weight = fW[q * 4 + j];
      if (weight === 0) continue;
      const src = fIdx[q * 4 + j];
      const slot = src * k + fill[src]++;
      aIdx[slot] = q;
      aW[slot] = weight;
    }
  }
  const tables = { forward: { idx: fIdx, w: fW, k: 4 }, adjoint: { idx: aIdx, w: aW, k } };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, tables);
  return tables;
}

/** out[n, p, c] = Σ_j w[p, j] · x[n, idx[p, j], c] for x of shape [N, P, C]. */
function applySparse(x: tf.Tensor3D, map: SparseMap): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, p, c] = x.shape;
    const gathered = tf.gather(x, tf.tensor1d(map.idx, 'int32'), 1);
    const weighted = tf.mul(tf.reshape(gathered, [n, p, map.k, c]), tf.tensor4d(map.w, [1, p, map.k, 1]));
    return tf.sum(weighted, 2) as tf.Tensor3D;
  });
}

/** Rotates [N, H, W, C] by `degrees` with one bilinear sample per pixel; pixels from outside the image are `fill`. */
export function rotateSparse(x: tf.Tensor4D, degrees: number, fill: number): tf.Tensor4D {
  if (degrees === 0) return tf.clone(x);
  const [n, h, w, c] = x.shape;
  const tables = rotationTables(h, w, degrees);
  const op = tf.customGrad((...inputs) => {
    const value: tf.Tensor = applySparse(tf.reshape(inputs[0] as tf.Tensor, [n, h * w, c]) as tf.Tensor3D, tables.forward);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => tf.reshape(applySparse(tf.reshape(dy, [n, h * w, c]) as tf.Tensor3D, tables.adjoint), [n, h, w, c]),
    };
  });
  return tf.tidy(() => {
    // Rotate (x − fill) so that the zero read outside the image becomes `fill`.
    const rotated = op(tf.sub(x, fill)) as tf.Tensor3D;
    return tf.add(tf.reshape(rotated, [n, h, w, c]), fill) as tf.Tensor4D;
  });
}
