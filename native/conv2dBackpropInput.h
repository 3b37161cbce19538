// Input gradient of an NHWC conv (dilation 1, any stride/padding): dx = col2im(dy · Wᵀ). Each dy pixel's
// O-vector times Wᵀ (O × kh·kw·C) gives its contributions to a kh × kw window of dx, which are then added in.
// Why not the flipped-kernel forward conv: for a strided conv that runs on a zero-spread dy (s² times the
// work), and for few input channels (RGB) its matrix product is a 3-column one that wastes most of each tile.
#pragma once
#include "conv2d.h"

namespace layerlens {

/** `g` is the forward conv's geometry (in = dx, out = dy); `wt` is packBTransposed(w, O, kh·kw·C). */
void conv2dBackpropInput(const float* dy, const PackedB& wt, float* dx, const ConvGeometry& g, ThreadPool& pool);

}  // namespace layerlens
