// The kernels' bodies, written once for any vector width. A width's file defines
//   VEC      the vector type (`float` lanes, `vector_size(LANES · 4)`)
//   LANES    floats per vector
//   MR       rows of A per register tile
//   NV       vectors of B per register tile row (the tile is MR × NV·LANES)
//   MADD     (acc, x, y) → acc + x·y, fused where the width has FMA
//   FUSED    1 when MADD rounds once (FMA), else 0
//   KERNEL   (name) → the name with the width's suffix
//   SPREAD   floats per value of A in a packed panel: 1 (the default), or LANES when
//            A is stored broadcast, so that the tile loads each value as a vector
// then includes this file under a `#pragma clang attribute` that gives every function
// the width's `target` attribute. Nothing here may be called across widths: functions
// compiled for different targets only pass pointers and scalars to each other.

#ifndef SPREAD
#define SPREAD 1
#endif
#if SPREAD != 1 && SPREAD != LANES
#error "SPREAD is 1 or LANES"
#endif

static inline __attribute__((always_inline)) VEC KERNEL(load)(const float *p) {
    VEC v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((always_inline)) void KERNEL(store)(VEC v, float *p) {
    __builtin_memcpy(p, &v, sizeof v);
}

/// Every lane `x`. (Written as `x − 0`, which the compiler folds away; `0 + x` it may
/// not, since that turns −0 into +0.)
static inline __attribute__((always_inline)) VEC KERNEL(splat)(float x) {
    return x - (VEC){0};
}

/// Copies `count` floats that do not overlap: whole vectors, then one last vector that
/// overlaps the previous one (copying a float twice is harmless), so that the short rows
/// of small maps (7, 14, 28 wide) take a vector or two instead of a scalar loop.
static inline __attribute__((always_inline)) void KERNEL(copy)(float *target, const float *source, long count) {
    typedef float V4 __attribute__((vector_size(16)));
    if (count >= LANES) {
        long j = 0;
        for (; j + LANES <= count; j += LANES) KERNEL(store)(KERNEL(load)(source + j), target + j);
        if (j < count) KERNEL(store)(KERNEL(load)(source + count - LANES), target + count - LANES);
    } else if (count >= 4) {
        V4 v;
        long j = 0;
        for (; j + 4 <= count; j += 4) {
            __builtin_memcpy(&v, source + j, sizeof v);
            __builtin_memcpy(target + j, &v, sizeof v);
        }
        if (j < count) {
            __builtin_memcpy(&v, source + count - 4, sizeof v);
            __builtin_memcpy(target + count - 4, &v, sizeof v);
        }
    } else {
        for (long j = 0; j < count; j++) target[j] = source[j];
    }
}

/// `v` clamped to [low, high], keeping a NaN a NaN (as PyTorch's clamp does). A width
/// may define VMAX/VMIN as x86's max/min instructions, which return their second operand
/// when either is NaN: with `v` second, two instructions. Otherwise compare and select.
static inline __attribute__((always_inline)) VEC KERNEL(clamp)(VEC v, VEC low, VEC high) {
#if defined(VMAX)
    return VMIN(high, VMAX(low, v));
#else
    typedef int IVEC __attribute__((vector_size(sizeof(VEC))));
    IVEC below = (IVEC)(v < low), above = (IVEC)(v > high);
    IVEC bits = ((IVEC)v & ~below) | ((IVEC)low & below);
    bits = (bits & ~above) | ((IVEC)high & above);
    return (VEC)bits;
#endif
}

/// The register tile: `mr` rows (at most MR) × `nv` vectors, both constants where it is
/// inlined, so that each shape of tile compiles to its own loop with every accumulator
/// in a register. A's panel holds MR rows per step whatever `mr` is.
static inline __attribute__((always_inline)) void KERNEL(tile_core)(const float *a, const float *b, long ldb, long depth, float *c, long ldc,
                                                                      int accumulate, int finish, const float *bias, int bias_rows,
                                                                      float low, float high, const int mr, const int nv) {
    VEC acc[MR][NV];
    for (int i = 0; i < mr; i++) {
        for (int v = 0; v < nv; v++) acc[i][v] = accumulate ? KERNEL(load)(c + i * ldc + v * LANES) : KERNEL(splat)(0);
    }
    for (long k = 0; k < depth; k++) {
        VEC bv[NV];
#pragma unroll
        for (int v = 0; v < nv; v++) bv[v] = KERNEL(load)(b + v * LANES);
#pragma unroll
        for (int i = 0; i < mr; i++) {
            VEC ai = SPREAD == 1 ? KERNEL(splat)(a[i]) : KERNEL(load)(a + i * SPREAD);
#pragma unroll
            for (int v = 0; v < nv; v++) acc[i][v] = MADD(acc[i][v], ai, bv[v]);
        }
        a += MR * SPREAD;
        b += ldb;
    }
    if (finish) {
        VEC lo = KERNEL(splat)(low), hi = KERNEL(splat)(high);
        for (int i = 0; i < mr; i++) {
            VEC shift = KERNEL(splat)(bias && i < bias_rows ? bias[i] : 0);
            for (int v = 0; v < nv; v++) acc[i][v] = KERNEL(clamp)(acc[i][v] + shift, lo, hi);
        }
    }
    for (int i = 0; i < mr; i++) {
        for (int v = 0; v < nv; v++) KERNEL(store)(acc[i][v], c + i * ldc + v * LANES);
    }
}

static void KERNEL(gemm_tile)(const float *a, const float *b, long ldb, long depth, float *c, long ldc, long rows, long columns,
                              int accumulate, int finish, const float *bias, float low, float high) {
    if (rows == MR && columns == NV * LANES) {
        if (ldb == NV * LANES) KERNEL(tile_core)(a, b, NV * LANES, depth, c, ldc, accumulate, finish, bias, MR, low, high, MR, NV);
        else KERNEL(tile_core)(a, b, ldb, depth, c, ldc, accumulate, finish, bias, MR, low, high, MR, NV);
        return;
    }
    // Fewer whole vectors (the last tile of a row of 16 or 48 columns) or fewer rows (the
    // last panel of 64 rows in panels of 6): a smaller tile, in registers all the same.
    if (columns == NV * LANES || columns == LANES) {
        int nv = columns == LANES ? 1 : NV;
#define TILE_ROWS(R) \
    case R: \
        if (nv == 1) KERNEL(tile_core)(a, b, ldb, depth, c, ldc, accumulate, finish, bias, R, low, high, R, 1); \
        else KERNEL(tile_core)(a, b, ldb, depth, c, ldc, accumulate, finish, bias, R, low, high, R, NV); \
        return;
        switch (rows) {
            TILE_ROWS(1) TILE_ROWS(2) TILE_ROWS(3) TILE_ROWS(4) TILE_ROWS(5) TILE_ROWS(6)
#if MR > 6
            TILE_ROWS(7) TILE_ROWS(8)
#endif
#if MR > 8
#error "TILE_ROWS covers panels of at most 8 rows"
#endif
        }
#undef TILE_ROWS
    }
#if NV > 2
    if (rows == MR && columns % LANES == 0) {
        for (long v = 0; v < columns / LANES; v++)
            KERNEL(tile_core)(a, b + v * LANES, ldb, depth, c + v * LANES, ldc, accumulate, finish, bias, MR, low, high, MR, 1);
        return;
    }
#endif
    // A ragged tile at the matrix's edge: computed whole in a local tile, and only its
    // `rows × columns` corner read from and written to C.
    float edge[MR * NV * LANES];
    for (long i = 0; i < MR; i++) {
        for (long j = 0; j < NV * LANES; j++) edge[i * NV * LANES + j] = accumulate && i < rows && j < columns ? c[i * ldc + j] : 0;
    }
    KERNEL(tile_core)(a, b, ldb, depth, edge, NV * LANES, accumulate, finish, bias, (int)rows, low, high, MR, NV);
    for (long i = 0; i < rows; i++) {
        for (long j = 0; j < columns; j++) c[i * ldc + j] = edge[i * NV * LANES + j];
    }
}

static void KERNEL(pack_tile)(const float *source, long ldb, long depth, long columns, float *destination) {
    if (columns == NV * LANES) {
        for (long k = 0; k < depth; k++) {
            const float *row = source + k * ldb;
            float *target = destination + k * NV * LANES;
            for (int v = 0; v < NV; v++) KERNEL(store)(KERNEL(load)(row + v * LANES), target + v * LANES);
        }
        return;
    }
    for (long k = 0; k < depth; k++) {
        float *target = destination + k * NV * LANES;
        for (long j = 0; j < columns; j++) target[j] = source[k * ldb + j];
        for (long j = columns; j < NV * LANES; j++) target[j] = 0;
    }
}

/// Eight floats: a panel's rows (at most eight) side by side, whatever the width.
typedef float RVEC __attribute__((vector_size(32)));

/// `g` panels of A (MR rows each, `depth` apart in MR-float steps) times `j` columns of B:
/// the rows go down the vector, so a column costs one multiply-add per panel and step
/// instead of a tile's width. Loads 8 floats where a panel has MR: the reads past a panel
/// land in the next one, or in the padding PackedMatrix leaves after the last.
static inline __attribute__((always_inline)) void KERNEL(columns_core)(const float *a, long depth, const float *b, long ldb, float *c,
                                                                         long ldc, long rows, int finish, const float *bias, float low,
                                                                         float high, const int g, const int j) {
    RVEC acc[4][2];
    for (int p = 0; p < g; p++) {
        for (int q = 0; q < j; q++) acc[p][q] = (RVEC){0};
    }
    for (long k = 0; k < depth; k++) {
        RVEC column[2];
#pragma unroll
        for (int q = 0; q < j; q++) column[q] = b[k * ldb + q] - (RVEC){0};
#pragma unroll
        for (int p = 0; p < g; p++) {
            RVEC panel;  // copied, not returned: an 8-float return value changes the ABI on SSE2
            if (SPREAD == 1) {
                __builtin_memcpy(&panel, a + p * MR * depth + k * MR, sizeof panel);
            } else {
                panel = (RVEC){0};
                for (int i = 0; i < MR && i < 8; i++) panel[i] = a[(p * MR * depth + k * MR + i) * SPREAD];
            }
#pragma unroll
            for (int q = 0; q < j; q++) acc[p][q] = MADD(acc[p][q], panel, column[q]);
        }
    }
    for (int p = 0; p < g; p++) {
        for (int i = 0; i < MR && p * MR + i < rows; i++) {
            long row = p * MR + i;
            for (int q = 0; q < j; q++) {
                float value = acc[p][q][i];
                if (finish) {
                    value += bias ? bias[row] : 0;
                    value = value < low ? low : (value > high ? high : value);
                }
                c[row * ldc + q] = value;
            }
        }
    }
}

static void KERNEL(gemm_columns)(const float *a, long panels, long depth, const float *b, long ldb, long columns, float *c, long ldc,
                                 long rows, int finish, const float *bias, float low, float high) {
    for (long p = 0; p < panels; p += 4) {
        int g = panels - p < 4 ? (int)(panels - p) : 4;
        const float *ap = a + p * MR * depth * SPREAD, *bp = bias ? bias + p * MR : 0;
        float *cp = c + p * MR * ldc;
        long left = rows - p * MR;
        for (long q = 0; q < columns; q += 2) {
            int j = columns - q < 2 ? 1 : 2;
#define COLUMNS_CASE(G, J) if (g == G && j == J) KERNEL(columns_core)(ap, depth, b + q, ldb, cp + q, ldc, left, finish, bp, low, high, G, J)
            COLUMNS_CASE(4, 2); else COLUMNS_CASE(4, 1); else COLUMNS_CASE(3, 2); else COLUMNS_CASE(3, 1);
            else COLUMNS_CASE(2, 2); else COLUMNS_CASE(2, 1); else COLUMNS_CASE(1, 2); else COLUMNS_CASE(1, 1);
#undef COLUMNS_CASE
        }
    }
}

static inline __attribute__((always_inline)) void KERNEL(depthwise_row)(long taps, const float *base, const long *offsets,
                                                                          const float *weight, float bias, float low, float high,
                                                                          float *out, long count) {
    VEC lo = KERNEL(splat)(low), hi = KERNEL(splat)(high), start = KERNEL(splat)(bias);
    if (taps == 9) {
        // A 3×3 kernel keeps its nine weights in registers.
        VEC w[9];
        const float *p[9];
        for (int t = 0; t < 9; t++) {
            w[t] = KERNEL(splat)(weight[t]);
            p[t] = base + offsets[t];
        }
        for (long x = 0; x < count; x += LANES) {
            VEC sum = start;
#pragma unroll
            for (int t = 0; t < 9; t++) sum = MADD(sum, w[t], KERNEL(load)(p[t] + x));
            KERNEL(store)(KERNEL(clamp)(sum, lo, hi), out + x);
        }
        return;
    }
    for (long x = 0; x < count; x += LANES) {
        VEC sum = start;
        for (long t = 0; t < taps; t++) sum = MADD(sum, KERNEL(splat)(weight[t]), KERNEL(load)(base + offsets[t] + x));
        KERNEL(store)(KERNEL(clamp)(sum, lo, hi), out + x);
    }
}

/// One input plane into its zero-padded phase planes (see NetCostDepthwisePlan): only
/// the input's own values are written; the padding was zeroed once for the layer.
/// The even and the odd floats of the `2·LANES` floats at `source`, each as a vector.
static inline __attribute__((always_inline)) void KERNEL(deinterleave)(const float *source, VEC *evens, VEC *odds) {
    VEC first = KERNEL(load)(source), second = KERNEL(load)(source + LANES);
#if LANES == 16
    *evens = __builtin_shufflevector(first, second, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    *odds = __builtin_shufflevector(first, second, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
#elif LANES == 8
    *evens = __builtin_shufflevector(first, second, 0, 2, 4, 6, 8, 10, 12, 14);
    *odds = __builtin_shufflevector(first, second, 1, 3, 5, 7, 9, 11, 13, 15);
#else
    *evens = __builtin_shufflevector(first, second, 0, 2, 4, 6);
    *odds = __builtin_shufflevector(first, second, 1, 3, 5, 7);
#endif
}

/// One input row of `width` floats into the two column phases of its zero-padded
/// version (stride 2), in one read: input column 2m goes to phase `pad_left % 2` at
/// `m + pad_left / 2`, column 2m + 1 to the other phase at `m + (pad_left + 1) / 2`;
/// neither phase is written past `phase_width`.
static inline __attribute__((always_inline)) void KERNEL(split_row)(const float *source, long width, long pad_left,
                                                                      float *phase0, float *phase1, long phase_width) {
    float *even_line = pad_left % 2 == 0 ? phase0 : phase1, *odd_line = pad_left % 2 == 0 ? phase1 : phase0;
    long even_start = pad_left / 2, odd_start = (pad_left + 1) / 2;
    long evens = (width + 1) / 2, odds = width / 2;
    if (evens > phase_width - even_start) evens = phase_width - even_start;
    if (odds > phase_width - odd_start) odds = phase_width - odd_start;
    long both = evens < odds ? evens : odds, m = 0;
    for (; m + LANES <= both && 2 * (m + LANES) <= width; m += LANES) {
        VEC e, o;
        KERNEL(deinterleave)(source + 2 * m, &e, &o);
        KERNEL(store)(e, even_line + even_start + m);
        KERNEL(store)(o, odd_line + odd_start + m);
    }
    // The rest: one vector ending at `both`, overlapping the last (writing a value twice
    // is harmless), then four lanes at a time, so that short rows (14, 28, 56 wide) are
    // not split float by float.
    if (m < both && m >= LANES && 2 * both <= width) {
        VEC e, o;
        KERNEL(deinterleave)(source + 2 * (both - LANES), &e, &o);
        KERNEL(store)(e, even_line + even_start + both - LANES);
        KERNEL(store)(o, odd_line + odd_start + both - LANES);
        m = both;
    }
    typedef float V4 __attribute__((vector_size(16)));
    while (m < both && both >= 4 && 2 * both <= width) {
        long at = m + 4 <= both ? m : both - 4;
        m = at + 4;
        V4 first, second;
        __builtin_memcpy(&first, source + 2 * at, sizeof first);
        __builtin_memcpy(&second, source + 2 * at + 4, sizeof second);
        V4 e = __builtin_shufflevector(first, second, 0, 2, 4, 6), o = __builtin_shufflevector(first, second, 1, 3, 5, 7);
        __builtin_memcpy(even_line + even_start + at, &e, sizeof e);
        __builtin_memcpy(odd_line + odd_start + at, &o, sizeof o);
    }
    for (long j = m; j < evens; j++) even_line[even_start + j] = source[2 * j];
    for (long j = m; j < odds; j++) odd_line[odd_start + j] = source[2 * j + 1];
}

static inline __attribute__((always_inline)) void KERNEL(depthwise_layout)(const NetCostDepthwisePlan *p, const float *plane,
                                                                             float *padded) {
    long sw = p->stride_width, phase_plane = p->phase_rows * p->phase_width;
    if (sw == 2) {
        for (long row_phase = 0; row_phase < p->stride_height; row_phase++) {
            for (long row = 0; row < p->phase_rows; row++) {
                long iy = row * p->stride_height + row_phase - p->pad_top;
                if (iy < 0 || iy >= p->height) continue;
                float *line = padded + (row_phase * 2 * p->phase_rows + row) * p->phase_width;
                KERNEL(split_row)(plane + iy * p->width, p->width, p->pad_left, line, line + phase_plane, p->phase_width);
            }
        }
        return;
    }
    // Column phase q holds padded columns q, q + sw, …: input column j·sw + q − pad_left,
    // inside the input for j in [first, end). The same for every row, so found once.
    for (long q = 0; q < sw; q++) {
        long first = q >= p->pad_left ? 0 : (p->pad_left - q + sw - 1) / sw;
        long end = (p->width + p->pad_left - q + sw - 1) / sw;
        if (end > p->phase_width) end = p->phase_width;
        for (long row_phase = 0; row_phase < p->stride_height; row_phase++) {
            for (long row = 0; row < p->phase_rows; row++) {
                long iy = row * p->stride_height + row_phase - p->pad_top;
                if (iy < 0 || iy >= p->height) continue;
                const float *start = plane + iy * p->width + q - p->pad_left;
                float *target = padded + (row_phase * sw * p->phase_rows + row) * p->phase_width + q * phase_plane;
                if (sw == 1) {
                    if (end > first) KERNEL(copy)(target + first, start + first, end - first);
                } else {
                    for (long j = first; j < end; j++) target[j] = start[j * sw];
                }
            }
        }
    }
}

static void KERNEL(depthwise_channel)(const NetCostDepthwisePlan *p, const float *plane, float *padded, float *row,
                                      long multiplier, const float *weights, const float *biases, float *outputs) {
    KERNEL(depthwise_layout)(p, plane, padded);
    long out_plane = p->out_height * p->out_width;
    for (long m = 0; m < multiplier; m++) {
        const float *weight = weights + m * p->taps;
        float bias = biases ? biases[m] : 0;
        float *output = outputs + m * out_plane;
        if (p->flat) {
            // The padded plane walked as one row; the columns past each output row dropped.
            KERNEL(depthwise_row)(p->taps, padded, p->offsets, weight, bias, p->low, p->high, row, p->row_length);
            for (long oy = 0; oy < p->out_height; oy++) {
                KERNEL(copy)(output + oy * p->out_width, row + oy * p->phase_width, p->out_width);
            }
            continue;
        }
        long whole = p->out_width / LANES * LANES;
        for (long oy = 0; oy < p->out_height; oy++) {
            const float *base = padded + oy * p->phase_width;
            float *line = output + oy * p->out_width;
            KERNEL(depthwise_row)(p->taps, base, p->offsets, weight, bias, p->low, p->high, line, whole);
            if (whole < p->out_width) {
                KERNEL(depthwise_row)(p->taps, base + whole, p->offsets, weight, bias, p->low, p->high, row, LANES);
                KERNEL(copy)(line + whole, row, p->out_width - whole);
            }
        }
    }
}

static float KERNEL(dot)(const float *a, const float *b, long count) {
    VEC lanes0 = KERNEL(splat)(0), lanes1 = KERNEL(splat)(0);
    long i = 0;
    for (; i + NV * LANES <= count; i += NV * LANES) {
        lanes0 = MADD(lanes0, KERNEL(load)(a + i), KERNEL(load)(b + i));
        lanes1 = MADD(lanes1, KERNEL(load)(a + i + LANES), KERNEL(load)(b + i + LANES));
    }
    for (; i + LANES <= count; i += LANES) lanes0 = MADD(lanes0, KERNEL(load)(a + i), KERNEL(load)(b + i));
    VEC lanes = lanes0 + lanes1;
    float sum = 0;
    for (int j = 0; j < LANES; j++) sum += lanes[j];
    for (; i < count; i++) sum += a[i] * b[i];
    return sum;
}

static void KERNEL(axpy)(float scale, const float *x, float *y, long count) {
    VEC s = KERNEL(splat)(scale);
    long i = 0;
    for (; i + LANES <= count; i += LANES) KERNEL(store)(MADD(KERNEL(load)(y + i), s, KERNEL(load)(x + i)), y + i);
    for (; i < count; i++) y[i] += scale * x[i];
}

/// `e^x` per lane, within about 1.5 ulp of the exact value for x in [−87, 88]; beyond,
/// x is clamped, so the result stays finite and normal; a NaN stays a NaN. x = n·ln 2 + r
/// with n the integer nearest x/ln 2 (adding 1.5·2²³ rounds it in the float unit), e^r by
/// its Taylor series to r⁷ (|r| ≤ ln 2 / 2: the first term left out is below 6·10⁻⁹ of
/// the result), and 2ⁿ written straight into the exponent bits.
static inline __attribute__((always_inline)) VEC KERNEL(exponential)(VEC x) {
    typedef int IVEC __attribute__((vector_size(sizeof(VEC))));
    const float shifter = 12582912.0f;
    VEC v = KERNEL(clamp)(x, KERNEL(splat)(-87.0f), KERNEL(splat)(88.0f));
    VEC shifted = MADD(KERNEL(splat)(shifter), v, KERNEL(splat)(1.44269504f));
    VEC n = shifted - shifter;
    // ln 2 in two parts, the first exact in a float's top bits, so that n·ln 2 loses nothing.
    VEC r = MADD(MADD(v, n, KERNEL(splat)(-0.693359375f)), n, KERNEL(splat)(2.12194440e-4f));
    VEC p = KERNEL(splat)(1.0f / 5040);
    p = MADD(KERNEL(splat)(1.0f / 720), p, r);
    p = MADD(KERNEL(splat)(1.0f / 120), p, r);
    p = MADD(KERNEL(splat)(1.0f / 24), p, r);
    p = MADD(KERNEL(splat)(1.0f / 6), p, r);
    p = MADD(KERNEL(splat)(0.5f), p, r);
    p = MADD(KERNEL(splat)(1.0f), p, r);
    p = MADD(KERNEL(splat)(1.0f), p, r);
    IVEC exponent = ((IVEC)shifted - (IVEC)KERNEL(splat)(shifter) + 127) << 23;
    return p * (VEC)exponent;
}

static inline __attribute__((always_inline)) VEC KERNEL(exponential_function)(VEC x, int function) {
    switch (function) {
    case NETCOST_SIGMOID: return 1.0f / (1.0f + KERNEL(exponential)(-x));
    case NETCOST_SWISH: return x / (1.0f + KERNEL(exponential)(-x));
    case NETCOST_TANH: {
        // 1 − 2/(1 + e^2x) cancels near 0; there (|x| < 1/4) the series to x⁹, whose first
        // term left out is below 10⁻⁸ of the result.
        typedef int IVEC __attribute__((vector_size(sizeof(VEC))));
        VEC far = 1.0f - 2.0f / (1.0f + KERNEL(exponential)(x + x));
        VEC x2 = x * x;
        VEC series = MADD(KERNEL(splat)(-17.0f / 315), x2, KERNEL(splat)(62.0f / 2835));
        series = MADD(KERNEL(splat)(-1.0f / 3), x2, MADD(KERNEL(splat)(2.0f / 15), x2, series));
        VEC near = MADD(x, x * x2, series);
        IVEC small = (IVEC)(x2 < KERNEL(splat)(0.0625f));
        return (VEC)(((IVEC)near & small) | ((IVEC)far & ~small));
    }
    default: return KERNEL(exponential)(x);
    }
}

static void KERNEL(exponential_map)(float *c, long ldc, long rows, long columns, int function) {
    for (long row = 0; row < rows; row++) {
        float *line = c + row * ldc;
        long i = 0;
        for (; i + LANES <= columns; i += LANES) KERNEL(store)(KERNEL(exponential_function)(KERNEL(load)(line + i), function), line + i);
        if (i < columns) {
            // The last part of a vector through a whole one, so that every element is
            // computed alike wherever it falls.
            float last[LANES] = {0};
            for (long j = i; j < columns; j++) last[j - i] = line[j];
            KERNEL(store)(KERNEL(exponential_function)(KERNEL(load)(last), function), last);
            for (long j = i; j < columns; j++) line[j] = last[j - i];
        }
    }
}

static float KERNEL(multiply_add_chains)(long iterations, float seed) {
    VEC a = KERNEL(splat)(0.999999f), b = KERNEL(splat)(1e-7f * (seed + 1));
    VEC c[10];
    for (int j = 0; j < 10; j++) c[j] = KERNEL(splat)((float)(j + 1));
    for (long n = 0; n < iterations; n++) {
#pragma unroll
        for (int j = 0; j < 10; j++) c[j] = MADD(c[j], a, b);
    }
    VEC total = c[0];
    for (int j = 1; j < 10; j++) total += c[j];
    float sum = 0;
    for (int j = 0; j < LANES; j++) sum += total[j];
    return sum;
}

#define KERNEL_SET(label, needs) { \
    .name = label, .requirement = needs, .lanes = LANES, .panel_rows = MR, .tile_columns = NV * LANES, .a_spread = SPREAD, \
    .fused_multiply_add = FUSED, \
    .gemm_tile = KERNEL(gemm_tile), .gemm_columns = KERNEL(gemm_columns), .pack_tile = KERNEL(pack_tile), .depthwise_channel = KERNEL(depthwise_channel), .dot = KERNEL(dot), \
    .axpy = KERNEL(axpy), .exponential_map = KERNEL(exponential_map), .multiply_add_chains = KERNEL(multiply_add_chains) }
