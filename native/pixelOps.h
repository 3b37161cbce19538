// Per-pixel kernels of activation maximization's image path, each one memory pass where TF.js wasm makes
// several: the 3×3 colour (de)correlation ([N·H·W, 3] × [3, 3], which the tiled matrix product pads to a 12 × 32
// tile per 12 pixels), the per-channel division of input normalization (wasm runs a [N, H, W, 3] / [3] division
// through its generic broadcast, ~60 ms at N = 32), and the sigmoid's gradient (three passes in TF.js).
// Each gives the bits of the computation it replaces: see pixelOps.cc.
#pragma once
#include <cstddef>
#include "threadPool.h"

namespace layerlens {

/** Largest K and N that smallMatMul takes. */
constexpr int kSmallMatMulMax = 4;

/**
 * out[r, j] = Σ_k a[r, k] · b[k, j] for r < rows, with b row-major K × N (K, N ≤ kSmallMatMulMax), summed and
 * rounded exactly as the tiled product (gemm.h) sums an output: in k order from +0, fused multiply-adds where its
 * microkernel uses them, then + 0.
 */
void smallMatMul(const float* a, size_t rows, int K, const float* b, int N, float* out, ThreadPool& pool);

/** out[i] = a[i] / v[i % channels] (reversed: v[i % channels] / a[i]); n is a multiple of channels. */
void channelDivide(const float* a, const float* v, float* out, size_t n, int channels, bool reversed, ThreadPool& pool);

/** out[i] = dy[i] · (y[i] · (1 − y[i])): TF.js's sigmoid gradient from the sigmoid's output y. */
void sigmoidGrad(const float* y, const float* dy, float* out, size_t n, ThreadPool& pool);

}  // namespace layerlens
