#include "shearLines.h"

#include <cmath>

#include "simdClones.h"

namespace layerlens {

namespace {

// The same float arithmetic as the TF.js path (sub, mul by the float32 fraction, add), so results match it.
LAYERLENS_SIMD_CLONES void shearLine(const float* __restrict a, const float* __restrict b, float f, size_t count, float* __restrict out) {
  for (size_t i = 0; i < count; i++) {
    const float d = b[i] - a[i];
    const float scaled = d * f;
    out[i] = a[i] + scaled;
  }
}

}  // namespace

void shearLines(const float* x, int batch, int rows, int length, int channels, const double* offsets, int lout, float* out, ThreadPool& pool) {
  const size_t line = static_cast<size_t>(length) * channels;
  const size_t outLine = static_cast<size_t>(lout) * channels;
  pool.parallelFor(batch * rows, [&](int task) {
    const int r = task % rows;
    const double k = std::floor(offsets[r]);
    const float f = static_cast<float>(offsets[r] - k);
    const float* a = x + static_cast<size_t>(task) * line + static_cast<size_t>(k) * channels;
    shearLine(a, a + channels, f, outLine, out + static_cast<size_t>(task) * outLine);
  });
}

}  // namespace layerlens
