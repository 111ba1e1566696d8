// AVX-512: 16 lanes, 32 registers; a tile of 8 rows × 2 vectors keeps 16 accumulators.
#include "NetCostKernels.h"
#include "KernelSets.h"
#include <immintrin.h>

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))), apply_to = function)
typedef float VEC __attribute__((vector_size(64)));
#define LANES 16
#define NV 2
#define MR 8
#define FUSED 1
#define MADD(acc, x, y) __builtin_elementwise_fma(x, y, acc)
#define KERNEL(name) name##_avx512
#define VMAX(a, b) ((VEC)_mm512_max_ps((__m512)(a), (__m512)(b)))
#define VMIN(a, b) ((VEC)_mm512_min_ps((__m512)(a), (__m512)(b)))
#include "KernelBody.h"
#pragma clang attribute pop

const NetCostKernelSet netcost_avx512_kernels = KERNEL_SET("avx512", "AVX-512 F, VL, BW and DQ with FMA");
#endif
