#include "maxPoolGrad.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "simdClones.h"

namespace layerlens {

namespace {

constexpr int kChannelBlock = 64;  // channels handled together: best values and positions stay in registers/L1

// Calls cell(pos) for each cell of output (oy, ox)'s window inside the image, rows then columns; pos = iy·W + ix.
template <class Cell>
inline void forEachWindowCell(const PoolGeometry& g, int oy, int ox, Cell&& cell) {
  const int y0 = oy * g.strideH - g.padTop;
  const int x0 = ox * g.strideW - g.padLeft;
  for (int fy = 0; fy < g.filterH; fy++) {
    const int iy = y0 + fy * g.dilationH;
    if (iy < 0 || iy >= g.inH) continue;
    for (int fx = 0; fx < g.filterW; fx++) {
      const int ix = x0 + fx * g.dilationW;
      if (ix >= 0 && ix < g.inW) cell(iy * g.inW + ix);
    }
  }
}

// One batch item, channels [c0, c0 + width) (clamped to C), added into dx (zeroed by the caller).
LAYERLENS_SIMD_CLONES void gradBlock(const float* x, const float* dy, float* dx, const PoolGeometry& g, int n, int c0, int width) {
  const int C = g.channels;
  const int cw = std::min(width, C - c0);
  const size_t image = static_cast<size_t>(g.inH) * g.inW * C;
  const float* __restrict xn = x + n * image + c0;
  float* __restrict dxn = dx + n * image + c0;
  float best[kChannelBlock];
  int where[kChannelBlock];
  for (int oy = 0; oy < g.outH; oy++) {
    for (int ox = 0; ox < g.outW; ox++) {
      for (int c = 0; c < cw; c++) {
        best[c] = -std::numeric_limits<float>::infinity();
        where[c] = -1;
      }
      forEachWindowCell(g, oy, ox, [&](int pos) {
        const float* __restrict v = xn + static_cast<size_t>(pos) * C;
        for (int c = 0; c < cw; c++) {
          const bool wins = v[c] > best[c];  // strict: the first maximum keeps the gradient
          best[c] = wins ? v[c] : best[c];
          where[c] = wins ? pos : where[c];
        }
      });
      const float* __restrict d = dy + ((static_cast<size_t>(n) * g.outH + oy) * g.outW + ox) * C + c0;
      for (int c = 0; c < cw; c++) {
        if (where[c] >= 0) dxn[static_cast<size_t>(where[c]) * C + c] += d[c];
      }
    }
  }
}

// Output row `oy` of batch item `n`.
LAYERLENS_SIMD_CLONES void poolRow(const float* x, float* y, const PoolGeometry& g, int n, int oy) {
  const int C = g.channels;
  const float* __restrict xn = x + static_cast<size_t>(n) * g.inH * g.inW * C;
  for (int ox = 0; ox < g.outW; ox++) {
    float* __restrict out = y + ((static_cast<size_t>(n) * g.outH + oy) * g.outW + ox) * C;
    for (int c = 0; c < C; c++) out[c] = -std::numeric_limits<float>::infinity();
    forEachWindowCell(g, oy, ox, [&](int pos) {
      const float* __restrict v = xn + static_cast<size_t>(pos) * C;
      for (int c = 0; c < C; c++) out[c] = v[c] > out[c] ? v[c] : out[c];
    });
  }
}

}  // namespace

void maxPoolGrad(const float* x, const float* dy, float* dx, const PoolGeometry& g, ThreadPool& pool) {
  const int C = g.channels;
  const size_t positions = static_cast<size_t>(g.inH) * g.inW;
  if (g.batch >= 2 * pool.size() || pool.size() == 1) {
    // Whole batch items per task: channel blocks of two tasks would share cache lines of dx wherever a block edge
    // is not 64-byte aligned (the wasm heap aligns tensors to 16 bytes), and that false sharing made 2 threads
    // slower than 1 ([32, 112, 112, 64], 3 × 3 stride 2: ~250 against ~145 ms under load).
    pool.parallelFor(g.batch, [&](int n) {
      std::memset(dx + n * positions * C, 0, sizeof(float) * positions * C);
      for (int c0 = 0; c0 < C; c0 += kChannelBlock) gradBlock(x, dy, dx, g, n, c0, kChannelBlock);
    });
    return;
  }
  // Few batch items: tasks own disjoint channel blocks of one item (multiples of 16 channels, so that blocks share
  // a cache line only at their edges), so overlapping windows never race on dx.
  const int width = std::min(kChannelBlock, (std::max(16, (C + 2 * pool.size() - 1) / (2 * pool.size())) + 15) / 16 * 16);
  const int blocks = (C + width - 1) / width;
  pool.parallelFor(g.batch * blocks, [&](int task) {
    const int n = task / blocks, c0 = (task % blocks) * width, cw = std::min(width, C - c0);
    float* dxn = dx + n * positions * C + c0;
    for (size_t p = 0; p < positions; p++) std::memset(dxn + p * C, 0, sizeof(float) * cw);
    gradBlock(x, dy, dx, g, n, c0, width);
  });
}

void maxPool(const float* x, float* y, const PoolGeometry& g, ThreadPool& pool) {
  // Output rows are independent here, so they are the tasks.
  pool.parallelFor(g.batch * g.outH, [&](int task) { poolRow(x, y, g, task / g.outH, task % g.outH); });
}

}  // namespace layerlens
