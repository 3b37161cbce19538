// A 2-D real inverse DFT (and its forward) written as matrix products with precomputed cos/sin bases.
// Why not tf.spectral: FFT/IFFT/Complex have no wasm kernels and no gradients there (docs/tfjs-facts.md); matMul has both,
// and for images up to ~224 px the dense bases are small and the products fast.
//
// Each direction is TWO products, one per axis, each with real and imaginary parts merged into one real matrix: the
// complex H-axis DFT is one product with the 2H × 2H matrix [[C, S], [−S, C]] over (re/im, row), the real-output
// W-axis inverse one product with a 2·Wf × W matrix over (column, re/im). Four products, their sums and negations
// (the textbook split into real ones) cost more in separate kernel calls and memory passes than the merged one's
// FLOPs: the native kernels run a merged [10848, 448] × [448, 448] product at ~200 GFLOP/s, while the split's
// [224, 224] × [224, 10848] products ran at ~60 (their data was the packed right-hand side, repacked every call).
// A Cooley–Tukey factorization (224 = 16·14) would cut the FLOPs further but needs its twiddles and digit
// reordering as elementwise passes or transposes, each a memory pass that costs about as much as the merged product.
//
// The spectrum's layout depends on whether products with a transposed left operand are cheap:
// - 'packed' [B, Wf, 2, H] (the native kernels, WebGPU): no transposes at all. The H product contracts the last
//   axis; the W product is a batched product over B whose left operand is read transposed, which the native
//   kernel does while packing its tiles. The adjoint and the forward mirror it.
// - 'planar' [2, H, B, Wf] (TF.js's own wasm/cpu kernels, where a transposed operand costs ~4× a plain product):
//   plain products only, and one transpose between the two axes.
// Callers treat the layout as opaque: `fromHalfSpectra`, `binValues` with `applyBins`, `complex` and `parts` convert.
// Normalization follows numpy: irfft2(rfft2(x)) = x, the inverse carries 1/(H·W).
import * as tf from '@tensorflow/tfjs-core';
import { nativeKernelsInstalled } from '../native/installNativeKernels';

export type SpectrumLayout = 'packed' | 'planar';

export function halfWidth(w: number): number {
  return Math.floor(w / 2) + 1;
}

/** |f| of each half-spectrum bin, row-major [H, Wf], in cycles per pixel (numpy's fftfreq convention). */
export function rfftFreqs(h: number, w: number): Float32Array {
  const wf = halfWidth(w);
  const out = new Float32Array(h * wf);
  for (let k = 0; k < h; k++) {
    const fy = (k <= Math.floor((h - 1) / 2) ? k : k - h) / h;
    for (let l = 0; l < wf; l++) {
      const fx = l / w;
      out[k * wf + l] = Math.sqrt(fx * fx + fy * fy);
    }
  }
  return out;
}

/** The layout whose products are cheapest on the active backend (see the header). */
export function defaultSpectrumLayout(): SpectrumLayout {
  const backend = tf.getBackend();
  return (backend === 'wasm' || backend === 'cpu') && !nativeKernelsInstalled() ? 'planar' : 'packed';
}

/**
 * The H-axis DFT as one real matrix over (re/im, index): out[(o, m)] = Σ (C[k,m] + i·sign·S[k,m]) in[(i, k)].
 * `at(i, k, o, m)` places each entry, so one loop fills any of the layouts' orderings.
 */
function fillComplexH(h: number, sign: 1 | -1, data: Float32Array, at: (i: number, k: number, o: number, m: number) => number): Float32Array {
  for (let k = 0; k < h; k++) {
    for (let m = 0; m < h; m++) {
      // (k·m) mod h keeps the angle small, so float error does not grow with size.
      const a = (2 * Math.PI * ((k * m) % h)) / h;
      const c = Math.cos(a);
      const s = sign * Math.sin(a);
      data[at(0, k, 0, m)] = c;
      data[at(1, k, 0, m)] = -s;
      data[at(0, k, 1, m)] = s;
      data[at(1, k, 1, m)] = c;
    }
  }
  return data;
}

/** Holds the bases for one (H, W) and layout; dispose when the image size changes. */
export class RealDft2 {
  readonly wf: number;
  /** H axis, e^{+i}: packed, rows (re/im, k) × columns (re/im, m) (a right operand); planar, its transpose (a left one). */
  private readonly hInv: tf.Tensor2D;
  /** H axis, e^{−i}: packed, rows (m, re/im) × columns (re/im, k); planar, rows (re/im, k) × columns (re/im, m). */
  private readonly hFwd: tf.Tensor2D;
  /** W axis inverse, real part only, Hermitian weights and 1/(H·W) folded in: packed rows (l, re/im), planar (re/im, l). */
  private readonly wInv: tf.Tensor2D;
  /** W axis forward [W, (re/im, l)], and the inverse's transpose (its adjoint) in the same ordering. */
  private readonly wFwd: tf.Tensor2D;
  private readonly wInvT: tf.Tensor2D;
  private readonly inverseOp: (spec: tf.Tensor4D) => tf.Tensor3D;

