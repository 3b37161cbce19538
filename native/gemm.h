// Single-precision matrix products for convolutions: C[M×N] = A[M×K] · B[K×N] (+ bias, optional ReLU), with B
// packed once into 32-column panels and A packed per 12-row tile by the caller (conv2d.cc packs straight from
// the image, so im2col and packing are one copy). The microkernels pick AVX-512, AVX2+FMA or portable C++ at
// run time, so one binary runs on any x86-64 (and builds elsewhere with the portable kernel only).
#pragma once
#include <cstddef>
#include <vector>

namespace layerlens {

constexpr int kPanelWidth = 32;  // NR: columns per packed B panel
constexpr int kTileRows = 12;    // MR: rows per packed A tile

struct PackedB {
  int K = 0;
  int N = 0;
  int panels = 0;
  std::vector<float> data;  // panels × K × kPanelWidth, zero-padded past N
};

/** Packs row-major B[K×N] (e.g. an HWIO kernel flattened to (kh·kw·Cin) × Cout). */
PackedB packB(const float* b, int K, int N);

/** Packs B[K×N] given as its transpose, row-major N × K (an HWIO kernel read as Cout × (kh·kw·Cin) backwards). */
PackedB packBTransposed(const float* bt, int K, int N);

/** Epilogue applied to each finished tile of C. */
struct Epilogue {
  const float* bias = nullptr;  // N values, or null
  bool relu = false;
};

/**
 * C rows [row0, row0 + rows) (rows <= kTileRows), columns of panel `panel`: C = Ap · B + epilogue.
 * `ap` is a packed tile: K × kTileRows values, k-major (rows past `rows` may hold anything).
 */
void tileProduct(const float* ap, const PackedB& b, int panel, float* c, int ldc, int rows, const Epilogue& ep);

/** Name of the instruction set the microkernel uses on this CPU ("AVX-512", "AVX2", "portable"). */
const char* gemmIsa();

}  // namespace layerlens
