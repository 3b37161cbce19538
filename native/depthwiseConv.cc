#include "depthwiseConv.h"

#include <cstring>

#include "gemm.h"

namespace layerlens {

namespace {

// One output row (n, oy): every pixel starts at its bias, gains each tap inside the image, then the activation.
#define LAYERLENS_INLINE __attribute__((always_inline)) inline

LAYERLENS_INLINE void forwardRow(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g, int n, int oy, Activation act) {
  const int C = g.inC;
  const int O = g.outC;
  const int M = O / C;
  for (int ox = 0; ox < g.outW; ox++) {
    float* __restrict o = out + (static_cast<size_t>(n * g.outH + oy) * g.outW + ox) * O;
    for (int k = 0; k < O; k++) o[k] = bias ? bias[k] : 0.0f;
    for (int ky = 0; ky < g.kernelH; ky++) {
      const int iy = oy * g.strideH - g.padTop + ky * g.dilationH;
      if (iy < 0 || iy >= g.inH) continue;
      for (int kx = 0; kx < g.kernelW; kx++) {
        const int ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
        if (ix < 0 || ix >= g.inW) continue;
        const float* __restrict xs = x + (static_cast<size_t>(n * g.inH + iy) * g.inW + ix) * C;
        const float* __restrict ws = w + static_cast<size_t>(ky * g.kernelW + kx) * O;
        if (M == 1) {
          for (int c = 0; c < C; c++) o[c] += xs[c] * ws[c];
        } else {
          for (int c = 0; c < C; c++) {
            const float v = xs[c];
            for (int m = 0; m < M; m++) o[c * M + m] += v * ws[c * M + m];
          }
        }
      }
    }
    if (act == Activation::Relu) {
      for (int k = 0; k < O; k++) o[k] = o[k] < 0.0f ? 0.0f : o[k];
    } else if (act == Activation::Relu6) {
      for (int k = 0; k < O; k++) o[k] = o[k] < 0.0f ? 0.0f : (o[k] > 6.0f ? 6.0f : o[k]);
    }
  }
}

// The first output index whose tap t (offset = t·dilation − pad) lands on input position i, and whether any does:
// o·stride + offset = i, so o = (i − offset) / stride when that divides exactly and lies in [0, outSize).
inline bool sourceOf(int i, int tap, int dilation, int pad, int stride, int outSize, int& o) {
  const int t = i + pad - tap * dilation;
  if (t < 0 || t % stride != 0) return false;
  o = t / stride;
  return o < outSize;
}

// One dx row (n, iy), gathered: each dx pixel adds the dy pixels whose windows cover it, so no two threads
// write the same value and no zero-spread dy is made for strides.
LAYERLENS_INLINE void backpropRow(const float* dy, const float* w, float* dx, const ConvGeometry& g, int n, int iy) {
  const int C = g.inC;
  const int O = g.outC;
  const int M = O / C;
  for (int ix = 0; ix < g.inW; ix++) {
    float* __restrict d = dx + (static_cast<size_t>(n * g.inH + iy) * g.inW + ix) * C;
    for (int c = 0; c < C; c++) d[c] = 0.0f;
    for (int ky = 0; ky < g.kernelH; ky++) {
      int oy = 0;
      if (!sourceOf(iy, ky, g.dilationH, g.padTop, g.strideH, g.outH, oy)) continue;
      for (int kx = 0; kx < g.kernelW; kx++) {
        int ox = 0;
        if (!sourceOf(ix, kx, g.dilationW, g.padLeft, g.strideW, g.outW, ox)) continue;
        const float* __restrict ds = dy + (static_cast<size_t>(n * g.outH + oy) * g.outW + ox) * O;
        const float* __restrict ws = w + static_cast<size_t>(ky * g.kernelW + kx) * O;
        if (M == 1) {
          for (int c = 0; c < C; c++) d[c] += ds[c] * ws[c];
        } else {
          for (int c = 0; c < C; c++) {
            float s = 0.0f;
            for (int m = 0; m < M; m++) s += ds[c * M + m] * ws[c * M + m];
            d[c] += s;
          }
        }
      }
    }
  }
}

// One copy of each row loop per instruction set, picked with the matrix kernel's (gemmIsa), so that
// LAYER_LENS_NATIVE_ISA=avx2|portable runs these loops' narrower copies too (target_clones would always pick
// the widest the CPU has). The bodies above are inlined into each and vectorised for its target.
#if defined(__x86_64__) && defined(__GNUC__)
#define LAYERLENS_ROW_COPIES(name, params, call)                          \
  __attribute__((target("avx512f"))) void name##Avx512 params { call; } \
  __attribute__((target("avx2,fma"))) void name##Avx2 params { call; }  \
  void name##Portable params { call; }
#else
#define LAYERLENS_ROW_COPIES(name, params, call) \
  void name##Avx512 params { call; }            \
  void name##Avx2 params { call; }              \
  void name##Portable params { call; }
#endif

LAYERLENS_ROW_COPIES(forward, (const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g, int n, int oy, Activation act),
                     forwardRow(x, w, bias, out, g, n, oy, act))
LAYERLENS_ROW_COPIES(backprop, (const float* dy, const float* w, float* dx, const ConvGeometry& g, int n, int iy), backpropRow(dy, w, dx, g, n, iy))

enum class Level { Portable, Avx2, Avx512 };

Level level() {
  static const Level picked = std::strcmp(gemmIsa(), "AVX-512") == 0 ? Level::Avx512 : std::strcmp(gemmIsa(), "AVX2") == 0 ? Level::Avx2 : Level::Portable;
  return picked;
}

}  // namespace

void depthwiseConv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g, Activation act, ThreadPool& pool) {
  const auto row = level() == Level::Avx512 ? forwardAvx512 : level() == Level::Avx2 ? forwardAvx2 : forwardPortable;
  pool.parallelFor(g.batch * g.outH, [&](int r) { row(x, w, bias, out, g, r / g.outH, r % g.outH, act); });
}

void depthwiseConv2dBackpropInput(const float* dy, const float* w, float* dx, const ConvGeometry& g, ThreadPool& pool) {
  const auto row = level() == Level::Avx512 ? backpropAvx512 : level() == Level::Avx2 ? backpropAvx2 : backpropPortable;
  pool.parallelFor(g.batch * g.inH, [&](int r) { row(dy, w, dx, g, r / g.inH, r % g.inH); });
}

}  // namespace layerlens
