// One shear of the actmax rotation (src/core/actmax/rotate.ts): line r of an [N, R, L, C] tensor is read at
// j + offsets[r] for output j ∈ [0, lout), interpolating linearly between the two neighbours. In TF.js that
// is dozens of window slices and two concats per shear (~20 ms of a GoogLeNet Lucid step); here one pass.
#pragma once
#include "threadPool.h"

namespace layerlens {

/** out[n, r, j, c] = a + (b − a)·f with a = x[n, r, k + j, c], b = x[n, r, k + j + 1, c], k + f = offsets[r]. */
void shearLines(const float* x, int batch, int rows, int length, int channels, const double* offsets, int lout, float* out, ThreadPool& pool);

}  // namespace layerlens
