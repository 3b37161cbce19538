#include "matMul.h"

#include <algorithm>
#include <vector>

#include "simdClones.h"

namespace layerlens {

namespace {

// Rows [m0, m0 + rows) of op(A) into a K × kTileRows tile, k-major; rows past `rows` are zero.
LAYERLENS_SIMD_CLONES void packRows(const float* a, int M, int K, bool transposeA, int m0, int rows, float* __restrict ap) {
  if (transposeA) {
    // op(A)'s rows are A's columns: each k contributes `rows` adjacent values of A's row k, copied as one run
    // (a loop over rows then k would read every row of A kTileRows times, one value per cache line).
    for (int k = 0; k < K; k++) {
      const float* src = a + static_cast<size_t>(k) * M + m0;
      float* dst = ap + k * kTileRows;
      for (int r = 0; r < rows; r++) dst[r] = src[r];
      for (int r = rows; r < kTileRows; r++) dst[r] = 0.0f;
    }
    return;
  }
  for (int r = 0; r < kTileRows; r++) {
    if (r >= rows) {
      for (int k = 0; k < K; k++) ap[k * kTileRows + r] = 0.0f;
    } else {
      const float* row = a + static_cast<size_t>(m0 + r) * K;
      for (int k = 0; k < K; k++) ap[k * kTileRows + r] = row[k];
    }
  }
}

}  // namespace

void matMul(const float* a, int batch, int M, int K, bool transposeA, const PackedB& b, float* out, ThreadPool& pool) {
  const int tiles = (M + kTileRows - 1) / kTileRows;
  const int want = 4 * pool.size();
  const int groups = batch * tiles >= want ? 1 : std::min(b.panels, (want + batch * tiles - 1) / (batch * tiles));
  const int panelsPerGroup = (b.panels + groups - 1) / groups;
  const Epilogue none;
  pool.parallelFor(batch * tiles * groups, [&](int task) {
    thread_local std::vector<float> ap;
    ap.resize(static_cast<size_t>(K) * kTileRows);
    const int group = task % groups;
    const int tile = (task / groups) % tiles;
    const int item = task / groups / tiles;
    const int m0 = tile * kTileRows;
    const int rows = std::min(kTileRows, M - m0);
    packRows(a + static_cast<size_t>(item) * M * K, M, K, transposeA, m0, rows, ap.data());
    float* c = out + (static_cast<size_t>(item) * M + m0) * b.N;
    const int p1 = std::min(b.panels, (group + 1) * panelsPerGroup);
    for (int p = group * panelsPerGroup; p < p1; p++) tileProduct(ap.data(), b, p, c, b.N, rows, none);
  });
}

}  // namespace layerlens
