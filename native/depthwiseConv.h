// Depthwise NHWC convolution (filter [kh, kw, C, M], output channel c·M + m) and its input gradient, as
// direct loops: a depthwise conv does kh·kw multiply-adds per output value, too few for a matrix product to
// pay for its packing, so both kernels stream channels (contiguous in NHWC) through vectorised loops.
#pragma once
#include "conv2d.h"
#include "threadPool.h"

namespace layerlens {

/** What the forward kernel applies to each output value after the bias. */
enum class Activation { Linear = 0, Relu = 1, Relu6 = 2 };

/** `g` has inC = C and outC = C·M; `bias` holds outC values or is null. */
void depthwiseConv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g, Activation act, ThreadPool& pool);

/** dx (overwritten) of the forward conv with geometry `g`, from dy ([batch, outH, outW, C·M]) and w. */
void depthwiseConv2dBackpropInput(const float* dy, const float* w, float* dx, const ConvGeometry& g, ThreadPool& pool);

}  // namespace layerlens
