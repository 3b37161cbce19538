// Pillow's bilinear resize (Image.resize(size, BILINEAR), what torchvision's Resize does to a PIL image): a
// triangle filter widened by the reduction factor, so shrinking averages every source pixel under it (the
// "antialias" torchvision ≥ 0.15 also applies to tensors). Ported from Pillow's libImaging/Resample.c: the same
// coefficients, the horizontal pass before the vertical one, and for 8-bit pixels the same fixed-point
// arithmetic with each pass rounded to 0..255, so an 8-bit image comes out as Pillow's does, value for value.

/** A plane of interleaved pixels: `stride` values per pixel, the first `channels` of them used. */
export interface Plane {
  data: ArrayLike<number>;
  width: number;
  height: number;
  stride: number;
}

/** Pillow's fixed-point precision for 8-bit images (32 bits − 8 for the value − 2 for sign and overflow). */
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

interface Coefficients {
  /** First source index under each output pixel. */
  start: Int32Array;
  /** Number of source pixels under each output pixel. */
  count: Int32Array;
  /** `taps` weights per output pixel (normalized; fixed-point integers in 8-bit mode). */
  weights: Float64Array;
  taps: number;
}

/** Pillow's precompute_coeffs for the bilinear filter (support 1), from `inSize` to `outSize` pixels. */
function coefficients(inSize: number, outSize: number, fixedPoint: boolean): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  const inv = 1 / filterScale;
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // C's (int) truncates toward zero.
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const n = Math.min(inSize, Math.trunc(center + support + 0.5)) - lo;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = Math.max(0, 1 - Math.abs((i + lo - center + 0.5) * inv));
      weights[o * taps + i] = w;
      sum += w;
    }
    for (let i = 0; i < n; i++) {
      let w = sum !== 0 ? weights[o * taps + i]! / sum : weights[o * taps + i]!;
      if (fixedPoint) w = Math.trunc(w < 0 ? w * ONE - 0.5 : w * ONE + 0.5);
      weights[o * taps + i] = w;
    }
    start[o] = lo;
    count[o] = n;
  }
  return { start, count, weights, taps };
}

/**
 * `plane` resized to outWidth × outHeight as Pillow resizes it; the result keeps the plane's stride. With
 * `eightBit` the values are taken as 0..255 integers and rounded after each pass as Pillow does; otherwise the
 * arithmetic is plain floating point. A pass whose size does not change is skipped, as in Pillow.
 */
export function resizeLikePil(plane: Plane, outWidth: number, outHeight: number, channels: number, eightBit: boolean): Plane {
  let current: Plane = plane;
  if (outWidth !== plane.width) current = pass(current, outWidth, channels, eightBit, true);
  if (outHeight !== plane.height) current = pass(current, outHeight, channels, eightBit, false);
  return current;
}

function pass(src: Plane, outSize: number, channels: number, eightBit: boolean, horizontal: boolean): Plane {
  const { width, height, stride, data } = src;
  const c = coefficients(horizontal ? width : height, outSize, eightBit);
  const outW = horizontal ? outSize : width;
  const outH = horizontal ? height : outSize;
  const out = new Float32Array(outW * outH * stride);
  // Step between neighbouring source taps, and between output pixels along the other axis.
  const tapStep = horizontal ? stride : width * stride;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const o = horizontal ? x : y;
      const base = horizontal ? (y * width + c.start[o]!) * stride : (c.start[o]! * width + x) * stride;
      const n = c.count[o]!;
      const w0 = o * c.taps;
      const dst = (y * outW + x) * stride;
      for (let k = 0; k < channels; k++) {
        let sum = eightBit ? HALF : 0;
        for (let i = 0; i < n; i++) sum += data[base + i * tapStep + k]! * c.weights[w0 + i]!;
        out[dst + k] = eightBit ? clip8(sum) : sum;
      }
    }
  }
  return { data: out, width: outW, height: outH, stride };
}

/** Pillow's clip8: the fixed-point sum back to an integer 0..255 (the sum is an exact integer below 2^53). */
function clip8(sum: number): number {
  if (sum <= 0) return 0;
  if (sum >= 256 * ONE) return 255;
  return Math.floor(sum / ONE);
}
