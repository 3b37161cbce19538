// The model input for one image computed in one pass over plain arrays, written straight into a (batch) buffer:
// no tensor per step and no per-pixel allocation. Same arithmetic as the documented steps of `preprocess`
// (box average → channels → bilinear with half-pixel centres → crop/pad → BGR → normalize); the test keeps it
// within 1e-6 of the tensor-op version it replaced.
import type { DecodedImage } from '../image/types';
import type { InputSpec } from '../../shared/model';
import { boxFactor, fitImage, type Fit } from './geometry';
import { resizeLikePil } from './pilResize';

/** ITU-R BT.601 luma, the weights PIL's convert('L') uses, so gray models see what they were trained on. */
export const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Writes the H × W × C input values of `image` into `out` from `offset` on (NHWC, one image).
 * Steps: pixels to 0..255 (16-bit divided by 257) → box-average down when much larger than the target →
 * channels (1: BT.601 luma of RGB; 3: RGB with alpha dropped, as PIL's convert('RGB') does; 4: RGBA) →
 * bilinear resize with half-pixel centres per `spec.resize` (padding is pixel value 0) → BGR reorder when
 * asked → (pixel × scale − mean) / std per channel.
 */
export function preprocessInto(image: DecodedImage, spec: InputSpec, out: Float32Array, offset = 0): void {
  const { height: H, width: W, channels: C } = spec;
  if (offset < 0 || offset + H * W * C > out.length) throw new RangeError(`preprocessInto: ${H}×${W}×${C} values do not fit at offset ${offset} of ${out.length}.`);
  const fit = fitImage(image.height, image.width, spec);
  if (spec.resize === 'shorterSideCenterCrop') {
    torchvisionInto(image, spec, fit, out, offset);
    return;
  }
  const plane = sourcePlane(image, boxFactor(image.height, image.width, fit), C === 1);
  const rows = taps(plane.height, fit.resizedHeight);
  const cols = taps(plane.width, fit.resizedWidth);
  // Per output channel: where it sits in a source pixel (BGR reorders), and its normalization in float32.
  const at = C === 1 ? [0] : spec.channelOrder === 'bgr' ? (C === 4 ? [2, 1, 0, 3] : [2, 1, 0]) : C === 4 ? [0, 1, 2, 3] : [0, 1, 2];
  const scale = f32(spec.scale);
  const mean = broadcast(spec.mean, C).map(f32);
  const std = broadcast(spec.std, C).map(f32);
  const padValue = mean.map((m, k) => f32(f32(0 - m) / (std[k] as number)));
  const src = plane.data;
  const stride = plane.stride;
  const rowStride = plane.width * stride;
  // centerCrop: output (y, x) is resized (y + top, x + left); pad: resized (y - top, x - left) or padding.
  const dy = spec.resize === 'pad' ? -fit.top : fit.top;
  const dx = spec.resize === 'pad' ? -fit.left : fit.left;
  let o = offset;
  for (let y = 0; y < H; y++) {
    const ry = y + dy;
    const rowInside = ry >= 0 && ry < fit.resizedHeight;
    const top = rowInside ? rows.lo[ry]! * rowStride : 0;
    const bottom = rowInside ? rows.hi[ry]! * rowStride : 0;
    const av = rowInside ? rows.frac[ry]! : 0;
    for (let x = 0; x < W; x++) {
      const rx = x + dx;
      if (!rowInside || rx < 0 || rx >= fit.resizedWidth) {
        for (let k = 0; k < C; k++) out[o++] = padValue[k] as number;
        continue;
      }
      const left = cols.lo[rx]! * stride;
      const right = cols.hi[rx]! * stride;
      const ah = cols.frac[rx]!;
      for (let k = 0; k < C; k++) {
        const ch = at[k] as number;
        // Bilinear in float32, operation by operation (each rounded), as the wasm kernel does it.
        const tl = src[top + left + ch]!;
        const bl = src[bottom + left + ch]!;
        const t = f32(tl + f32(f32(src[top + right + ch]! - tl) * ah));
        const b = f32(bl + f32(f32(src[bottom + right + ch]! - bl) * ah));
        const v = f32(t + f32(f32(b - t) * av));
        out[o++] = f32(f32(v * scale) - (mean[k] as number)) / (std[k] as number);
      }
    }
  }
}

const f32 = Math.fround;

/** Output channel k's place in a source pixel (BGR reorders) and its normalization in float32. */
function channelMap(spec: InputSpec): { at: number[]; scale: number; mean: number[]; std: number[]; padValue: number[] } {
  const C = spec.channels;
  const at = C === 1 ? [0] : spec.channelOrder === 'bgr' ? (C === 4 ? [2, 1, 0, 3] : [2, 1, 0]) : C === 4 ? [0, 1, 2, 3] : [0, 1, 2];
  const mean = broadcast(spec.mean, C).map(f32);
  const std = broadcast(spec.std, C).map(f32);
  const padValue = mean.map((m, k) => f32(f32(0 - m) / (std[k] as number)));
  return { at, scale: f32(spec.scale), mean, std, padValue };
}

/**
 * torchvision's Resize(resizeSize) + CenterCrop on a PIL image: Pillow's antialiased bilinear resize of the whole
 * image (no box pre-average; Pillow's filter already covers every source pixel), then the crop read straight out.
 * 8-bit RGB(A) images go through Pillow's 8-bit arithmetic, so they match torchvision to float rounding.
 */
function torchvisionInto(image: DecodedImage, spec: InputSpec, fit: Fit, out: Float32Array, offset: number): void {
  const { height: H, width: W, channels: C } = spec;
  const gray = C === 1;
  const plane = sourcePlane(image, 1, gray);
  const eightBit = !gray && image.maxValue === 255;
  // Alpha is resampled only for a 4-channel model.
  const resized = resizeLikePil(plane, fit.resizedWidth, fit.resizedHeight, gray ? 1 : C, eightBit);
  const { at, scale, mean, std, padValue } = channelMap(spec);
  const src = resized.data;
  const stride = resized.stride;
  let o = offset;
  for (let y = 0; y < H; y++) {
    const ry = y + fit.top;
    for (let x = 0; x < W; x++) {
      const rx = x + fit.left;
      if (ry < 0 || ry >= resized.height || rx < 0 || rx >= resized.width) {
        for (let k = 0; k < C; k++) out[o++] = padValue[k] as number;
        continue;
      }
      const p = (ry * resized.width + rx) * stride;
      for (let k = 0; k < C; k++) out[o++] = f32(f32(src[p + (at[k] as number)]! * scale) - (mean[k] as number)) / (std[k] as number);
    }
  }
}

/**
 * The pixels bilinear samples from, as float32 values: the 8-bit RGBA itself when it needs no change (integers are
 * exact), else 0..255 floats — box-averaged when the image is much larger than the target, and reduced to BT.601
 * luma (products and sum rounded to float32 in the order the tensor ops used) for one-channel models.
 */
function sourcePlane(image: DecodedImage, factor: number, gray: boolean): { data: ArrayLike<number>; stride: number; width: number; height: number } {
  if (factor <= 1 && image.maxValue === 255 && !gray) return { data: image.data, stride: 4, width: image.width, height: image.height };
  const rgba = toFloatRgba(image, factor);
  if (!gray) return { data: rgba.data, stride: 4, width: rgba.width, height: rgba.height };
  const n = rgba.width * rgba.height;
  const luma = new Float32Array(n);
  const [wr, wg, wb] = LUMA.map(f32) as [number, number, number];
  const d = rgba.data;
  for (let i = 0; i < n; i++) luma[i] = f32(f32(f32(d[i * 4]! * wr) + f32(d[i * 4 + 1]! * wg)) + f32(d[i * 4 + 2]! * wb));
  return { data: luma, stride: 1, width: rgba.width, height: rgba.height };
}

/**
 * Per output index along one axis: the two source indices and the weight of the second (half-pixel centres).
 * Positions are computed in float32 the way the wasm backend's resize (XNNPACK) does, so the result matches the
 * tensor-op version this replaced to float rounding: in double, positions near 300 differ by up to 3e-5.
 */
function taps(from: number, to: number): { lo: Int32Array; hi: Int32Array; frac: Float64Array } {
  const lo = new Int32Array(to);
  const hi = new Int32Array(to);
  const frac = new Float64Array(to);
  const f = Math.fround;
  const ratio = f(from / to);
  const shift = f(f(0.5 * ratio) - 0.5);
  for (let i = 0; i < to; i++) {
    const pos = from === to ? i : f(f(i * ratio) + shift);
    // Before the first source centre both taps are index 0, so the weight does not matter.
    const a = Math.max(0, Math.floor(pos));
    lo[i] = Math.min(from - 1, a);
    hi[i] = Math.min(from - 1, Math.ceil(pos));
    frac[i] = f(pos - a);
  }
  return { lo, hi, frac };
}

/** RGBA as 0..255 floats, averaged over factor × factor blocks (edge remainders are dropped). */
export function toFloatRgba(image: DecodedImage, factor: number): { data: Float32Array; height: number; width: number } {
  const gain = 255 / image.maxValue;
  const src = image.data;
  if (factor <= 1) {
    const data = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) data[i] = src[i]! * gain;
    return { data, height: image.height, width: image.width };
  }
  const height = Math.floor(image.height / factor);
  const width = Math.floor(image.width / factor);
  const data = new Float32Array(height * width * 4);
  const norm = gain / (factor * factor);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let dy = 0; dy < factor; dy++) {
        let s = ((y * factor + dy) * image.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx++, s += 4) {
          r += src[s]!;
          g += src[s + 1]!;
          b += src[s + 2]!;
          a += src[s + 3]!;
        }
      }
      const o = (y * width + x) * 4;
      data[o] = r * norm;
      data[o + 1] = g * norm;
      data[o + 2] = b * norm;
      data[o + 3] = a * norm;
    }
  }
  return { data, height, width };
}

export function broadcast(values: number[], channels: number): number[] {
  return values.length === channels ? values : Array.from({ length: channels }, () => values[0] as number);
}
