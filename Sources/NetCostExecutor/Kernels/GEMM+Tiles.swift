// The GEMM's register tiles: a block of C held in SIMD registers while K streams
// through. Written out by hand (no arrays of vectors) so that every accumulator stays in
// a register; `tile` picks the shape the build's vector width affords.

extension GEMM {
    /// The register tile of this build: `panelRows` rows × 2 vectors.
    @inline(__always)
    static func tile(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ ldb: Int, _ kc: Int,
                     _ c: UnsafeMutablePointer<Float>, _ ldc: Int, accumulate: Bool, finish: Finish) {
        #if NETCOST_WIDE_VECTORS
        tile8(a, b, ldb, kc, c, ldc, accumulate: accumulate, finish: finish)
        #else
        tile6(a, b, ldb, kc, c, ldc, accumulate: accumulate, finish: finish)
        #endif
    }

    /// The register tile: 8 rows × 2 vectors of C, `kc` steps of K.
    @inline(__always)
    static func tile8(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ ldb: Int, _ kc: Int,
                      _ c: UnsafeMutablePointer<Float>, _ ldc: Int, accumulate: Bool, finish: Finish) {
        let w = Vector.scalarCount
        var c00 = Vector(), c01 = Vector(), c10 = Vector(), c11 = Vector(), c20 = Vector(), c21 = Vector()
        var c30 = Vector(), c31 = Vector(), c40 = Vector(), c41 = Vector(), c50 = Vector(), c51 = Vector()
        var c60 = Vector(), c61 = Vector(), c70 = Vector(), c71 = Vector()
        if accumulate {
            c00 = loadVector(c); c01 = loadVector(c + w)
            c10 = loadVector(c + ldc); c11 = loadVector(c + ldc + w)
            c20 = loadVector(c + 2 * ldc); c21 = loadVector(c + 2 * ldc + w)
            c30 = loadVector(c + 3 * ldc); c31 = loadVector(c + 3 * ldc + w)
            c40 = loadVector(c + 4 * ldc); c41 = loadVector(c + 4 * ldc + w)
            c50 = loadVector(c + 5 * ldc); c51 = loadVector(c + 5 * ldc + w)
            c60 = loadVector(c + 6 * ldc); c61 = loadVector(c + 6 * ldc + w)
            c70 = loadVector(c + 7 * ldc); c71 = loadVector(c + 7 * ldc + w)
        }
        var ap = a, bp = b
        for _ in 0..<kc {
            let b0 = loadVector(bp), b1 = loadVector(bp + w)
            var av = Vector(repeating: ap[0])
            c00 = c00.addingProduct(av, b0); c01 = c01.addingProduct(av, b1)
            av = Vector(repeating: ap[1])
            c10 = c10.addingProduct(av, b0); c11 = c11.addingProduct(av, b1)
            av = Vector(repeating: ap[2])
            c20 = c20.addingProduct(av, b0); c21 = c21.addingProduct(av, b1)
            av = Vector(repeating: ap[3])
            c30 = c30.addingProduct(av, b0); c31 = c31.addingProduct(av, b1)
            av = Vector(repeating: ap[4])
            c40 = c40.addingProduct(av, b0); c41 = c41.addingProduct(av, b1)
            av = Vector(repeating: ap[5])
            c50 = c50.addingProduct(av, b0); c51 = c51.addingProduct(av, b1)
            av = Vector(repeating: ap[6])
            c60 = c60.addingProduct(av, b0); c61 = c61.addingProduct(av, b1)
            av = Vector(repeating: ap[7])
            c70 = c70.addingProduct(av, b0); c71 = c71.addingProduct(av, b1)
            ap += 8
            bp += ldb
        }
        storeVector(c00, c); storeVector(c01, c + w)
        storeVector(c10, c + ldc); storeVector(c11, c + ldc + w)
        storeVector(c20, c + 2 * ldc); storeVector(c21, c + 2 * ldc + w)
        storeVector(c30, c + 3 * ldc); storeVector(c31, c + 3 * ldc + w)
        storeVector(c40, c + 4 * ldc); storeVector(c41, c + 4 * ldc + w)
        storeVector(c50, c + 5 * ldc); storeVector(c51, c + 5 * ldc + w)
        storeVector(c60, c + 6 * ldc); storeVector(c61, c + 6 * ldc + w)
        storeVector(c70, c + 7 * ldc); storeVector(c71, c + 7 * ldc + w)
        if finish.active { finishTile(c, ldc, finish) }
    }

