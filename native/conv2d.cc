#include "conv2d.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "simdClones.h"

namespace layerlens {

namespace {

// Gathers output pixels [m0, m0 + rows) into a K × kTileRows tile, k-major; rows past `rows` are zero.
LAYERLENS_SIMD_CLONES void packImageTile(const float* x, const ConvGeometry& g, int m0, int rows, float* ap) {
  const int K = g.kernelH * g.kernelW * g.inC;
  const int pixels = g.outH * g.outW;
  for (int r = 0; r < kTileRows; r++) {
    if (r >= rows) {
      for (int k = 0; k < K; k++) ap[k * kTileRows + r] = 0.0f;
      continue;
    }
    const int m = m0 + r;
    const int n = m / pixels;
    const int oy = (m % pixels) / g.outW;
    const int ox = m % g.outW;
    for (int ky = 0; ky < g.kernelH; ky++) {
      const int iy = oy * g.strideH - g.padTop + ky * g.dilationH;
      for (int kx = 0; kx < g.kernelW; kx++) {
        const int ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
        float* dst = ap + static_cast<size_t>((ky * g.kernelW + kx) * g.inC) * kTileRows + r;
        if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) {
          for (int c = 0; c < g.inC; c++) dst[c * kTileRows] = 0.0f;
          continue;
        }
        const float* src = x + (static_cast<size_t>(n * g.inH + iy) * g.inW + ix) * g.inC;
        for (int c = 0; c < g.inC; c++) dst[c * kTileRows] = src[c];
      }
    }
  }
}

}  // namespace

void conv2d(const float* x, const PackedB& w, float* out, const ConvGeometry& g, const Epilogue& ep, ThreadPool& pool) {
  const int M = g.batch * g.outH * g.outW;
  const int K = w.K;
  const int tiles = (M + kTileRows - 1) / kTileRows;
  // Enough tasks to keep every thread busy: split the columns too when the image is small (late layers).
  const int want = 4 * pool.size();
  const int groups = tiles >= want ? 1 : std::min(w.panels, (want + tiles - 1) / tiles);
  const int panelsPerGroup = (w.panels + groups - 1) / groups;
  pool.parallelFor(tiles * groups, [&](int task) {
    thread_local std::vector<float> ap;
    ap.resize(static_cast<size_t>(K) * kTileRows);
    const int tile = task / groups;
    const int group = task % groups;
    const int m0 = tile * kTileRows;
    const int rows = std::min(kTileRows, M - m0);
    packImageTile(x, g, m0, rows, ap.data());
    const int p1 = std::min(w.panels, (group + 1) * panelsPerGroup);
    for (int p = group * panelsPerGroup; p < p1; p++) tileProduct(ap.data(), w, p, out + static_cast<size_t>(m0) * g.outC, g.outC, rows, ep);
  });
}

}  // namespace layerlens
