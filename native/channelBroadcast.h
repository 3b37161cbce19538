// Elementwise ops of a full tensor with a per-channel vector (or a scalar): Keras BatchNormalization run as x · k + b,
// bias adds, and their gradients. wasm's binary kernels index every element through a generic broadcast and run
// such calls several times slower than its same-shape ones; ReLU6 / clip likewise.
#pragma once
#include <cstddef>
#include "threadPool.h"

namespace layerlens {

enum class ChannelOp { Add = 0, Multiply = 1, Subtract = 2, SubtractFrom = 3 };

/** out[i] = a[i] op v[i % channels] (SubtractFrom: v[i % channels] − a[i]); n is a multiple of channels. */
void channelBroadcast(const float* a, const float* v, float* out, size_t n, int channels, ChannelOp op, ThreadPool& pool);

/** out[i] = x[i] clamped to [lo, hi]; NaN stays NaN. */
void clamp(const float* x, float* out, size_t n, float lo, float hi, ThreadPool& pool);

}  // namespace layerlens
