// Image parameterizations: trainable variables → a batch of images [N, H, W, C] in 0..1.
// pixel: the variables are the (logit-space) pixels. fourier: Lucid's fft_image — a half spectrum scaled by
// 1/f^decay, inverse-DFT'd, divided by 4. maco: only the phase is free; the magnitude is a fixed 1/f^decay
// spectrum (the average natural-image spectrum falls off as ~1/f), and each image is standardized, so the
// optimizer can change structure but not contrast (Fel et al. 2023).
import * as tf from '@tensorflow/tfjs-core';
import type { ActmaxParamKind } from '../../shared/actmax';
import { fromValidImage, toValidImage } from './color';
import { RealDft2, rfftFreqs } from './dft';
import { normalArray, type Rng } from './rng';

export interface ImageParam {
  readonly variables: tf.Variable[];
  readonly shape: [number, number, number, number];
  /** The images in 0..1, differentiable with respect to `variables`. The caller disposes the result. */
  image(): tf.Tensor4D;
  dispose(): void;
}

export interface ParamConfig {
  kind: ActmaxParamKind;
  batch: number;
  height: number;
  width: number;
  channels: 1 | 3;
  decorrelate: boolean;
  decayPower: number;
  rng: Rng;
  /** Start from these images (0..1, [N, H, W, C]) instead of noise: used between octaves. */
  init?: tf.Tensor4D;
}

/** Lucid's initial standard deviation for pixel and spectrum values. */
const INIT_SD = 0.01;
/** Logit-space standard deviation of a MACO image before the sigmoid. */
const MACO_STD = 1.0;

export function createParam(cfg: ParamConfig): ImageParam {
  return PARAMS[cfg.kind](cfg);
}

let nextId = 0;
function uniqueName(what: string): string {
  // Variables need unique names in the engine; Adam keys its moments by them.
  return `layerLens/actmax/${what}/${nextId++}`;
}

function pixelParam(cfg: ParamConfig): ImageParam {
  const shape: [number, number, number, number] = [cfg.batch, cfg.height, cfg.width, cfg.channels];
  const initial = cfg.init
    ? fromValidImage(cfg.init, cfg.decorrelate)
    : tf.tensor4d(normalArray(cfg.rng, shape.reduce((a, b) => a * b, 1), INIT_SD), shape);
  const v = tf.variable(initial, true, uniqueName('pixel'));
  initial.dispose();
  return {
    variables: [v],
    shape,
    image: () => toValidImage(v as unknown as tf.Tensor4D, cfg.decorrelate),
    dispose: () => v.dispose(),
  };
}

/**
 * Per bin 1/max(f, 1/max(H,W))^decay · sqrt(H·W) (Lucid's spectrum scale) times `factor`, for `dft.applyBins`. A
 * power-of-two factor gives exactly the scale's float32 values times it (scaling by 2^k commutes with rounding).
 */
function spectrumScale(dft: RealDft2, decay: number, parts: 1 | 2, factor = 1): tf.Tensor {
  const { h, w } = dft;
  const floor = 1 / Math.max(h, w);
  const norm = Math.sqrt(h * w);
  return dft.binValues(rfftFreqs(h, w).map((f) => (norm / Math.pow(Math.max(f, floor), decay)) * factor), parts);
}

/** [B, H, W] with B = N·C (channel-major per image) ↔ [N, H, W, C]. */
function planesToNhwc(x: tf.Tensor3D, n: number, c: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.transpose(tf.reshape(x, [n, c, h, w]), [0, 2, 3, 1]);
}
function nhwcToPlanes(x: tf.Tensor4D): tf.Tensor3D {
  const [n, h, w, c] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n * c, h, w]);
}

