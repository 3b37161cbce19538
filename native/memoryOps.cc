#include "memoryOps.h"

#include <algorithm>
#include <cstring>

#include "simdClones.h"

namespace layerlens {

namespace {

// Parts of at least 16 K values (64 KB): enough to amortise a task, up to four per thread to balance them.
int partsFor(size_t values, ThreadPool& pool) {
  return static_cast<int>(std::min<size_t>(4 * static_cast<size_t>(pool.size()), std::max<size_t>(1, values >> 14)));
}

// Runs part(begin, end) over [0, count) split into `parts` contiguous ranges on the pool.
template <class Part>
void splitRange(size_t count, int parts, ThreadPool& pool, Part&& part) {
  parts = static_cast<int>(std::max<size_t>(1, std::min<size_t>(count, static_cast<size_t>(parts))));
  pool.parallelFor(parts, [&](int p) { part(count * p / parts, count * (p + 1) / parts); });
}

inline void copyRun(const uint32_t* __restrict src, uint32_t* __restrict dst, size_t n) {
  if (n < 8) {
    for (size_t i = 0; i < n; i++) dst[i] = src[i];
  } else {
    std::memcpy(dst, src, n * sizeof(uint32_t));
  }
}

// Mixed-radix counter over dims[0..rank) (last fastest) keeping the matching offset into a strided tensor.
struct Odometer {
  int rank = 0;
  size_t dims[kMaxMoveRank] = {};
  size_t strides[kMaxMoveRank] = {};
  size_t idx[kMaxMoveRank] = {};
  size_t offset = 0;

