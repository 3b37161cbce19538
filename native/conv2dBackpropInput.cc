#include "conv2dBackpropInput.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "simdClones.h"

namespace layerlens {

namespace {

// dy rows [m0, m0 + rows) (each O contiguous values) into a k-major tile; rows past `rows` are zero.
LAYERLENS_SIMD_CLONES void packRowsTile(const float* dy, int O, int m0, int rows, float* ap) {
  for (int r = 0; r < kTileRows; r++) {
    const float* src = dy + static_cast<size_t>(m0 + r) * O;
    for (int k = 0; k < O; k++) ap[k * kTileRows + r] = r < rows ? src[k] : 0.0f;
  }
}

// Largest number of dy pixels whose products are held at once (16 MB of floats): bounds memory for big images.
constexpr size_t kChunkFloats = size_t{4} << 20;

// Adds the products of dy pixels [c0, c0 + rows) into their dx windows, channels [ch0, ch1) only. `dx` starts at
// batch item `firstImage` (a copy that holds only the images these pixels touch).
LAYERLENS_SIMD_CLONES void addWindows(const float* products, int cols, float* dx, const ConvGeometry& g, int c0, int rows, int ch0, int ch1,
                                      int firstImage) {
  const int C = g.inC;
  const int pixels = g.outH * g.outW;
  for (int m = c0; m < c0 + rows; m++) {
    const int n = m / pixels;
    const int oy = (m % pixels) / g.outW;
    const int ox = m % g.outW;
    const float* row = products + static_cast<size_t>(m - c0) * cols;
    for (int ky = 0; ky < g.kernelH; ky++) {
      const int iy = oy * g.strideH - g.padTop + ky * g.dilationH;
      if (iy < 0 || iy >= g.inH) continue;
      for (int kx = 0; kx < g.kernelW; kx++) {
        const int ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
        if (ix < 0 || ix >= g.inW) continue;
        float* __restrict dst = dx + (static_cast<size_t>((n - firstImage) * g.inH + iy) * g.inW + ix) * C;
        const float* __restrict src = row + (ky * g.kernelW + kx) * C;
        for (int c = ch0; c < ch1; c++) dst[c] += src[c];
      }
    }
  }
}

}  // namespace

void conv2dBackpropInput(const float* dy, const PackedB& wt, float* dx, const ConvGeometry& g, ThreadPool& pool) {
  const int O = g.outC;
  const int C = g.inC;
  const int cols = wt.N;  // kh · kw · C
  const int pixels = g.outH * g.outW;
  const int M = g.batch * pixels;
  std::memset(dx, 0, sizeof(float) * static_cast<size_t>(g.batch) * g.inH * g.inW * C);
  const int chunk = std::max(kTileRows, static_cast<int>(kChunkFloats / cols) / kTileRows * kTileRows);
  // Not zeroed: every row of a chunk is written whole by the products before it is read (a std::vector would
  // memset up to 16 MB on every call).
  std::unique_ptr<float[]> products(new float[static_cast<size_t>(std::min(chunk, M)) * cols]);
  const Epilogue none;
  for (int c0 = 0; c0 < M; c0 += chunk) {
    const int rowsInChunk = std::min(chunk, M - c0);
    const int tiles = (rowsInChunk + kTileRows - 1) / kTileRows;
    pool.parallelFor(tiles, [&](int tile) {
      thread_local std::vector<float> ap;
      ap.resize(static_cast<size_t>(O) * kTileRows);
      const int m0 = c0 + tile * kTileRows;
      const int rows = std::min(kTileRows, c0 + rowsInChunk - m0);
      packRowsTile(dy, O, m0, rows, ap.data());
      float* out = products.get() + static_cast<size_t>(m0 - c0) * cols;
      for (int p = 0; p < wt.panels; p++) tileProduct(ap.data(), wt, p, out, cols, rows, none);
    });
    // Windows of neighbouring dy pixels overlap in dx, so the adding is split by channel ranges, not pixels.
    const int parts = std::min(pool.size(), std::max(1, C / 16));
    if (parts > 1 || pool.size() == 1) {
      const int width = (C + parts - 1) / parts;
      pool.parallelFor(parts, [&](int part) {
        addWindows(products.get(), cols, dx, g, c0, rowsInChunk, part * width, std::min(C, part * width + width), 0);
      });
      continue;
    }
    // Few channels (an RGB input's gradient): split the pixels instead, each thread past the first adding into
    // its own zeroed copy of the images its pixels touch (a chunk spans a few images), then add the copies in.
    // Copies of the whole batch's dx per chunk made this part grow with the square of the batch (14 chunks of a
    // 19 MB copy at GoogLeNet's conv1 with 32 images). Adding a copy's zeros elsewhere changed nothing (dx never
    // holds -0), so skipping them gives the same bits.
    const int threads = pool.size();
    const size_t image = static_cast<size_t>(g.inH) * g.inW * C;
    std::vector<int> r0(threads + 1), first(threads), last(threads);
    std::vector<size_t> offset(threads, 0);
    size_t copyFloats = 0;
    for (int t = 0; t <= threads; t++) r0[t] = static_cast<int>(static_cast<long long>(rowsInChunk) * t / threads);
    for (int t = 0; t < threads; t++) {
      first[t] = (c0 + r0[t]) / pixels;
      last[t] = r0[t + 1] > r0[t] ? (c0 + r0[t + 1] - 1) / pixels : first[t] - 1;
      if (t == 0) continue;
      offset[t] = copyFloats;
      copyFloats += static_cast<size_t>(last[t] - first[t] + 1) * image;
    }
    std::vector<float> copies(copyFloats, 0.0f);
    pool.parallelFor(threads, [&](int t) {
      float* target = t == 0 ? dx : copies.data() + offset[t];
      addWindows(products.get() + static_cast<size_t>(r0[t]) * cols, cols, target, g, c0 + r0[t], r0[t + 1] - r0[t], 0, C, t == 0 ? 0 : first[t]);
    });
    for (int t = 1; t < threads; t++) {
      const size_t count = static_cast<size_t>(last[t] - first[t] + 1) * image;
      float* dst = dx + static_cast<size_t>(first[t]) * image;
      const float* copy = copies.data() + offset[t];
      const int pieces = static_cast<int>(std::min<size_t>(threads, std::max<size_t>(1, count >> 16)));
      pool.parallelFor(pieces, [&](int p) {
        for (size_t i = count * p / pieces; i < count * (p + 1) / pieces; i++) dst[i] += copy[i];
      });
    }
  }
}

}  // namespace layerlens
