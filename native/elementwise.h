// Elementwise kernels that wasm runs far below memory speed (its Relu moves ~6 GB/s where its Add moves ~50
// on a 112×112×64 tensor; GoogLeNet's actmax step runs 21 of them), and the feature-map statistics, which
// JavaScript computes at ~6 ns a value (60 ms for GoogLeNet's 165 outputs).
#pragma once
#include <cstddef>
#include "threadPool.h"

namespace layerlens {

/** out[i] = max(x[i], 0), NaN passing through as TF.js's Relu does. */
void relu(const float* x, float* out, size_t n, ThreadPool& pool);

/** A window of a 4-D tensor (shapes padded with leading 1s): out = x[b0:b0+s0, …, b3:b3+s3]. */
void slice4d(const float* x, const int* shape, const int* begin, const int* size, float* out, ThreadPool& pool);

/**
 * Per-channel min, max, sum and count of exact zeros of `positions` rows of `channels` values (NHWC feature
 * maps): out holds 4 × channels doubles in that order. Min/max skip NaN, as comparisons do.
 */
void channelStats(const float* x, size_t positions, int channels, double* out, ThreadPool& pool);

}  // namespace layerlens
