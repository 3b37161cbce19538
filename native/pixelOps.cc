#include "pixelOps.h"

#include <algorithm>
#include <cstring>

#include "gemm.h"
#include "simdClones.h"

namespace layerlens {

namespace {

// Parts of about 64 K values: big enough to amortise a task, enough of them to balance the threads.
int partsFor(size_t n, ThreadPool& pool) { return static_cast<int>(std::min<size_t>(4 * pool.size(), std::max<size_t>(1, n >> 16))); }

template <class Part>
void splitRange(size_t count, size_t values, ThreadPool& pool, Part&& part) {
  const int parts = static_cast<int>(std::max<size_t>(1, std::min<size_t>(count, static_cast<size_t>(partsFor(values, pool)))));
  pool.parallelFor(parts, [&](int p) { part(count * p / parts, count * (p + 1) / parts); });
}

// The tiled product's sum for one output (gemm.cc): its AVX-512 and AVX2 microkernels start an accumulator at +0
// and fuse each multiply-add; the portable one multiplies, rounds, then adds. Either way the tile's epilogue adds
// a zero bias, which turns a −0 sum into +0. `Fused` picks which; the unfused copy lives in a function compiled
// for baseline x86-64, where the compiler has no fused instruction to contract `acc + x · b` into.
template <bool Fused, int K, int N>
inline void mixRows(const float* __restrict a, const float* __restrict b, float* __restrict out, size_t r0, size_t r1) {
  for (size_t r = r0; r < r1; r++) {
    const float* x = a + r * K;
    float* y = out + r * N;
    for (int j = 0; j < N; j++) {
      float acc = 0.0f;
      for (int k = 0; k < K; k++) acc = Fused ? __builtin_fmaf(x[k], b[k * N + j], acc) : acc + x[k] * b[k * N + j];
      y[j] = acc + 0.0f;
    }
  }
}

template <bool Fused>
inline void mixAny(const float* a, const float* b, float* out, size_t r0, size_t r1, int K, int N) {
  // The colour mix (3 × 3) gets fixed loop bounds; other small shapes the general loop.
  if (K == 3 && N == 3) return mixRows<Fused, 3, 3>(a, b, out, r0, r1);
  for (size_t r = r0; r < r1; r++) {
    for (int j = 0; j < N; j++) {
      float acc = 0.0f;
      for (int k = 0; k < K; k++) acc = Fused ? __builtin_fmaf(a[r * K + k], b[k * N + j], acc) : acc + a[r * K + k] * b[k * N + j];
      out[r * N + j] = acc + 0.0f;
    }
  }
}

void mixPlain(const float* a, const float* b, float* out, size_t r0, size_t r1, int K, int N) { mixAny<false>(a, b, out, r0, r1, K, N); }

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) void mixFused(const float* a, const float* b, float* out, size_t r0, size_t r1, int K, int N) {
  mixAny<true>(a, b, out, r0, r1, K, N);
}
#endif

// Whether the tiled product fuses its multiply-adds on this CPU (gemmIsa() names the microkernel it picked).
bool gemmFuses() {
#if defined(__x86_64__) && defined(__GNUC__)
  return std::strcmp(gemmIsa(), "portable") != 0;
#else
  return false;
#endif
}

LAYERLENS_SIMD_CLONES void divideRows(const float* __restrict a, const float* __restrict v, float* __restrict out, size_t r0, size_t r1, int channels,
                                      bool reversed) {
  for (size_t r = r0; r < r1; r++) {
    const float* __restrict x = a + r * channels;
    float* __restrict y = out + r * channels;
    if (reversed) {
      for (int c = 0; c < channels; c++) y[c] = v[c] / x[c];
    } else {
      for (int c = 0; c < channels; c++) y[c] = x[c] / v[c];
    }
  }
}

LAYERLENS_SIMD_CLONES void sigmoidGradRange(const float* __restrict y, const float* __restrict dy, float* __restrict out, size_t i0, size_t i1) {
  for (size_t i = i0; i < i1; i++) out[i] = dy[i] * (y[i] * (1.0f - y[i]));
}

}  // namespace

void smallMatMul(const float* a, size_t rows, int K, const float* b, int N, float* out, ThreadPool& pool) {
  const bool fused = gemmFuses();
  splitRange(rows, rows * static_cast<size_t>(K + N), pool, [&](size_t r0, size_t r1) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (fused) return mixFused(a, b, out, r0, r1, K, N);
#endif
    mixPlain(a, b, out, r0, r1, K, N);
  });
}

void channelDivide(const float* a, const float* v, float* out, size_t n, int channels, bool reversed, ThreadPool& pool) {
  // A scalar is a vector of one channel: widen it to a row of 16 so that the inner loop has a vector to run.
  float wide[16];
  if (channels == 1 && n % 16 == 0) {
    std::fill(wide, wide + 16, v[0]);
    v = wide;
    channels = 16;
  }
  splitRange(n / channels, n, pool, [&](size_t r0, size_t r1) { divideRows(a, v, out, r0, r1, channels, reversed); });
}

void sigmoidGrad(const float* y, const float* dy, float* out, size_t n, ThreadPool& pool) {
  splitRange(n, n, pool, [&](size_t i0, size_t i1) { sigmoidGradRange(y, dy, out, i0, i1); });
}

}  // namespace layerlens
