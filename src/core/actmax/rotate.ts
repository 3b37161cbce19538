// Differentiable rotation without gather. tf.image.rotateWithOffset has no gradient, and tf.gather costs ~40 ns
// per element on wasm (its gradient is missing there too), so the rotation is Paeth's three shears
// R(θ) = X(α)·Y(β)·X(α) with α = −tan(θ/2), β = sin θ. Each shear moves every line by its own fractional offset
// with linear interpolation; lines sharing an integer offset are cut out with two window slices, so a shear costs
// a few dozen slices and two concats instead of a gather (1×224×224×3 forward+backward on wasm: ~26 ms vs ~60 ms). Each shear carries its exact transpose as a custom gradient
// (a shear of the zero-padded gradient by the negated offsets), so the whole map's gradient is its exact adjoint.
// Paeth with linear interpolation is not bit-identical to one bilinear sample: on smooth images the two differ by
// ~0.005 of the 0..1 range inside the image, and near Nyquist the three interpolations blur a little more
// (white noise keeps std 0.16 vs 0.19); see test/unit/actmax/rotate.test.ts. The shears cost ~200 small ops per
// forward+backward, a fixed ~5 ms that the gather beats on small tensors, so those keep the exact bilinear gather.
import * as tf from '@tensorflow/tfjs-core';
import { rotateSparse } from './rotateSparse';
import { nativeShearLines } from '../native/installNativeKernels';

/** Below this many elements (N·H·W·C) the gather path is faster on wasm (52²: 3 vs 5.5 ms; 16·52²: 14 vs 10 ms). */
const SHEAR_MIN_ELEMENTS = 16384;

/** One shear: line r of an [N, R, L, C] tensor reads position j + offsets[r] for output j ∈ [0, lout). */
interface Shear {
  offsets: Float64Array;
  length: number;
  lout: number;
}

interface RotationPlan {
  /** Zero border added around the image: rows above/below, columns left/right. */
  padRows: number;
  padCols: number;
  first: Shear;
  second: Shear;
  third: Shear;
}

const cache = new Map<string, RotationPlan>();
const CACHE_LIMIT = 64;

function lineOffsets(count: number, f: (r: number) => number): Float64Array {
  return Float64Array.from({ length: count }, (_, r) => f(r));
}

