// Batched matrix product C[b] = op(A[b]) · B (op = transpose or not), the BatchMatMul kernel. B comes packed
// (packB / packBTransposed), so a constant right-hand side — the DFT bases of the actmax Fourier image, a dense
// layer's weights — is packed once; A is packed 12 rows at a time as the conv's image tiles are.
#pragma once
#include "gemm.h"
#include "threadPool.h"

namespace layerlens {

/** a: batch × (transposeA ? K × M : M × K) row-major; out: batch × M × N. */
void matMul(const float* a, int batch, int M, int K, bool transposeA, const PackedB& b, float* out, ThreadPool& pool);

}  // namespace layerlens
