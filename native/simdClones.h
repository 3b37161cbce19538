// Hot loops outside the matrix product (packing, pools, col2im, ReLU) are plain C++ that the compiler
// vectorises. The addon is built for baseline x86-64 (SSE2) so that one binary runs on any x86-64 CPU; this
// attribute makes GCC emit AVX-512 and AVX2 copies of such a function too, picked once at load time (ifunc).
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define LAYERLENS_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LAYERLENS_SIMD_CLONES
#endif
