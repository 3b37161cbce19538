/**
 * Applies an EXIF orientation (1–8) to interleaved RGBA so that rows run top to bottom as the photo is
 * meant to be seen. Orientations 5–8 swap width and height.
 */
export function applyOrientation(
  data: Uint8ClampedArray,
  width: number,
  height: number,
  orientation: number,
): { data: Uint8ClampedArray; width: number; height: number } {
  if (orientation < 2 || orientation > 8) return { data, width, height };
  const swap = orientation >= 5;
  const ow = swap ? height : width;
  const oh = swap ? width : height;
  const out = new Uint8ClampedArray(ow * oh * 4);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      // (sx, sy): the stored pixel that is shown at (x, y).
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = width - 1 - x; sy = y; break; // mirrored
        case 3: sx = width - 1 - x; sy = height - 1 - y; break; // rotated 180°
        case 4: sx = x; sy = height - 1 - y; break; // flipped vertically
        case 5: sx = y; sy = x; break; // transposed
        case 6: sx = y; sy = height - 1 - x; break; // shown rotated 90° clockwise
        case 7: sx = width - 1 - y; sy = height - 1 - x; break; // transversed
        default: sx = width - 1 - y; sy = x; break; // 8: shown rotated 90° counter-clockwise
      }
      const s = (sy * width + sx) * 4;
      const o = (y * ow + x) * 4;
      out[o] = data[s];
      out[o + 1] = data[s + 1];
      out[o + 2] = data[s + 2];
      out[o + 3] = data[s + 3];
    }
  }
  return { data: out, width: ow, height: oh };
}
