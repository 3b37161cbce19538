// A 2-D real inverse DFT (and its forward) written as matrix products with precomputed cos/sin bases.
// Why not tf.spectral: FFT/IFFT/Complex have no wasm kernels and no gradients there (docs/tfjs-facts.md); matMul has both,
// and for images up to ~224 px the dense bases are small (224² floats each) and the products fast.
//
// Layout: a half spectrum is two real tensors (re, im) of shape [H, B, Wf] with Wf = floor(W/2) + 1 — the
// frequency-row axis first so the H-direction product needs no transpose; an image batch is [B, H, W].
// Normalization follows numpy: irfft2(rfft2(x)) = x, the inverse carries 1/(H·W).
import * as tf from '@tensorflow/tfjs-core';

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

/** Holds the bases for one (H, W); dispose when the image size changes. */
export class RealDft2 {
  readonly wf: number;
  private readonly ch: tf.Tensor2D;
  private readonly sh: tf.Tensor2D;
  /** Inverse W bases [Wf, W], with the Hermitian weights and 1/(H·W) folded in. */
  private readonly cwInv: tf.Tensor2D;
  private readonly swInv: tf.Tensor2D;
  /** Forward W bases [W, Wf]. */
  private readonly cwFwd: tf.Tensor2D;
  private readonly swFwd: tf.Tensor2D;
  /** The transposes of the inverse W bases [W, Wf], for the gradient (see `inverse`). */
  private readonly cwInvT: tf.Tensor2D;
  private readonly swInvT: tf.Tensor2D;
  private readonly inverseOp: (re: tf.Tensor3D, im: tf.Tensor3D) => tf.Tensor3D;

  constructor(
    readonly h: number,
    readonly w: number,
  ) {
    const wf = halfWidth(w);
    this.wf = wf;
    const ch = new Float32Array(h * h);
    const sh = new Float32Array(h * h);
    for (let m = 0; m < h; m++) {
      for (let k = 0; k < h; k++) {
        // (k·m) mod h keeps the angle small, so float error does not grow with size.
        const a = (2 * Math.PI * ((k * m) % h)) / h;
        ch[m * h + k] = Math.cos(a);
        sh[m * h + k] = Math.sin(a);
      }
    }
    const cwInv = new Float32Array(wf * w);
    const swInv = new Float32Array(wf * w);
    const cwFwd = new Float32Array(w * wf);
    const swFwd = new Float32Array(w * wf);
    for (let l = 0; l < wf; l++) {
      // Bins 0 and W/2 (even W) appear once in the full spectrum, the others twice (with their conjugates).
      const weight = l === 0 || (w % 2 === 0 && l === w / 2) ? 1 : 2;
      for (let n = 0; n < w; n++) {
        const a = (2 * Math.PI * ((l * n) % w)) / w;
        const c = Math.cos(a);
        const s = Math.sin(a);
        cwInv[l * w + n] = (weight * c) / (h * w);
        swInv[l * w + n] = (weight * s) / (h * w);
        cwFwd[n * wf + l] = c;
        swFwd[n * wf + l] = s;
      }
    }
    this.ch = tf.tensor2d(ch, [h, h]);
    this.sh = tf.tensor2d(sh, [h, h]);
    this.cwInv = tf.tensor2d(cwInv, [wf, w]);
    this.swInv = tf.tensor2d(swInv, [wf, w]);
    this.cwFwd = tf.tensor2d(cwFwd, [w, wf]);
    this.swFwd = tf.tensor2d(swFwd, [w, wf]);
    // The inverse W bases transposed are the forward ones scaled by weight/(H·W).
    const cwInvT = new Float32Array(w * wf);
    const swInvT = new Float32Array(w * wf);
    for (let l = 0; l < wf; l++) for (let n = 0; n < w; n++) {
      cwInvT[n * wf + l] = cwInv[l * w + n];
      swInvT[n * wf + l] = swInv[l * w + n];
    }
    this.cwInvT = tf.tensor2d(cwInvT, [w, wf]);
    this.swInvT = tf.tensor2d(swInvT, [w, wf]);
    // Why a custom gradient: the automatic one multiplies by transposed operands (matMul with transposeA/B), which
    // wasm runs ~12× slower than plain products (224 px: ~100 ms per step instead of ~8). The adjoint below uses
    // only plain products: Ch and Sh are symmetric, and the transposed W bases are precomputed.
    this.inverseOp = tf.customGrad((...inputs) => {
      const [re, im] = inputs as tf.Tensor3D[];
      return { value: this.inverseRaw(re, im), gradFunc: (dx: tf.Tensor) => this.inverseAdjoint(dx as tf.Tensor3D) };
    }) as unknown as (re: tf.Tensor3D, im: tf.Tensor3D) => tf.Tensor3D;
  }