  void seek(size_t k) {
    offset = 0;
    for (int i = rank - 1; i >= 0; i--) {
      idx[i] = k % dims[i];
      k /= dims[i];
      offset += idx[i] * strides[i];
    }
  }
  void next() {
    for (int i = rank - 1; i >= 0; i--) {
      offset += strides[i];
      if (++idx[i] < dims[i]) return;
      offset -= strides[i] * dims[i];
      idx[i] = 0;
    }
  }
};

// A transpose reduced to what decides the loops: the output's axes in order, each with its stride in the input,
// size-1 axes dropped and neighbours that stay neighbours in the input merged ([32, 224, 224, 3] → NCHW is
// [32, 3, 50176] read at strides [150528, 1, 3]).
struct Transposition {
  int rank = 0;
  size_t dims[kMaxMoveRank] = {};
  size_t inStride[kMaxMoveRank] = {};
};

Transposition reduce(const int* shape, const int* perm, int rank) {
  size_t stride[kMaxMoveRank];
  size_t s = 1;
  for (int i = rank - 1; i >= 0; i--) {
    stride[i] = s;
    s *= static_cast<size_t>(shape[i]);
  }
  Transposition t;
  for (int i = 0; i < rank; i++) {
    const size_t d = static_cast<size_t>(shape[perm[i]]);
    const size_t st = stride[perm[i]];
    if (d == 1) continue;
    if (t.rank > 0 && t.inStride[t.rank - 1] == st * d) {
      t.dims[t.rank - 1] *= d;
      t.inStride[t.rank - 1] = st;
    } else {
      t.dims[t.rank] = d;
      t.inStride[t.rank] = st;
      t.rank++;
    }
  }
  return t;
}

// The output's last axis is also the input's: whole runs of it copied in output order.
void transposeRuns(const uint32_t* x, const Transposition& t, uint32_t* out, ThreadPool& pool) {
  const size_t run = t.dims[t.rank - 1];
  Odometer outer;
  outer.rank = t.rank - 1;
  size_t runs = 1;
  for (int i = 0; i < outer.rank; i++) {
    outer.dims[i] = t.dims[i];
    outer.strides[i] = t.inStride[i];
    runs *= t.dims[i];
  }
  splitRange(runs, partsFor(runs * run, pool), pool, [&](size_t r0, size_t r1) {
    Odometer o = outer;
    o.seek(r0);
    for (size_t r = r0; r < r1; r++, o.next()) copyRun(x + o.offset, out + r * run, run);
  });
}

constexpr size_t kTile = 16;        // 16 × 16 values: 16 input cache lines read across, 16 output lines written
constexpr size_t kBlockB = 1024;    // columns of one task (a multiple of kTile)

// dst[a · outStrideA + b] = src[a + b · inStrideB] over a in [a0, a1), b in [b0, b1), in kTile × kTile tiles.
LAYERLENS_SIMD_CLONES void transposeBlock(const uint32_t* __restrict src, uint32_t* __restrict dst, size_t a0, size_t a1, size_t b0, size_t b1,
                                          size_t outStrideA, size_t inStrideB) {
  for (size_t bt = b0; bt < b1; bt += kTile) {
    const size_t be = std::min(b1, bt + kTile);
    for (size_t a = a0; a < a1; a++) {
      const uint32_t* __restrict s = src + a;
      uint32_t* __restrict d = dst + a * outStrideA;
      for (size_t b = bt; b < be; b++) d[b] = s[b * inStrideB];
    }
  }
}

// The general case: the input's contiguous axis A lies inside the output and the output's last axis B is strided
// in the input. Tasks are blocks of (A, B) for each index of the other axes.
void transposeTiles(const uint32_t* x, const Transposition& t, uint32_t* out, ThreadPool& pool) {
  const int last = t.rank - 1;
  int q = 0;
  while (t.inStride[q] != 1) q++;  // exists: the input's innermost axis (size > 1) keeps stride 1
  size_t outStride[kMaxMoveRank];
  size_t s = 1;
  for (int i = last; i >= 0; i--) {
    outStride[i] = s;
    s *= t.dims[i];
  }
  const size_t total = s;
  // The other axes, in output order, with their input and output strides.
  Odometer inOther, outOther;
  for (int i = 0; i < t.rank; i++) {
    if (i == q || i == last) continue;
    inOther.dims[inOther.rank] = outOther.dims[outOther.rank] = t.dims[i];
    inOther.strides[inOther.rank++] = t.inStride[i];
    outOther.strides[outOther.rank++] = outStride[i];
  }
  const size_t dimA = t.dims[q], dimB = t.dims[last];
  const size_t outStrideA = outStride[q], inStrideB = t.inStride[last];
  const size_t aBlocks = (dimA + kTile - 1) / kTile;
  const size_t bBlocks = (dimB + kBlockB - 1) / kBlockB;
  const size_t items = total / (dimA * dimB) * aBlocks * bBlocks;
  splitRange(items, partsFor(total, pool), pool, [&](size_t i0, size_t i1) {
    Odometer in = inOther, o = outOther;
    for (size_t item = i0; item < i1; item++) {
      const size_t other = item / (aBlocks * bBlocks);
      const size_t ab = item / bBlocks % aBlocks;
      const size_t bb = item % bBlocks;
      in.seek(other);
      o.seek(other);
      transposeBlock(x + in.offset, out + o.offset, ab * kTile, std::min(dimA, (ab + 1) * kTile), bb * kBlockB, std::min(dimB, (bb + 1) * kBlockB),
                     outStrideA, inStrideB);
    }
  });
}

void fillRun(uint32_t* dst, size_t n, uint32_t value) { std::fill(dst, dst + n, value); }

}  // namespace

void transpose(const uint32_t* x, const int* shape, const int* perm, int rank, uint32_t* out, ThreadPool& pool) {
  size_t total = 1;
  for (int i = 0; i < rank; i++) total *= static_cast<size_t>(shape[i]);
  if (total == 0) return;
  const Transposition t = reduce(shape, perm, rank);
  if (t.rank <= 1) {
    // Nothing moves: a plain copy, in parallel parts.
    splitRange(total, partsFor(total, pool), pool, [&](size_t i0, size_t i1) { copyRun(x + i0, out + i0, i1 - i0); });
  } else if (t.inStride[t.rank - 1] == 1) {
    transposeRuns(x, t, out, pool);
  } else {
    transposeTiles(x, t, out, pool);
  }
}

void padConstant(const uint32_t* x, const int* shape, const int* before, const int* after, int rank, uint32_t fill, uint32_t* out, ThreadPool& pool) {
  size_t xd[kMaxMoveRank], pre[kMaxMoveRank], post[kMaxMoveRank];
  for (int i = 0; i < rank; i++) {
    xd[i] = static_cast<size_t>(shape[i]);
    pre[i] = static_cast<size_t>(before[i]);
    post[i] = static_cast<size_t>(after[i]);
  }
  if (rank == 0) {
    out[0] = x[0];
    return;
  }
  // An unpadded last axis joins the one before it, so rows are long ([32, 224, 224, 3] padded in H and W has
  // rows of 672 values with 39-value margins, not rows of 3).
  int r = rank;
  while (r >= 2 && pre[r - 1] == 0 && post[r - 1] == 0) {
    xd[r - 2] *= xd[r - 1];
    pre[r - 2] *= xd[r - 1];
    post[r - 2] *= xd[r - 1];
    r--;
  }
  const int last = r - 1;
  const size_t rowLen = pre[last] + xd[last] + post[last];
  size_t xStride[kMaxMoveRank];
  xStride[last] = 1;
  for (int i = last - 1; i >= 0; i--) xStride[i] = xStride[i + 1] * xd[i + 1];
  Odometer rowsOf;
  rowsOf.rank = last;
  size_t rows = 1;
  for (int i = 0; i < last; i++) {
    rowsOf.dims[i] = pre[i] + xd[i] + post[i];
    rows *= rowsOf.dims[i];
  }
  if (rows == 0 || rowLen == 0) return;
  splitRange(rows, partsFor(rows * rowLen, pool), pool, [&](size_t r0, size_t r1) {
    Odometer o = rowsOf;
    o.seek(r0);
    for (size_t row = r0; row < r1; row++, o.next()) {
      uint32_t* dst = out + row * rowLen;
      bool inside = true;
      size_t src = 0;
      for (int i = 0; i < last; i++) {
        const size_t at = o.idx[i];
        if (at < pre[i] || at >= pre[i] + xd[i]) {
          inside = false;
          break;
        }
        src += (at - pre[i]) * xStride[i];
      }
      if (!inside) {
        fillRun(dst, rowLen, fill);
        continue;
      }
      fillRun(dst, pre[last], fill);
      copyRun(x + src, dst + pre[last], xd[last]);
      fillRun(dst + pre[last] + xd[last], post[last], fill);
    }
  });
}

void concatRows(const uint32_t* const* inputs, const size_t* inner, int count, size_t outer, uint32_t* out, ThreadPool& pool) {
  size_t row = 0;
  for (int i = 0; i < count; i++) row += inner[i];
  const size_t total = outer * row;
  if (total == 0) return;
  // Output positions split evenly; each part copies the pieces of the inputs that fall in it, so a concat of
  // two big tensors along the first axis (one row) is as parallel as one of many short rows.
  splitRange(total, partsFor(total, pool), pool, [&](size_t p0, size_t p1) {
    size_t pos = p0;
    while (pos < p1) {
      const size_t r = pos / row;
      size_t at = pos % row;
      int i = 0;
      while (at >= inner[i]) at -= inner[i++];
      const size_t n = std::min(p1 - pos, inner[i] - at);
      copyRun(inputs[i] + r * inner[i] + at, out + pos, n);
      pos += n;
    }
  });
}

}  // namespace layerlens
