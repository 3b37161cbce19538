// Where the image lands inside the model's input: pure arithmetic shared by preprocess and its display inverse.
import type { InputSpec } from '../../shared/model';

export interface Fit {
  /** Size the whole image is resized to. */
  resizedHeight: number;
  resizedWidth: number;
  /** Offset of the model input inside the resized image (centerCrop: >= 0) or of the image inside the input (pad). */
  top: number;
  left: number;
}

/**
 * stretch: resize to H × W, ignoring aspect. centerCrop: scale so the image covers H × W, then cut the middle.
 * pad: scale so the image fits inside H × W, then centre it on black (pixel value 0 before normalization).
 */
export function fitImage(srcHeight: number, srcWidth: number, spec: Pick<InputSpec, 'height' | 'width' | 'resize'>): Fit {
  const { height: H, width: W } = spec;
  if (spec.resize === 'stretch') return { resizedHeight: H, resizedWidth: W, top: 0, left: 0 };
  if (spec.resize === 'centerCrop') {
    const s = Math.max(H / srcHeight, W / srcWidth);
    const rh = Math.max(H, Math.round(srcHeight * s));
    const rw = Math.max(W, Math.round(srcWidth * s));
    return { resizedHeight: rh, resizedWidth: rw, top: Math.floor((rh - H) / 2), left: Math.floor((rw - W) / 2) };
  }
  const s = Math.min(H / srcHeight, W / srcWidth);
  const rh = Math.min(H, Math.max(1, Math.round(srcHeight * s)));
  const rw = Math.min(W, Math.max(1, Math.round(srcWidth * s)));
  return { resizedHeight: rh, resizedWidth: rw, top: Math.floor((H - rh) / 2), left: Math.floor((W - rw) / 2) };
}

/**
 * Integer factor by which to box-average the source before the bilinear resize: bilinear alone samples only
 * 2 × 2 pixels per output and aliases badly when shrinking a photo to 224 px or 28 px. The factor keeps the
 * reduced image at least as large as the resize target, so bilinear still does the final, exact step.
 */
export function boxFactor(srcHeight: number, srcWidth: number, fit: Fit): number {
  return Math.max(1, Math.floor(Math.min(srcHeight / fit.resizedHeight, srcWidth / fit.resizedWidth)));
}
