// Bilinear resize of one map as torch.nn.functional.interpolate(mode='bilinear', align_corners=False) does it:
// half-pixel centres, a source coordinate below 0 clamped to 0 (PyTorch's area_pixel_compute_source_index), the
// neighbour past the last row/column taken as the last one. Plain JavaScript: a CAM is a few hundred values and
// the result must not depend on how a backend implements resizeBilinear.
export function upsampleBilinear(src: Float32Array, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW);
  const sy = h / outH;
  const sx = w / outW;
  const xs = Array.from({ length: outW }, (_, ox) => {
    const fx = Math.max(0, (ox + 0.5) * sx - 0.5);
    const x0 = Math.min(Math.floor(fx), w - 1);
    const x1 = Math.min(x0 + 1, w - 1);
    return { x0, x1, t: fx - x0 };
  });
  for (let oy = 0; oy < outH; oy++) {
    const fy = Math.max(0, (oy + 0.5) * sy - 0.5);
    const y0 = Math.min(Math.floor(fy), h - 1);
    const y1 = Math.min(y0 + 1, h - 1);
    const ty = fy - y0;
    for (let ox = 0; ox < outW; ox++) {
      const { x0, x1, t } = xs[ox];
      const top = src[y0 * w + x0] * (1 - t) + src[y0 * w + x1] * t;
      const bottom = src[y1 * w + x0] * (1 - t) + src[y1 * w + x1] * t;
      out[oy * outW + ox] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}