  /** Half spectrum [H, B, Wf] (re, im) → real images [B, H, W]. Differentiable. */
  inverse(re: tf.Tensor3D, im: tf.Tensor3D): tf.Tensor3D {
    return this.inverseOp(re, im);
  }

  /** The adjoint of `inverse`: images [B, H, W] → the gradients of (re, im), [H, B, Wf] each. */
  private inverseAdjoint(dx: tf.Tensor3D): tf.Tensor3D[] {
    return tf.tidy(() => {
      const { h, w, wf } = this;
      const b = dx.shape[0];
      const flat = tf.reshape(dx, [b * h, w]);
      const cols = (t: tf.Tensor): tf.Tensor2D => tf.reshape(tf.transpose(tf.reshape(t, [b, h, wf]), [1, 0, 2]), [h, b * wf]);
      const gr = cols(tf.matMul(flat, this.cwInvT));
      const gi = cols(tf.neg(tf.matMul(flat, this.swInvT)));
      const dre = tf.add(tf.matMul(this.ch, gr), tf.matMul(this.sh, gi));
      const dim = tf.sub(tf.matMul(this.ch, gi), tf.matMul(this.sh, gr));
      return [tf.reshape(dre, [h, b, wf]), tf.reshape(dim, [h, b, wf])];
    });
  }

  private inverseRaw(re: tf.Tensor3D, im: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const { h, w, wf } = this;
      const b = re.shape[1];
      const reF = tf.reshape(re, [h, b * wf]);
      const imF = tf.reshape(im, [h, b * wf]);
      // Complex inverse DFT along H: (Ch + i·Sh)(re + i·im).
      const yr = tf.sub(tf.matMul(this.ch, reF), tf.matMul(this.sh, imF));
      const yi = tf.add(tf.matMul(this.sh, reF), tf.matMul(this.ch, imF));
      const rows = (t: tf.Tensor): tf.Tensor2D => tf.reshape(tf.transpose(tf.reshape(t, [h, b, wf]), [1, 0, 2]), [b * h, wf]);
      // Real inverse along W: keeps Re(Σ c_l Y_l e^{+iθ}).
      const x = tf.sub(tf.matMul(rows(yr), this.cwInv), tf.matMul(rows(yi), this.swInv));
      return tf.reshape(x, [b, h, w]);
    });
  }

  /** Real images [B, H, W] → half spectrum [H, B, Wf] (unnormalized, like numpy's rfft2). */
  forward(x: tf.Tensor3D): { re: tf.Tensor3D; im: tf.Tensor3D } {
    return tf.tidy(() => {
      const { h, w, wf } = this;
      const b = x.shape[0];
      const flat = tf.reshape(x, [b * h, w]);
      const cols = (t: tf.Tensor): tf.Tensor2D => tf.reshape(tf.transpose(tf.reshape(t, [b, h, wf]), [1, 0, 2]), [h, b * wf]);
      const zr = cols(tf.matMul(flat, this.cwFwd));
      const zi = cols(tf.neg(tf.matMul(flat, this.swFwd)));
      // (Ch − i·Sh)(zr + i·zi)
      const xr = tf.add(tf.matMul(this.ch, zr), tf.matMul(this.sh, zi));
      const xi = tf.sub(tf.matMul(this.ch, zi), tf.matMul(this.sh, zr));
      return { re: tf.reshape(xr, [h, b, wf]), im: tf.reshape(xi, [h, b, wf]) };
    });
  }

  dispose(): void {
    tf.dispose([this.ch, this.sh, this.cwInv, this.swInv, this.cwFwd, this.swFwd, this.cwInvT, this.swInvT]);
  }
}
