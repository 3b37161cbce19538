#include "elementwise.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "simdClones.h"

namespace layerlens {

namespace {

// `v < 0 ? 0 : v` keeps NaN (a comparison with NaN is false).
LAYERLENS_SIMD_CLONES void reluRange(const float* __restrict x, float* __restrict out, size_t i0, size_t i1) {
  for (size_t i = i0; i < i1; i++) out[i] = x[i] < 0.0f ? 0.0f : x[i];
}

// Rows [p0, p1): running min/max/sum/zeros per channel, kept in float for the vector loop and folded into
// doubles every block so long sums do not lose precision.
LAYERLENS_SIMD_CLONES void statsRange(const float* __restrict x, size_t p0, size_t p1, int C, float* __restrict mn, float* __restrict mx,
                                      double* __restrict sum, double* __restrict zeros, float* __restrict bsum, float* __restrict bzero) {
  constexpr size_t kFold = 256;
  for (size_t b0 = p0; b0 < p1; b0 += kFold) {
    const size_t b1 = std::min(p1, b0 + kFold);
    for (int c = 0; c < C; c++) bsum[c] = bzero[c] = 0.0f;
    for (size_t p = b0; p < b1; p++) {
      const float* __restrict row = x + p * C;
      for (int c = 0; c < C; c++) {
        const float v = row[c];
        mn[c] = v < mn[c] ? v : mn[c];
        mx[c] = v > mx[c] ? v : mx[c];
        bsum[c] += v;
        bzero[c] += v == 0.0f ? 1.0f : 0.0f;
      }
    }
    for (int c = 0; c < C; c++) {
      sum[c] += bsum[c];
      zeros[c] += bzero[c];
    }
  }
}

}  // namespace

void channelStats(const float* x, size_t positions, int channels, double* out, ThreadPool& pool) {
  const int parts = positions >= 4096 ? pool.size() : 1;
  const size_t C = static_cast<size_t>(channels);
  std::vector<float> mn(parts * C, std::numeric_limits<float>::infinity());
  std::vector<float> mx(parts * C, -std::numeric_limits<float>::infinity());
  std::vector<double> sum(parts * C, 0.0), zeros(parts * C, 0.0);
  std::vector<float> scratch(parts * 2 * C);
  pool.parallelFor(parts, [&](int part) {
    const size_t p0 = positions * part / parts;
    const size_t p1 = positions * (part + 1) / parts;
    statsRange(x, p0, p1, channels, &mn[part * C], &mx[part * C], &sum[part * C], &zeros[part * C], &scratch[part * 2 * C], &scratch[part * 2 * C + C]);
  });
  for (size_t c = 0; c < C; c++) {
    double lo = mn[c], hi = mx[c], s = sum[c], z = zeros[c];
    for (int part = 1; part < parts; part++) {
      lo = std::min<double>(lo, mn[part * C + c]);
      hi = std::max<double>(hi, mx[part * C + c]);
      s += sum[part * C + c];
      z += zeros[part * C + c];
    }
    out[c] = lo;
    out[C + c] = hi;
    out[2 * C + c] = s;
    out[3 * C + c] = z;
  }
}

void slice4d(const float* x, const int* shape, const int* begin, const int* size, float* out, ThreadPool& pool) {
  const size_t s2 = static_cast<size_t>(shape[3]);
  const size_t s1 = s2 * shape[2];
  const size_t s0 = s1 * shape[1];
  const size_t row = static_cast<size_t>(size[3]);
  // One task per (i0, i1): size[2] contiguous runs of size[3] values each.
  pool.parallelFor(size[0] * size[1], [&](int task) {
    const int i0 = task / size[1];
    const int i1 = task % size[1];
    const float* src = x + (begin[0] + i0) * s0 + (begin[1] + i1) * s1 + begin[2] * s2 + begin[3];
    float* dst = out + static_cast<size_t>(task) * size[2] * row;
    for (int i2 = 0; i2 < size[2]; i2++) std::memcpy(dst + i2 * row, src + i2 * s2, sizeof(float) * row);
  });
}

void relu(const float* x, float* out, size_t n, ThreadPool& pool) {
  constexpr size_t kBlock = size_t{1} << 16;  // small tensors stay on one thread
  const int blocks = static_cast<int>((n + kBlock - 1) / kBlock);
  pool.parallelFor(blocks, [&](int b) {
    const size_t i0 = static_cast<size_t>(b) * kBlock;
    reluRange(x, out, i0, std::min(n, i0 + kBlock));
  });
}

}  // namespace layerlens
