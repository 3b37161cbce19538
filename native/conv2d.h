// NHWC 2-D convolution with an HWIO kernel packed by packB: each 12-pixel tile of the output is gathered from
// the image straight into the packed layout (im2col and packing in one copy), then multiplied panel by panel.
#pragma once
#include "gemm.h"
#include "threadPool.h"

namespace layerlens {

struct ConvGeometry {
  int batch, inH, inW, inC;
  int outH, outW, outC;
  int kernelH, kernelW;
  int strideH, strideW;
  int dilationH, dilationW;
  int padTop, padLeft;
};

void conv2d(const float* x, const PackedB& w, float* out, const ConvGeometry& g, const Epilogue& ep, ThreadPool& pool);

}  // namespace layerlens