function fourierParam(cfg: ParamConfig): ImageParam {
  const { batch: n, height: h, width: w, channels: c } = cfg;
  const dft = new RealDft2(h, w);
  const scale = spectrumScale(dft, cfg.decayPower, 2);
  // Lucid's image is irfft(S·scale)/4. The DFT is linear and dividing by 4 is exact in float32, so S·(scale/4)
  // gives the same bits, image and gradient, without a division pass over the whole batch forward and backward.
  const imageScale = spectrumScale(dft, cfg.decayPower, 2, 1 / 4);
  const b = n * c;
  const init = cfg.init;
  const spec0 = init
    ? tf.tidy(() => {
        // image = irfft(S·scale)/4 ⇒ S = rfft(4·t)/scale
        const t = tf.mul(fromValidImage(init, cfg.decorrelate), 4) as tf.Tensor4D;
        return dft.applyBins(dft.forward(nhwcToPlanes(t)), scale, tf.div);
      })
    : tf.tidy(() => {
        // Drawn in numpy's order (all real parts, then all imaginary), whatever the DFT's layout, so a seed gives
        // the same image on every backend.
        const count = h * b * dft.wf;
        const re0 = tf.tensor3d(normalArray(cfg.rng, count, INIT_SD), [h, b, dft.wf]);
        const im0 = tf.tensor3d(normalArray(cfg.rng, count, INIT_SD), [h, b, dft.wf]);
        return dft.fromHalfSpectra(re0, im0);
      });
  const spec = tf.variable(spec0, true, uniqueName('fourierSpectrum'));
  spec0.dispose();
  return {
    variables: [spec],
    shape: [n, h, w, c],
    image: () =>
      tf.tidy(() => {
        const planes = dft.inverse(dft.applyBins(spec, imageScale, tf.mul));
        return toValidImage(planesToNhwc(planes, n, c), cfg.decorrelate);
      }),
    dispose: () => {
      tf.dispose([spec, scale, imageScale]);
      dft.dispose();
    },
  };
}

function macoParam(cfg: ParamConfig): ImageParam {
  const { batch: n, height: h, width: w, channels: c } = cfg;
  const dft = new RealDft2(h, w);
  const magnitude = spectrumScale(dft, cfg.decayPower, 1);
  const b = n * c;
  let phase0: tf.Tensor4D;
  if (cfg.init) {
    const init = cfg.init;
    phase0 = tf.tidy(() => {
      const { re, im } = dft.parts(dft.forward(nhwcToPlanes(fromValidImage(init, cfg.decorrelate))));
      return tf.atan2(im, re) as tf.Tensor4D;
    });
  } else {
    const count = h * b * dft.wf;
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = (cfg.rng.next() * 2 - 1) * Math.PI;
    phase0 = tf.tidy(() => dft.fromBins(tf.tensor3d(values, [h, b, dft.wf])));
  }
  const phase = tf.variable(phase0, true, uniqueName('macoPhase'));
  phase0.dispose();
  return {
    variables: [phase],
    shape: [n, h, w, c],
    image: () =>
      tf.tidy(() => {
        const spectrum = (t: tf.Tensor4D) => dft.applyBins(t, magnitude, tf.mul);
        const planes = dft.inverse(dft.complex(spectrum(tf.cos(phase)), spectrum(tf.sin(phase))));
        // Fixed contrast: each plane is standardized, so only the arrangement (phase) can change.
        const { mean, variance } = tf.moments(planes, [1, 2], true);
        const std = tf.div(tf.sub(planes, mean), tf.sqrt(tf.add(variance, 1e-8))) as tf.Tensor3D;
        return toValidImage(planesToNhwc(tf.mul(std, MACO_STD) as tf.Tensor3D, n, c), cfg.decorrelate);
      }),
    dispose: () => {
      tf.dispose([phase, magnitude]);
      dft.dispose();
    },
  };
}

/** Parameterization kind → its factory. A new one is one entry in src/shared/actmax.ts's ACTMAX_PARAMS and one here. */
const PARAMS: Record<ActmaxParamKind, (cfg: ParamConfig) => ImageParam> = {
  pixel: pixelParam,
  fourier: fourierParam,
  maco: macoParam,
};
