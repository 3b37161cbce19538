#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define LAYERLENS_X86 1
#endif

namespace layerlens {

namespace {

PackedB emptyPacked(int K, int N) {
  PackedB p;
  p.K = K;
  p.N = N;
  p.panels = (N + kPanelWidth - 1) / kPanelWidth;
  p.data.assign(static_cast<size_t>(p.panels) * K * kPanelWidth, 0.0f);
  return p;
}

}  // namespace

PackedB packB(const float* b, int K, int N) {
  PackedB p = emptyPacked(K, N);
  for (int panel = 0; panel < p.panels; panel++) {
    const int n0 = panel * kPanelWidth;
    const int width = std::min(kPanelWidth, N - n0);
    float* dst = p.data.data() + static_cast<size_t>(panel) * K * kPanelWidth;
    for (int k = 0; k < K; k++) std::memcpy(dst + static_cast<size_t>(k) * kPanelWidth, b + static_cast<size_t>(k) * N + n0, sizeof(float) * width);
  }
  return p;
}

PackedB packBTransposed(const float* bt, int K, int N) {
  PackedB p = emptyPacked(K, N);
  for (int n = 0; n < N; n++) {
    float* dst = p.data.data() + static_cast<size_t>(n / kPanelWidth) * K * kPanelWidth + n % kPanelWidth;
    const float* src = bt + static_cast<size_t>(n) * K;
    for (int k = 0; k < K; k++) dst[static_cast<size_t>(k) * kPanelWidth] = src[k];
  }
  return p;
}

namespace {

// Writes a finished rows × width block of accumulators (row-major, stride kPanelWidth) to C with the epilogue.
inline void storeTile(const float* acc, float* c, int ldc, int rows, int width, const float* bias, bool relu) {
  for (int r = 0; r < rows; r++) {
    float* dst = c + static_cast<size_t>(r) * ldc;
    const float* src = acc + r * kPanelWidth;
    for (int j = 0; j < width; j++) {
      float v = src[j] + (bias ? bias[j] : 0.0f);
      dst[j] = relu && v < 0.0f ? 0.0f : v;
    }
  }
}

void tilePortable(const float* ap, const float* bp, int K, float* c, int ldc, int rows, int width, const float* bias, bool relu) {
  float acc[kTileRows * kPanelWidth] = {};
  for (int k = 0; k < K; k++) {
    const float* a = ap + k * kTileRows;
    const float* b = bp + k * kPanelWidth;
    for (int r = 0; r < kTileRows; r++) {
      const float av = a[r];
      for (int j = 0; j < kPanelWidth; j++) acc[r * kPanelWidth + j] += av * b[j];
    }
  }
  storeTile(acc, c, ldc, rows, width, bias, relu);
}

#ifdef LAYERLENS_X86
// 12 rows × 32 columns in 24 zmm accumulators; one broadcast of A and two loads of B per k.
__attribute__((target("avx512f"))) void tileAvx512(const float* ap, const float* bp, int K, float* c, int ldc, int rows, int width,
                                                    const float* bias, bool relu) {
  __m512 acc[kTileRows][2];
  for (int r = 0; r < kTileRows; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (int k = 0; k < K; k++) {
    const __m512 b0 = _mm512_loadu_ps(bp + k * kPanelWidth);
    const __m512 b1 = _mm512_loadu_ps(bp + k * kPanelWidth + 16);
    const float* a = ap + k * kTileRows;
#pragma GCC unroll 12
    for (int r = 0; r < kTileRows; r++) {
      const __m512 av = _mm512_set1_ps(a[r]);
      acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
    }
  }
  const __mmask16 m0 = width >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << width) - 1);
  const __mmask16 m1 = width >= 32 ? 0xFFFF : width <= 16 ? 0 : static_cast<__mmask16>((1u << (width - 16)) - 1);
  const __m512 bias0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
  const __m512 bias1 = bias ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();
  const __m512 zero = _mm512_setzero_ps();
  for (int r = 0; r < rows; r++) {
    __m512 v0 = _mm512_add_ps(acc[r][0], bias0);
    __m512 v1 = _mm512_add_ps(acc[r][1], bias1);
    if (relu) {
      v0 = _mm512_max_ps(v0, zero);
      v1 = _mm512_max_ps(v1, zero);
    }
    float* dst = c + static_cast<size_t>(r) * ldc;
    _mm512_mask_storeu_ps(dst, m0, v0);
    if (m1) _mm512_mask_storeu_ps(dst + 16, m1, v1);
  }
}

// 6 rows × 16 columns in 12 ymm accumulators; a 32-column panel is two halves.
__attribute__((target("avx2,fma"))) void halfTileAvx2(const float* ap, const float* bp, int K, int r0, float acc[6 * 16]) {
  __m256 s[6][2];
  for (int r = 0; r < 6; r++) s[r][0] = s[r][1] = _mm256_setzero_ps();
  for (int k = 0; k < K; k++) {
    const __m256 b0 = _mm256_loadu_ps(bp + k * kPanelWidth);
    const __m256 b1 = _mm256_loadu_ps(bp + k * kPanelWidth + 8);
    const float* a = ap + k * kTileRows + r0;
#pragma GCC unroll 6
    for (int r = 0; r < 6; r++) {
      const __m256 av = _mm256_broadcast_ss(a + r);
      s[r][0] = _mm256_fmadd_ps(av, b0, s[r][0]);
      s[r][1] = _mm256_fmadd_ps(av, b1, s[r][1]);
    }
  }
  for (int r = 0; r < 6; r++) {
    _mm256_storeu_ps(acc + r * 16, s[r][0]);
    _mm256_storeu_ps(acc + r * 16 + 8, s[r][1]);
  }
}

void tileAvx2(const float* ap, const float* bp, int K, float* c, int ldc, int rows, int width, const float* bias, bool relu) {
  float acc[kTileRows * kPanelWidth];
  float half[6 * 16];
  for (int r0 = 0; r0 < kTileRows; r0 += 6) {
    for (int h = 0; h < 2; h++) {
      halfTileAvx2(ap, bp + h * 16, K, r0, half);
      for (int r = 0; r < 6; r++) std::memcpy(acc + (r0 + r) * kPanelWidth + h * 16, half + r * 16, sizeof(float) * 16);
    }
  }
  storeTile(acc, c, ldc, rows, width, bias, relu);
}

enum class Isa { Portable, Avx2, Avx512 };

Isa detectIsa() {
  // LAYER_LENS_NATIVE_ISA=avx2|portable picks a narrower kernel than the CPU has: tests run every kernel on one
  // machine (an AVX-512 CPU would otherwise never run the AVX2 one that most laptops get).
  __builtin_cpu_init();
  const char* forced = std::getenv("LAYER_LENS_NATIVE_ISA");
  if (forced && std::strcmp(forced, "portable") == 0) return Isa::Portable;
  if (forced && std::strcmp(forced, "avx2") == 0 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
  if (__builtin_cpu_supports("avx512f")) return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
  return Isa::Portable;
}

const Isa kIsa = detectIsa();
#endif

}  // namespace

void tileProduct(const float* ap, const PackedB& b, int panel, float* c, int ldc, int rows, const Epilogue& ep) {
  const int n0 = panel * kPanelWidth;
  const int width = std::min(kPanelWidth, b.N - n0);
  const float* bp = b.data.data() + static_cast<size_t>(panel) * b.K * kPanelWidth;
  float* cp = c + n0;
  const float* bias = ep.bias ? ep.bias + n0 : nullptr;
#ifdef LAYERLENS_X86
  if (kIsa == Isa::Avx512) return tileAvx512(ap, bp, b.K, cp, ldc, rows, width, bias, ep.relu);
  if (kIsa == Isa::Avx2) return tileAvx2(ap, bp, b.K, cp, ldc, rows, width, bias, ep.relu);
#endif
  tilePortable(ap, bp, b.K, cp, ldc, rows, width, bias, ep.relu);
}

const char* gemmIsa() {
#ifdef LAYERLENS_X86
  if (kIsa == Isa::Avx512) return "AVX-512";
  if (kIsa == Isa::Avx2) return "AVX2";
#endif
  return "portable";
}

}  // namespace layerlens
