// AVX2 with FMA: 8 lanes, 16 registers; a tile of 6 rows × 2 vectors keeps 12 accumulators.
#include "NetCostKernels.h"
#include "KernelSets.h"
#include <immintrin.h>

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
typedef float VEC __attribute__((vector_size(32)));
#define LANES 8
#define NV 2
#define MR 6
#define FUSED 1
#define MADD(acc, x, y) __builtin_elementwise_fma(x, y, acc)
#define KERNEL(name) name##_avx2
#define VMAX(a, b) ((VEC)_mm256_max_ps((__m256)(a), (__m256)(b)))
#define VMIN(a, b) ((VEC)_mm256_min_ps((__m256)(a), (__m256)(b)))
#include "KernelBody.h"
#pragma clang attribute pop

const NetCostKernelSet netcost_avx2_kernels = KERNEL_SET("avx2", "AVX2 with FMA");
#endif
