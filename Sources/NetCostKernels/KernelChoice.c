// Which kernel sets this CPU runs. The feature tests also check that the operating
// system saves the wide registers (a CPU with AVX-512 under an OS that does not save
// them must not use them); the compiler's runtime does both.
#include "NetCostKernels.h"
#include "KernelSets.h"

static int add(const NetCostKernelSet **sets, int capacity, int count, const NetCostKernelSet *set) {
    if (count < capacity) sets[count] = set;
    return count + 1;
}

int netcost_kernel_sets(const NetCostKernelSet **sets, int capacity) {
    int count = 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2"))
        count = add(sets, capacity, count, &netcost_avx512_kernels);
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        count = add(sets, capacity, count, &netcost_avx2_kernels);
#endif
    return add(sets, capacity, count, &netcost_baseline_kernels);
}

int netcost_built_kernel_sets(const NetCostKernelSet **sets, int capacity) {
    int count = 0;
#if defined(__x86_64__)
    count = add(sets, capacity, count, &netcost_avx512_kernels);
    count = add(sets, capacity, count, &netcost_avx2_kernels);
#endif
    return add(sets, capacity, count, &netcost_baseline_kernels);
}

void netcost_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

void netcost_prefetch(const void *address, long bytes) {
    const char *line = (const char *)address;
    // Locality 2: into L2 (x86's prefetcht1), which holds it until the panel starts;
    // into L1 it pushed out the B rows that the K blocks keep there.
    for (long offset = 0; offset < bytes; offset += 64) __builtin_prefetch(line + offset, 0, 2);
}