  constructor(
    readonly h: number,
    readonly w: number,
    readonly layout: SpectrumLayout = defaultSpectrumLayout(),
  ) {
    const wf = halfWidth(w);
    this.wf = wf;
    const packed = layout === 'packed';
    const n2 = 2 * h;
    const hInvAt = packed
      ? (i: number, k: number, o: number, m: number) => (i * h + k) * n2 + o * h + m
      : (i: number, k: number, o: number, m: number) => (o * h + m) * n2 + i * h + k;
    this.hInv = tf.tensor2d(fillComplexH(h, 1, new Float32Array(n2 * n2), hInvAt), [n2, n2]);
    const hFwdAt = packed
      ? (i: number, m: number, o: number, k: number) => (m * 2 + i) * n2 + o * h + k
      : (i: number, m: number, o: number, k: number) => (o * h + k) * n2 + i * h + m;
    this.hFwd = tf.tensor2d(fillComplexH(h, -1, new Float32Array(n2 * n2), hFwdAt), [n2, n2]);

    const wInv = new Float32Array(2 * wf * w);
    const wFwd = new Float32Array(w * 2 * wf);
    const wInvT = new Float32Array(w * 2 * wf);
    for (let l = 0; l < wf; l++) {
      // Bins 0 and W/2 (even W) appear once in the full spectrum, the others twice (with their conjugates).
      const weight = l === 0 || (w % 2 === 0 && l === w / 2) ? 1 : 2;
      for (let n = 0; n < w; n++) {
        const a = (2 * Math.PI * ((l * n) % w)) / w;
        const c = Math.cos(a);
        const s = Math.sin(a);
        const cInv = (weight * c) / (h * w);
        const sInv = (weight * s) / (h * w);
        // x = Σ_l Re(Y_l e^{+iθ}) = Σ_l Yr·cos − Yi·sin.
        wInv[(packed ? 2 * l : l) * w + n] = cInv;
        wInv[(packed ? 2 * l + 1 : wf + l) * w + n] = -sInv;
        wInvT[n * 2 * wf + l] = cInv;
        wInvT[n * 2 * wf + wf + l] = -sInv;
        wFwd[n * 2 * wf + l] = c;
        wFwd[n * 2 * wf + wf + l] = -s;
      }
    }
    this.wInv = tf.tensor2d(wInv, [2 * wf, w]);
    this.wFwd = tf.tensor2d(wFwd, [w, 2 * wf]);
    this.wInvT = tf.tensor2d(wInvT, [w, 2 * wf]);
    // Why a custom gradient: the automatic one multiplies by transposed operands, which TF.js's wasm kernel runs
    // several times slower than plain products. The adjoint below is the forward's shape with the inverse's bases.
    this.inverseOp = tf.customGrad((...inputs) => {
      const [spec] = inputs as tf.Tensor4D[];
      return { value: this.inverseRaw(spec), gradFunc: (dx: tf.Tensor) => this.analyze(dx as tf.Tensor3D, this.wInvT) };
    }) as unknown as (spec: tf.Tensor4D) => tf.Tensor3D;
  }

  /** The spectrum's shape for B planes; `parts` = 2 for complex values, 1 for one real value per bin (a phase). */
  spectrumShape(b: number, parts: 1 | 2 = 2): [number, number, number, number] {
    return this.layout === 'packed' ? [b, this.wf, parts, this.h] : [parts, this.h, b, this.wf];
  }

