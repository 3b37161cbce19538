// Where the image lands inside the model's input: pure arithmetic shared by preprocess and its display inverse.
import type { InputSpec } from '../../shared/model';
import { defaultResizeSize } from '../../shared/preprocessing';

export interface Fit {
  /** Size the whole image is resized to. */
  resizedHeight: number;
  resizedWidth: number;
  /** Offset of the model input inside the resized image (centerCrop: >= 0) or of the image inside the input (pad). */
  top: number;
  left: number;
}

/**
 * shorterSideCenterCrop: torchvision's Resize(short) then CenterCrop(H, W). The shorter side becomes `short` and
 * the longer int(short · long / short_src) (truncated, as torchvision does); the crop starts at
 * round((resized − crop) / 2) with Python's round (half to even). A crop larger than the resized image pads
 * (negative top/left).
 */
function torchvisionFit(srcHeight: number, srcWidth: number, H: number, W: number, short: number): Fit {
  const portrait = srcWidth <= srcHeight;
  const long = Math.floor((short * (portrait ? srcHeight : srcWidth)) / (portrait ? srcWidth : srcHeight));
  // torchvision leaves an image whose shorter side already has the size as it is.
  const same = (portrait ? srcWidth : srcHeight) === short;
  const rh = same ? srcHeight : portrait ? long : short;
  const rw = same ? srcWidth : portrait ? short : long;
  return { resizedHeight: rh, resizedWidth: rw, top: roundHalfEven((rh - H) / 2), left: roundHalfEven((rw - W) / 2) };
}

/** Python 3's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * stretch: resize to H × W, ignoring aspect. centerCrop: scale so the image covers H × W, then cut the middle.
 * pad: scale so the image fits inside H × W, then centre it on black (pixel value 0 before normalization).
 */
export function fitImage(srcHeight: number, srcWidth: number, spec: Pick<InputSpec, 'height' | 'width' | 'resize' | 'resizeSize'>): Fit {
  const { height: H, width: W } = spec;
  if (spec.resize === 'stretch') return { resizedHeight: H, resizedWidth: W, top: 0, left: 0 };
  if (spec.resize === 'shorterSideCenterCrop') return torchvisionFit(srcHeight, srcWidth, H, W, spec.resizeSize ?? defaultResizeSize(H, W));
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