/** The three shears rotating an H×W image by `degrees` counter-clockwise about its center (outside reads 0). */
export function rotationPlan(h: number, w: number, degrees: number): RotationPlan {
  const key = `${h}x${w}@${degrees}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const theta = (degrees * Math.PI) / 180;
  const alpha = -Math.tan(theta / 2);
  const beta = Math.sin(theta);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  // Margins so that no shear reads past its input: the output x-range widens by m3 for the last x-shear,
  // the y-range by m2 for the y-shear, and the source x-range by m1 more for the first x-shear.
  const m3 = Math.ceil(Math.abs(alpha) * cy) + 1;
  const m2 = Math.ceil(Math.abs(beta) * (cx + m3)) + 1;
  const m1 = Math.ceil(Math.abs(alpha) * (cy + m2)) + 1;
  const w2 = w + 2 * m3;
  const h1 = h + 2 * m2;
  const plan: RotationPlan = {
    padRows: m2,
    padCols: m3 + m1,
    // I1(x, y) = I0(x + α(y − cy), y) on x ∈ [−m3, w + m3), y ∈ [−m2, h + m2)
    first: { offsets: lineOffsets(h1, (r) => alpha * (r - m2 - cy) + m1), length: w2 + 2 * m1, lout: w2 },
    // I2(x, y) = I1(x, y + β(x − cx)) on y ∈ [0, h), run on the transposed image (lines are columns)
    second: { offsets: lineOffsets(w2, (i) => beta * (i - m3 - cx) + m2), length: h1, lout: h },
    // out(x, y) = I2(x + α(y − cy), y) on x ∈ [0, w)
    third: { offsets: lineOffsets(h, (r) => alpha * (r - cy) + m3), length: w2, lout: w },
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, plan);
  return plan;
}

/** out[n, r, j, c] = (1 − f)·x[n, r, k, c] + f·x[n, r, k + 1, c] with k + f = j + offsets[r]; reads must stay inside. */
function shearLines(x: tf.Tensor4D, offsets: Float64Array, lout: number): tf.Tensor4D {
  // The native kernels do it in one pass, with the same float arithmetic as below.
  const native = nativeShearLines(x, offsets, lout);
  if (native) return native;
  return tf.tidy(() => {
    const [n, rows, len, c] = x.shape;
    // Runs of lines that share the integer part k of their offset: each run is two window slices.
    const runs: [number, number, number][] = [];
    const frac = new Float32Array(rows);
    for (let r0 = 0; r0 < rows; ) {
      const k = Math.floor(offsets[r0]);
      let r1 = r0 + 1;
      while (r1 < rows && Math.floor(offsets[r1]) === k) r1++;
      for (let r = r0; r < r1; r++) frac[r] = offsets[r] - k;
      runs.push([r0, r1, k]);
      r0 = r1;
    }
    const lo: tf.Tensor3D[] = [];
    const hi: tf.Tensor3D[] = [];
    // wasm's Slice copies its whole input out of the heap on every call (readSync), so cutting every run
    // straight from the full image costs (runs × image); halving the lines first keeps it near log2(runs) × image.
    // Lines are [N, R, L·C] so that a window is one contiguous run of each line, copied as a block.
    const cutRuns = (t: tf.Tensor3D, base: number, from: number, to: number): void => {
      if (to - from === 1) {
        const [r0, r1, k] = runs[from];
        lo.push(tf.slice(t, [0, r0 - base, k * c], [n, r1 - r0, lout * c]));
        hi.push(tf.slice(t, [0, r0 - base, (k + 1) * c], [n, r1 - r0, lout * c]));
        return;
      }
      const mid = (from + to) >> 1;
      const split = runs[mid][0];
      const end = runs[to - 1][1];
      cutRuns(tf.slice(t, [0, 0, 0], [n, split - base, len * c]), base, from, mid);
      cutRuns(tf.slice(t, [0, split - base, 0], [n, end - split, len * c]), split, mid, to);
    };
    cutRuns(tf.reshape(x, [n, rows, len * c]) as tf.Tensor3D, 0, 0, runs.length);
    const a = lo.length === 1 ? lo[0] : tf.concat(lo, 1);
    const b = hi.length === 1 ? hi[0] : tf.concat(hi, 1);
    const f = tf.tensor3d(frac, [1, rows, 1]);
    return tf.reshape(tf.add(a, tf.mul(tf.sub(b, a), f)), [n, rows, lout, c]) as tf.Tensor4D;
  });
}

/** Adjoint of shearLines: the gradient, zero-padded, sheared back by the negated offsets to the input length. */
function shearLinesAdjoint(dy: tf.Tensor4D, shear: Shear): tf.Tensor4D {
  return tf.tidy(() => {
    let maxO = -Infinity;
    let minO = Infinity;
    for (const o of shear.offsets) {
      maxO = Math.max(maxO, o);
      minO = Math.min(minO, o);
    }
    const left = Math.ceil(maxO);
    const right = Math.max(0, Math.floor(left - minO) + shear.length + 1 - shear.lout - left);
    const padded = tf.pad(dy, [[0, 0], [0, 0], [left, right], [0, 0]]) as tf.Tensor4D;
    return shearLines(padded, shear.offsets.map((o) => left - o), shear.length);
  });
}

function applyShear(x: tf.Tensor4D, shear: Shear): tf.Tensor4D {
  const op = tf.customGrad((...inputs) => ({
    value: shearLines(inputs[0] as tf.Tensor4D, shear.offsets, shear.lout),
    gradFunc: (dy: tf.Tensor) => shearLinesAdjoint(dy as tf.Tensor4D, shear),
  }));
  return op(x) as tf.Tensor4D;
}

/** Rotates [N, H, W, C] by `degrees` counter-clockwise; pixels from outside the image are `fill`. */
export function rotateBilinear(x: tf.Tensor4D, degrees: number, fill: number): tf.Tensor4D {
  if (degrees === 0) return tf.clone(x);
  return x.size < SHEAR_MIN_ELEMENTS ? rotateSparse(x, degrees, fill) : rotateSheared(x, degrees, fill);
}

/** rotateBilinear by three shears, for any size (the large-image path). */
export function rotateSheared(x: tf.Tensor4D, degrees: number, fill: number): tf.Tensor4D {
  if (degrees === 0) return tf.clone(x);
  const [, h, w] = x.shape;
  const plan = rotationPlan(h, w, degrees);
  return tf.tidy(() => {
    // Rotate (x − fill) so that the zero read outside the image becomes `fill`.
    const canvas = tf.pad(tf.sub(x, fill), [[0, 0], [plan.padRows, plan.padRows], [plan.padCols, plan.padCols], [0, 0]]) as tf.Tensor4D;
    const i1 = applyShear(canvas, plan.first);
    const i2 = tf.transpose(applyShear(tf.transpose(i1, [0, 2, 1, 3]), plan.second), [0, 2, 1, 3]);
    return tf.add(applyShear(i2, plan.third), fill) as tf.Tensor4D;
  });
}
