// The kernel sets each width's file defines.
#include "NetCostKernels.h"

extern const NetCostKernelSet netcost_baseline_kernels;
#if defined(__x86_64__)
extern const NetCostKernelSet netcost_avx2_kernels;
extern const NetCostKernelSet netcost_avx512_kernels;
#endif
