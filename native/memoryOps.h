// Kernels that only move values: Transpose, constant PadV2 and Concat. TF.js wasm runs them as generic
// single-threaded loops (a [96, 224, 113] transpose moves ~400 MB/s; the actmax transforms' pads of a
// [32, 224, 224, 3] batch take ~35 ms each). These copy 4-byte elements (float32 or int32 bits, unchanged),
// in runs of memcpy where the layout allows and in cache-sized tiles where it does not, on the thread pool.
#pragma once
#include <cstddef>
#include <cstdint>
#include "threadPool.h"

namespace layerlens {

/** Highest rank the kernels take (the bindings check it). */
constexpr int kMaxMoveRank = 8;

/** out = x transposed by perm: out.shape[i] = shape[perm[i]]; `perm` a permutation of [0, rank). */
void transpose(const uint32_t* x, const int* shape, const int* perm, int rank, uint32_t* out, ThreadPool& pool);

/** out = x with before[i] / after[i] values of `fill` around axis i (both ≥ 0). */
void padConstant(const uint32_t* x, const int* shape, const int* before, const int* after, int rank, uint32_t fill, uint32_t* out, ThreadPool& pool);

/**
 * Concatenation where every input is `outer` rows of inner[i] values: out row r holds input 0's row r, then
 * input 1's, … (the concat axis and every axis after it flattened into a row).
 */
void concatRows(const uint32_t* const* inputs, const size_t* inner, int count, size_t outer, uint32_t* out, ThreadPool& pool);

}  // namespace layerlens
