// The executor's innermost loops, compiled once per vector width and chosen at run time.
//
// Swift cannot compile one function for several CPUs, and a package that passes CPU
// flags to the compiler cannot be depended on. So the few loops that decide the
// executor's speed live here, in C: each width's file marks its functions with a
// `target` attribute, and `netcost_kernel_sets` lists the widths this CPU runs (from
// its feature bits and what the operating system saves), widest first. Every other
// part of the package is compiled for the architecture's baseline and runs anywhere.

#ifndef NETCOST_KERNELS_H
#define NETCOST_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One depthwise layer's loop constants. Each input plane is laid out zero-padded and
/// split into `stride_height × stride_width` phase planes of `phase_rows × phase_width`
/// (plane (p, q) holds padded rows p, p + sh, … and columns q, q + sw, …), so that every
/// tap of every output vector is one contiguous load; `offsets[t]` is where tap t of
/// output (0, 0) lies, and output (oy, ox) reads `oy · phase_width + ox` further on.
typedef struct NetCostDepthwisePlan {
    long height, width, out_height, out_width;
    long stride_height, stride_width, pad_top, pad_left;
    long phase_rows, phase_width;
    long taps;
    const long *offsets;
    /// Compute the padded plane as one row of `row_length` floats (a multiple of the
    /// lanes) and drop the columns past each output row: for short, ragged rows.
    int flat;
    long row_length;
    /// The fused clamp (−∞ and +∞ when there is none).
    float low, high;
} NetCostDepthwisePlan;

/// The functions `exponential_map` computes.
enum NetCostExponentialFunction { NETCOST_EXP = 0, NETCOST_SIGMOID = 1, NETCOST_SWISH = 2, NETCOST_TANH = 3 };

/// One vector width's kernels. Sizes are in floats; `long` strides are element counts.
typedef struct NetCostKernelSet {
    /// `avx512`, `avx2`, `sse2` or `neon`.
    const char *name;
    /// What the width needs of the CPU, in words (`AVX-512 F/VL/BW/DQ + FMA`).
    const char *requirement;
    /// Floats per vector register.
    int lanes;
    /// Rows of A per GEMM panel and columns of B per tile: a register tile is
    /// `panel_rows × tile_columns` (a whole number of vectors).
    int panel_rows;
    int tile_columns;
    /// Floats each value of A takes in a packed panel: 1, or `lanes` when the set keeps A
    /// broadcast already (SSE2, whose broadcast takes two instructions and an extra copy:
    /// a vector load instead made its tile a third faster).
    int a_spread;
    /// True when the multiply-add is fused (one rounding), as in the FMA instructions.
    int fused_multiply_add;

    /// A register tile of C: `c[i][j] (+)= Σ_k a[(k·panel_rows + i)·a_spread] · b[k·ldb + j]`
    /// over `depth` steps for the `rows × columns` corner that lies inside C (at most
    /// `panel_rows × tile_columns`), C rows `ldc` apart. B is a packed tile (`ldb` = tile_columns)
    /// or, for a whole tile (`columns` = tile_columns), read in place. With `finish`, row i
    /// then gets `bias[i]` (when `bias` is not null) and is clamped to [low, high] before
    /// it is stored.
    void (*gemm_tile)(const float *a, const float *b, long ldb, long depth, float *c, long ldc, long rows, long columns,
                      int accumulate, int finish, const float *bias, float low, float high);

    /// The last few columns of C, past the tiles: `c[i][j] = Σ_k a[i][k] · b[k·ldb + j]` for
    /// `columns` columns (fewer than a vector) and the `rows` rows of `panels` packed
    /// panels of A (`depth` steps each, one after another), each column's sum in the
    /// register tile's order. `finish` as for `gemm_tile`, with `bias` from row 0. A panel
    /// is read eight floats at a time (with `a_spread` 1): A needs 8 floats of padding
    /// after its last panel.
    void (*gemm_columns)(const float *a, long panels, long depth, const float *b, long ldb, long columns, float *c, long ldc,
                         long rows, int finish, const float *bias, float low, float high);

    /// Copies `depth` rows of `columns` floats (at most one tile, `tile_columns`), rows `ldb`
    /// apart, into a tile whose rows are `tile_columns` floats, zero-padded: a GEMM B tile.
    void (*pack_tile)(const float *source, long ldb, long depth, long columns, float *destination);

    /// One input channel of a depthwise layer and its `multiplier` output channels:
    /// lays `plane` out in `padded` (whose padding is zero), then
    /// `out[m][y][x] = clamp(biases[m] + Σ_t weights[m·taps + t] · tap t, low, high)`.
    /// `row` is scratch of `row_length` + `lanes` floats; `biases` may be null.
    void (*depthwise_channel)(const NetCostDepthwisePlan *plan, const float *plane, float *padded, float *row,
                              long multiplier, const float *weights, const float *biases, float *outputs);

    /// `Σ a[i]·b[i]` over `count` floats.
    float (*dot)(const float *a, const float *b, long count);

    /// `y[i] += scale·x[i]` over `count` floats.
    void (*axpy)(float scale, const float *x, float *y, long count);

    /// `c[i][j] = f(c[i][j])` over a `rows × columns` block whose rows are `ldc` apart, for
    /// `f` one of `NetCostExponentialFunction` (all built on one vector `e^x`).
    void (*exponential_map)(float *c, long ldc, long rows, long columns, int function);

    /// Runs `iterations` steps of ten independent multiply-add chains and returns a value
    /// that depends on all of them (so the loop is not optimized away): the peak probe.
    float (*multiply_add_chains)(long iterations, float seed);
} NetCostKernelSet;

/// The kernel sets this CPU can run, widest first: writes up to `capacity` pointers to
/// static sets into `sets` and returns how many there are (at least one).
int netcost_kernel_sets(const NetCostKernelSet **sets, int capacity);

/// Every kernel set this build contains, whether or not this CPU runs it (for messages).
int netcost_built_kernel_sets(const NetCostKernelSet **sets, int capacity);

/// One pause in a spin-wait loop (x86's `pause`, arm64's `yield`): tells the core that
/// the thread is waiting, so that a sibling hardware thread runs at full speed and the
/// loop does not flood the memory system with loads.
void netcost_spin_pause(void);

/// Asks the L2 cache for the `bytes` bytes at `address`, one request per 64-byte line,
/// without waiting for them: the block of packed weights the next panel will read.
void netcost_prefetch(const void *address, long bytes);

#ifdef __cplusplus
}
#endif

#endif
