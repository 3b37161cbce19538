// A 2-D max pool (NHWC) and its gradient: each output's gradient goes to the first maximum of its window, scanning
// rows then columns, the rule TF.js's cpu kernel follows (a window of only -Infinity or NaN passes nothing).
// Padding cells never win.
#pragma once
#include "threadPool.h"

namespace layerlens {

struct PoolGeometry {
  int batch, inH, inW, channels;
  int outH, outW;
  int filterH, filterW;
  int strideH, strideW;
  int dilationH, dilationW;
  int padTop, padLeft;
};

void maxPoolGrad(const float* x, const float* dy, float* dx, const PoolGeometry& g, ThreadPool& pool);

/** The pool itself, by the same rule (a window with no cell above -Infinity gives -Infinity). */
void maxPool(const float* x, float* y, const PoolGeometry& g, ThreadPool& pool);

}  // namespace layerlens