    /// The register tile: 6 rows × 2 vectors of C, `kc` steps of K.
    @inline(__always)
    static func tile6(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ ldb: Int, _ kc: Int,
                               _ c: UnsafeMutablePointer<Float>, _ ldc: Int, accumulate: Bool, finish: Finish) {
        let w = Vector.scalarCount
        var c00 = Vector(), c01 = Vector(), c10 = Vector(), c11 = Vector(), c20 = Vector(), c21 = Vector()
        var c30 = Vector(), c31 = Vector(), c40 = Vector(), c41 = Vector(), c50 = Vector(), c51 = Vector()
        if accumulate {
            c00 = loadVector(c); c01 = loadVector(c + w)
            c10 = loadVector(c + ldc); c11 = loadVector(c + ldc + w)
            c20 = loadVector(c + 2 * ldc); c21 = loadVector(c + 2 * ldc + w)
            c30 = loadVector(c + 3 * ldc); c31 = loadVector(c + 3 * ldc + w)
            c40 = loadVector(c + 4 * ldc); c41 = loadVector(c + 4 * ldc + w)
            c50 = loadVector(c + 5 * ldc); c51 = loadVector(c + 5 * ldc + w)
        }
        var ap = a, bp = b
        for _ in 0..<kc {
            let b0 = loadVector(bp), b1 = loadVector(bp + w)
            var av = Vector(repeating: ap[0])
            c00 = c00.addingProduct(av, b0); c01 = c01.addingProduct(av, b1)
            av = Vector(repeating: ap[1])
            c10 = c10.addingProduct(av, b0); c11 = c11.addingProduct(av, b1)
            av = Vector(repeating: ap[2])
            c20 = c20.addingProduct(av, b0); c21 = c21.addingProduct(av, b1)
            av = Vector(repeating: ap[3])
            c30 = c30.addingProduct(av, b0); c31 = c31.addingProduct(av, b1)
            av = Vector(repeating: ap[4])
            c40 = c40.addingProduct(av, b0); c41 = c41.addingProduct(av, b1)
            av = Vector(repeating: ap[5])
            c50 = c50.addingProduct(av, b0); c51 = c51.addingProduct(av, b1)
            ap += 6
            bp += ldb
        }
        storeVector(c00, c); storeVector(c01, c + w)
        storeVector(c10, c + ldc); storeVector(c11, c + ldc + w)
        storeVector(c20, c + 2 * ldc); storeVector(c21, c + 2 * ldc + w)
        storeVector(c30, c + 3 * ldc); storeVector(c31, c + 3 * ldc + w)
        storeVector(c40, c + 4 * ldc); storeVector(c41, c + 4 * ldc + w)
        storeVector(c50, c + 5 * ldc); storeVector(c51, c + 5 * ldc + w)
        if finish.active { finishTile(c, ldc, finish) }
    }

    /// Adds the bias and clamps a just-stored tile, while it is in L1. A loop over memory
    /// rather than over the registers: SIMD values passed between functions go through
    /// the stack in pieces, which costs more than reloading the tile.
    @inline(__always)
    static func finishTile(_ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ finish: Finish) {
        let w = Vector.scalarCount
        let lo = Vector(repeating: finish.low), hi = Vector(repeating: finish.high)
        for row in 0..<panelRows {
            let shift = Vector(repeating: finish.shift(row))
            for half in 0..<2 {
                let p = c + row * ldc + half * w
                let shifted = loadVector(p) + shift
                // `replacing(with:where:)` compiles to vector compares and blends; the
                // generic pointwiseMin/Max go one lane at a time.
                let raised = shifted.replacing(with: lo, where: shifted .< lo)
                storeVector(raised.replacing(with: hi, where: raised .> hi), p)
            }
        }
    }
}
