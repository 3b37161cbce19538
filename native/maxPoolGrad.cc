#include "maxPoolGrad.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

namespace layerlens {

void maxPoolGrad(const float* x, const float* dy, float* dx, const PoolGeometry& g, ThreadPool& pool) {
  const int C = g.channels;
  // Tasks own disjoint channel ranges of one batch item, so overlapping windows never race on dx.
  const int chunk = std::max(16, (C + 2 * pool.size() - 1) / (2 * pool.size()));
  const int chunks = (C + chunk - 1) / chunk;
  pool.parallelFor(g.batch * chunks, [&](int task) {
    const int n = task / chunks;
    const int c0 = (task % chunks) * chunk;
    const int width = std::min(chunk, C - c0);
    thread_local std::vector<float> best;
    thread_local std::vector<int> where;
    best.resize(width);
    where.resize(width);
    const size_t image = static_cast<size_t>(g.inH) * g.inW * C;
    const float* xn = x + n * image;
    float* dxn = dx + n * image;
    for (int y = 0; y < g.inH; y++)
      for (int xx = 0; xx < g.inW; xx++) std::memset(dxn + (static_cast<size_t>(y) * g.inW + xx) * C + c0, 0, sizeof(float) * width);
    for (int oy = 0; oy < g.outH; oy++) {
      for (int ox = 0; ox < g.outW; ox++) {
        std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
        std::fill(where.begin(), where.end(), -1);
        for (int fy = 0; fy < g.filterH; fy++) {
          const int iy = oy * g.strideH - g.padTop + fy * g.dilationH;
          if (iy < 0 || iy >= g.inH) continue;
          for (int fx = 0; fx < g.filterW; fx++) {
            const int ix = ox * g.strideW - g.padLeft + fx * g.dilationW;
            if (ix < 0 || ix >= g.inW) continue;
            const int pos = iy * g.inW + ix;
            const float* v = xn + static_cast<size_t>(pos) * C + c0;
            for (int c = 0; c < width; c++) {
              const bool wins = v[c] > best[c];
              best[c] = wins ? v[c] : best[c];
              where[c] = wins ? pos : where[c];
            }
          }
        }
        const float* d = dy + ((static_cast<size_t>(n) * g.outH + oy) * g.outW + ox) * C + c0;
        for (int c = 0; c < width; c++) {
          if (where[c] >= 0) dxn[static_cast<size_t>(where[c]) * C + c0 + c] += d[c];
        }
      }
    }
  });
}

}  // namespace layerlens
