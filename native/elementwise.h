// Elementwise kernels that wasm runs far below memory speed: its Relu moves ~6 GB/s where its Add moves ~50
// (bench: .scratch-style 112×112×64 tensor), and GoogLeNet's actmax step runs 21 of them.
#pragma once
#include <cstddef>
#include "threadPool.h"

namespace layerlens {

/** out[i] = max(x[i], 0), NaN passing through as TF.js's Relu does. */
void relu(const float* x, float* out, size_t n, ThreadPool& pool);

}  // namespace layerlens
