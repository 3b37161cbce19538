// Seeded random affine jitter of training digits (shift, rotation, scale): with only 8,500 digits the
// small CNN generalizes better when it never sees exactly the same picture twice.
import { IMAGE_SIZE, PIXELS } from './mnistData';

export interface AugmentOptions {
  /** Largest shift in pixels, each axis. */
  maxShift: number;
  /** Largest rotation in degrees, either way. */
  maxRotation: number;
  /** Largest relative change of size, e.g. 0.1 for 90%..110%. */
  maxScale: number;
}

/** Bilinear sample of a 28×28 image, 0 outside (the background is black). */
function sample(img: Float32Array, base: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  let v = 0;
  for (let dy = 0; dy <= 1; dy++) {
    const yy = y0 + dy;
    if (yy < 0 || yy >= IMAGE_SIZE) continue;
    const wy = dy === 0 ? 1 - fy : fy;
    for (let dx = 0; dx <= 1; dx++) {
      const xx = x0 + dx;
      if (xx < 0 || xx >= IMAGE_SIZE) continue;
      v += wy * (dx === 0 ? 1 - fx : fx) * img[base + yy * IMAGE_SIZE + xx];
    }
  }
  return v;
}

/** Writes digit `index` of `images`, randomly moved, turned and resized about its centre, into `dst` at `offset`. */
export function augmentDigit(images: Float32Array, index: number, dst: Float32Array, offset: number, opts: AugmentOptions, random: () => number): void {
  const uniform = (limit: number) => (2 * random() - 1) * limit;
  const angle = (uniform(opts.maxRotation) * Math.PI) / 180;
  const scale = 1 + uniform(opts.maxScale);
  const tx = Math.round(uniform(opts.maxShift));
  const ty = Math.round(uniform(opts.maxShift));
  // Inverse map: for each output pixel, where it comes from in the source.
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const c = (IMAGE_SIZE - 1) / 2;
  const base = index * PIXELS;
  for (let y = 0; y < IMAGE_SIZE; y++) {
    const py = y - c - ty;
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const px = x - c - tx;
      dst[offset + y * IMAGE_SIZE + x] = sample(images, base, cos * px + sin * py + c, -sin * px + cos * py + c);
    }
  }
}
