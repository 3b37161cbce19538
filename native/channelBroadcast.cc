#include "channelBroadcast.h"

#include <algorithm>

#include "simdClones.h"

namespace layerlens {

namespace {

// Rows [r0, r1) of `channels` values each, one op per call so that the inner loop is a plain vector loop.
template <ChannelOp Op>
inline void rowsOf(const float* __restrict a, const float* __restrict v, float* __restrict out, size_t r0, size_t r1, int channels) {
  for (size_t r = r0; r < r1; r++) {
    const float* __restrict x = a + r * channels;
    float* __restrict y = out + r * channels;
    for (int c = 0; c < channels; c++) {
      if (Op == ChannelOp::Add) y[c] = x[c] + v[c];
      if (Op == ChannelOp::Multiply) y[c] = x[c] * v[c];
      if (Op == ChannelOp::Subtract) y[c] = x[c] - v[c];
      if (Op == ChannelOp::SubtractFrom) y[c] = v[c] - x[c];
    }
  }
}

LAYERLENS_SIMD_CLONES void rows(const float* a, const float* v, float* out, size_t r0, size_t r1, int channels, ChannelOp op) {
  switch (op) {
    case ChannelOp::Add: return rowsOf<ChannelOp::Add>(a, v, out, r0, r1, channels);
    case ChannelOp::Multiply: return rowsOf<ChannelOp::Multiply>(a, v, out, r0, r1, channels);
    case ChannelOp::Subtract: return rowsOf<ChannelOp::Subtract>(a, v, out, r0, r1, channels);
    case ChannelOp::SubtractFrom: return rowsOf<ChannelOp::SubtractFrom>(a, v, out, r0, r1, channels);
  }
}

LAYERLENS_SIMD_CLONES void clampRange(const float* __restrict x, float* __restrict out, size_t i0, size_t i1, float lo, float hi) {
  for (size_t i = i0; i < i1; i++) {
    const float v = x[i];
    out[i] = v < lo ? lo : (v > hi ? hi : v);
  }
}

// Parts of about 64 K values: big enough to amortise a task, enough of them to balance the threads.
int partsFor(size_t n, ThreadPool& pool) { return static_cast<int>(std::min<size_t>(4 * pool.size(), std::max<size_t>(1, n >> 16))); }

}  // namespace

void channelBroadcast(const float* a, const float* v, float* out, size_t n, int channels, ChannelOp op, ThreadPool& pool) {
  // A scalar is a vector of one channel: widen it to a row of 16 so that the inner loop has a vector to run.
  float wide[16];
  if (channels == 1 && n % 16 == 0) {
    std::fill(wide, wide + 16, v[0]);
    v = wide;
    channels = 16;
  }
  const size_t rowCount = n / channels;
  const int parts = partsFor(n, pool);
  pool.parallelFor(parts, [&](int p) { rows(a, v, out, rowCount * p / parts, rowCount * (p + 1) / parts, channels, op); });
}

void clamp(const float* x, float* out, size_t n, float lo, float hi, ThreadPool& pool) {
  const int parts = partsFor(n, pool);
  pool.parallelFor(parts, [&](int p) { clampRange(x, out, n * p / parts, n * (p + 1) / parts, lo, hi); });
}

}  // namespace layerlens