  /** One real value per bin, numpy's order [H, B, Wf] → this layout (parts = 1). */
  fromBins(t: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => {
      const b = t.shape[1];
      return tf.reshape(this.layout === 'packed' ? tf.transpose(t, [1, 2, 0]) : t, this.spectrumShape(b, 1));
    });
  }

  /** The inverse of `fromBins`. */
  toBins(t: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const { h, wf } = this;
      if (this.layout === 'planar') return tf.reshape(t, [h, t.shape[2], wf]);
      return tf.transpose(tf.reshape(t, [t.shape[0], wf, h]), [2, 0, 1]);
    });
  }

  /** Half spectra in numpy's order, re and im [H, B, Wf] → one complex spectrum in this layout. */
  fromHalfSpectra(re: tf.Tensor3D, im: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => this.complex(this.fromBins(re), this.fromBins(im)));
  }

  /** The inverse of `fromHalfSpectra`. */
  toHalfSpectra(spec: tf.Tensor4D): { re: tf.Tensor3D; im: tf.Tensor3D } {
    const { re, im } = this.parts(spec);
    const out = { re: this.toBins(re), im: this.toBins(im) };
    tf.dispose([re, im]);
    return out;
  }

  /** Real and imaginary parts (parts = 1 each) → a complex spectrum. */
  complex(re: tf.Tensor4D, im: tf.Tensor4D): tf.Tensor4D {
    return tf.concat([re, im], this.layout === 'packed' ? 2 : 0);
  }

  /** A complex spectrum → its real and imaginary parts (parts = 1 each). */
  parts(spec: tf.Tensor4D): { re: tf.Tensor4D; im: tf.Tensor4D } {
    const [re, im] = tf.split(spec, 2, this.layout === 'packed' ? 2 : 0) as tf.Tensor4D[];
    return { re, im };
  }

  /**
   * Per-bin values, row-major [H, Wf] (e.g. from `rfftFreqs`), repeated for `parts` (as `spectrumShape`) and shaped
   * for `applyBins`: packed, one flat vector per plane; planar, [parts·H, 1, Wf].
   */
  binValues(values: Float32Array, parts: 1 | 2 = 2): tf.Tensor {
    const { h, wf } = this;
    const t = new Float32Array(parts * h * wf);
    for (let p = 0; p < parts; p++) {
      for (let k = 0; k < h; k++) {
        for (let l = 0; l < wf; l++) t[this.layout === 'packed' ? (l * parts + p) * h + k : (p * h + k) * wf + l] = values[k * wf + l];
      }
    }
    return this.layout === 'packed' ? tf.tensor1d(t) : tf.tensor3d(t, [parts * h, 1, wf]);
  }

  /**
   * `op(t, bins)` bin by bin, for a spectrum-layout `t` and `binValues` of its parts. Why the reshapes: broadcasting
   * over a middle axis runs TF.js wasm's generic broadcast (a [96, 113, 2, 224] × [113, 1, 224] multiply took
   * ~400 ms); as [B, bins] × [bins] it is the native kernels' per-channel multiply (~13 ms).
   */
  applyBins(t: tf.Tensor4D, bins: tf.Tensor, op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): tf.Tensor4D {
    return tf.tidy(() => {
      const flat = this.layout === 'packed' ? [t.shape[0], -1] : [t.shape[0] * t.shape[1], t.shape[2], t.shape[3]];
      return tf.reshape(op(tf.reshape(t, flat), bins), t.shape);
    });
  }

  /** Half spectrum (this layout) → real images [B, H, W]. Differentiable. */
  inverse(spec: tf.Tensor4D): tf.Tensor3D {
    return this.inverseOp(spec);
  }

  /** Real images [B, H, W] → half spectrum in this layout (unnormalized, like numpy's rfft2). */
  forward(x: tf.Tensor3D): tf.Tensor4D {
    return this.analyze(x, this.wFwd);
  }

  private inverseRaw(spec: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const { h, w, wf } = this;
      if (this.layout === 'packed') {
        const b = spec.shape[0];
        // [(b, l), (re/im, k)] · hInv → [(b, l), (re/im, m)], read per plane as [(l, re/im), m], transposed.
        const y = tf.matMul(tf.reshape(spec, [b * wf, 2 * h]), this.hInv);
        return tf.matMul(tf.reshape(y, [b, 2 * wf, h]), this.wInv, true, false) as tf.Tensor3D;
      }
      const b = spec.shape[2];
      // [(re/im, m), (re/im, k)] · [(re/im, k), (b, l)], then rows (b, m) for the W product.
      const y = tf.matMul(this.hInv, tf.reshape(spec, [2 * h, b * wf]));
      const rows = tf.reshape(tf.transpose(tf.reshape(y, [2, h, b, wf]), [2, 1, 0, 3]), [b * h, 2 * wf]);
      return tf.reshape(tf.matMul(rows, this.wInv), [b, h, w]);
    });
  }

  /** Images [B, H, W] → spectrum, with the W basis `wBasis` [W, (re/im, l)]: the forward DFT, or (wInvT) the inverse's adjoint. */
  private analyze(x: tf.Tensor3D, wBasis: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => {
      const { h, w, wf } = this;
      const b = x.shape[0];
      const z = tf.matMul(tf.reshape(x, [b * h, w]), wBasis); // [(b, m), (re/im, l)]
      if (this.layout === 'packed') {
        // Per plane [(m, re/im), l], transposed: [l, (m, re/im)] · hFwd → [l, (re/im, k)].
        return tf.reshape(tf.matMul(tf.reshape(z, [b, 2 * h, wf]), this.hFwd, true, false), this.spectrumShape(b));
      }
      const cols = tf.reshape(tf.transpose(tf.reshape(z, [b, h, 2, wf]), [2, 1, 0, 3]), [2 * h, b * wf]);
      return tf.reshape(tf.matMul(this.hFwd, cols), this.spectrumShape(b));
    });
  }

  dispose(): void {
    tf.dispose([this.hInv, this.hFwd, this.wInv, this.wFwd, this.wInvT]);
  }
}
