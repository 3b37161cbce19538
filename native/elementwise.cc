#include "elementwise.h"

#include <algorithm>

#include "simdClones.h"

namespace layerlens {

namespace {

// `v < 0 ? 0 : v` keeps NaN (a comparison with NaN is false).
LAYERLENS_SIMD_CLONES void reluRange(const float* __restrict x, float* __restrict out, size_t i0, size_t i1) {
  for (size_t i = i0; i < i1; i++) out[i] = x[i] < 0.0f ? 0.0f : x[i];
}

}  // namespace

void relu(const float* x, float* out, size_t n, ThreadPool& pool) {
  constexpr size_t kBlock = size_t{1} << 16;  // small tensors stay on one thread
  const int blocks = static_cast<int>((n + kBlock - 1) / kBlock);
  pool.parallelFor(blocks, [&](int b) {
    const size_t i0 = static_cast<size_t>(b) * kBlock;
    reluRange(x, out, i0, std::min(n, i0 + kBlock));
  });
}

}  // namespace layerlens
