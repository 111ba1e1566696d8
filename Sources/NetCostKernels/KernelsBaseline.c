// The architecture's baseline, which every CPU of it runs: SSE2 on x86-64 (4 lanes, 16
// registers, no FMA: a multiply then an add), NEON on arm64 (4 lanes, 32 registers, FMA).
#include "NetCostKernels.h"
#include "KernelSets.h"

typedef float VEC __attribute__((vector_size(16)));
#define LANES 4
#define KERNEL(name) name##_baseline
#if defined(__aarch64__)
#define NV 2
#define MR 8
#define FUSED 1
#define MADD(acc, x, y) __builtin_elementwise_fma(x, y, acc)
#include "KernelBody.h"
const NetCostKernelSet netcost_baseline_kernels = KERNEL_SET("neon", "the arm64 baseline (NEON)");
#else
#include <emmintrin.h>
#define NV 2
#define MR 6
// A stored broadcast: SSE2 has no broadcast load, and its shuffle and the copy the
// two-operand multiply needs cost more than a 16-byte load (a tile in L1: 50 GFLOP/s
// against 39 on one core).
#define SPREAD LANES
#define FUSED 0
#define VMAX(a, b) ((VEC)_mm_max_ps((__m128)(a), (__m128)(b)))
#define VMIN(a, b) ((VEC)_mm_min_ps((__m128)(a), (__m128)(b)))
#define MADD(acc, x, y) ((acc) + (x) * (y))
#include "KernelBody.h"
const NetCostKernelSet netcost_baseline_kernels = KERNEL_SET("sse2", "the x86-64 baseline (SSE2)");
#endif
