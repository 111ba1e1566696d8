import NetCost
import NetCostKernels
// The matrix product at the heart of convolutions and linear layers: C = A·B, with A
// the weights (packed once, when the graph is prepared) and B the activations (a 1×1
// convolution's input, or im2col's columns), copied tile by tile into a contiguous
// buffer. The kernel set's register tile (a C function compiled for its vector width)
// of `panelRows` rows by two vectors of columns accumulates over blocks of K; both cores
// take column strips (or row panels when the strips would be too few).

/// A's rows in panels of the kernel set's `panelRows`: panel `p` stores, for each k,
/// its rows' values side by side, zero-padded past the last row; each value `spread`
/// times over when the set loads A broadcast (SSE2).
final class PackedMatrix: @unchecked Sendable {
    let rows: Int
    let depth: Int
    let panelRows: Int
    let panels: Int
    let spread: Int
    let data: UnsafeMutablePointer<Float>

    /// Packs the `rows × depth` matrix whose element (i, k) is `source[i·rowStride + k·depthStride]`
    /// for `kernels`' register tile.
    init(source: UnsafePointer<Float>, rows: Int, depth: Int, rowStride: Int, depthStride: Int, kernels: KernelSet) {
        self.rows = rows
        self.depth = depth
        panelRows = kernels.panelRows
        panels = (rows + panelRows - 1) / panelRows
        spread = kernels.aSpread
        // MemoryPlan counted this size, without overflow, before the graph was prepared.
        guard let count = try? Self.floats(rows: rows, depth: depth, kernels: kernels) else {
            preconditionFailure("a packed matrix's size overflows: MemoryPlan checks it first")
        }
        data = HostMemory.allocate(count)
        data.initialize(repeating: 0, count: count)
        for row in 0..<rows {
            let panel = row / panelRows, lane = row % panelRows
            let destination = data + (panel * panelRows * depth + lane) * spread
            for k in 0..<depth {
                let value = source[row * rowStride + k * depthStride]
                for copy in 0..<spread { destination[k * panelRows * spread + copy] = value }
            }
        }
    }

    deinit { HostMemory.release(data) }

    /// Floats a `rows × depth` matrix takes packed for `kernels`: whole panels, each value
    /// `aSpread` times, and eight floats of padding (the column kernel reads a panel's
    /// rows eight at a time).
    static func floats(rows: Int, depth: Int, kernels: KernelSet) throws(SizeOverflow) -> Int {
        let panels = rows / kernels.panelRows + (rows % kernels.panelRows == 0 ? 0 : 1)
        return try product(panels, kernels.panelRows, depth, kernels.aSpread).adding(8)
    }

    /// Panel `panel` from step `k` on.
    func panel(_ panel: Int, from k: Int = 0) -> UnsafePointer<Float> {
        UnsafePointer(data + (panel * depth + k) * panelRows * spread)
    }

    /// Floats of one panel's `steps` steps.
    func panelFloats(steps: Int) -> Int { steps * panelRows * spread }
}

/// What the last K block of a tile does before storing: add the rows' bias and clamp.
struct Finish: @unchecked Sendable {
    var bias: UnsafePointer<Float>?
    var low: Float = 0
    var high: Float = 0
    var active = false

    static let none = Finish()

    init() {}

    init(bias: UnsafePointer<Float>?, low: Float, high: Float) {
        self.bias = bias
        self.low = low
        self.high = high
        active = true
    }
}

/// Where a sweep finds B's tiles: packed, `tileFloats` apart, or read in place (rows
/// `ldb` apart) with only a ragged tile packed (then `tileFloats` is 0).
struct BTiles {
    let packed: UnsafePointer<Float>
    let tileFloats: Int
    var inPlace: UnsafePointer<Float>?
    var ldb = 0

    init(packed: UnsafeMutablePointer<Float>, tileFloats: Int, inPlace: UnsafeMutablePointer<Float>? = nil, ldb: Int = 0) {
        self.packed = UnsafePointer(packed)
        self.tileFloats = tileFloats
        self.inPlace = inPlace.map { UnsafePointer($0) }
        self.ldb = ldb
    }

    /// The tile in slot `slot` (at `column` of B), and its row stride; `wholeVectors`
    /// when its columns are a whole number of vectors, which can be read in place.
    @inline(__always)
    func tile(slot: Int, column: Int, wholeVectors: Bool, tileColumns: Int) -> (UnsafePointer<Float>, Int) {
        if let inPlace, wholeVectors { return (inPlace + column, ldb) }
        return (packed + slot * tileFloats, tileColumns)
    }
}

/// `count` floats on a cache-line boundary, so that no vector load of a packed tile
/// (whose rows are whole cache lines) is split across two lines.
func allocateAligned(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        .bindMemory(to: Float.self, capacity: max(count, 1))
}

/// The matrix product with one kernel set's register tile.
struct GEMM: Sendable {
    let kernels: KernelSet
    /// The depth of each K block: `depth` cut into equal blocks (144 as 72 + 72, not
    /// 128 + 16) of at most 256, or at most 128 when B has at most 64 columns (a 7×7
    /// map), and never so deep that a panel's block of A passes 8 KiB (AVX-512's 8 rows
    /// × 256 steps). On a 7×7 map the B rows one panel sweeps, 128 × 64 floats at most,
    /// then stay in L1 for the next panel, where 256 would read them from L2 for every
    /// panel: with 6-row AVX2 panels that cost 960→160 and 320→1280 convolutions 12% and
    /// 5%. On wider maps deeper blocks win: each block past the first reads and writes C
    /// once more. The bound on A binds only SSE2, whose panels hold each value four times
    /// over (blocks of at most 85): as deep as the others', they made ResNet-18 1.10×
    /// and MobileNetV2 1.05× slower on one core.
    static func depthBlock(depth: Int, columns: Int, panelBytesPerStep: Int = 0) -> Int {
        let fitsL1 = panelBytesPerStep > 0 ? 8 * 1024 / panelBytesPerStep : Int.max
        let maximum = max(1, min(columns <= 64 ? 128 : 256, fitsL1))
        let blocks = max(1, (depth + maximum - 1) / maximum)
        return max(1, (depth + blocks - 1) / blocks)
    }

    /// The depth of `a`'s K blocks against `columns` columns of B.
    static func depthBlock(_ a: PackedMatrix, columns: Int) -> Int {
        depthBlock(depth: a.depth, columns: columns, panelBytesPerStep: a.panelFloats(steps: 1) * MemoryLayout<Float>.stride)
    }

    init(_ kernels: KernelSet) {
        self.kernels = kernels
    }

    /// Rows of A per panel and columns of B per tile: the register tile's shape.
    private var panelRows: Int { kernels.panelRows }
    private var tileColumns: Int { kernels.tileColumns }

    /// The columns the register tiles take: all, or all but a last few past a whole
    /// vector (at most half a vector), which the column kernel takes with the rows down
    /// the vector. A 7×7 map's 49th column would cost a tile a whole vector per row.
    private func tiledColumns(_ n: Int) -> Int {
        let rest = n % kernels.lanes
        return rest <= kernels.lanes / 2 ? n - rest : n
    }

    private func tileCount(_ n: Int) -> Int { (tiledColumns(n) + tileColumns - 1) / tileColumns }

    /// Whether the last tile's columns are not a whole number of vectors, so that it is
    /// packed (zero-padded) even when the others are read in place.
    private func lastTileIsRagged(_ n: Int) -> Bool { tiledColumns(n) % kernels.lanes != 0 }

    /// The rows of A's panels `panels` times B, on the calling thread: `c` holds C from
    /// the first of those panels' rows on.
    func multiply(_ a: PackedMatrix, panels: Range<Int>, b: UnsafePointer<Float>, ldb: Int, n: Int,
                  c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: Epilogue) {
        precondition(a.panelRows == panelRows, "A was packed for another kernel set")
        strip(a, b, ldb, n, c, ldc, epilogue, tiles: 0..<tileCount(n), panels: panels, cFirstRow: panels.lowerBound * panelRows)
    }

    /// `C[rows, n] = A·B` (then `epilogue`), B being `depth × n` with rows `ldb` apart
    /// and C rows `ldc` apart.
    func multiply(_ a: PackedMatrix, b: UnsafePointer<Float>, ldb: Int, n: Int,
                  c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: Epilogue) {
        precondition(a.panelRows == panelRows, "A was packed for another kernel set")
        let depthBlock = Self.depthBlock(a, columns: n)
        let tiles = tileCount(n)
        let work = a.rows * n * a.depth
        let bShared = SharedPointer(UnsafeMutablePointer(mutating: b)), cShared = SharedPointer(c)
        if work < 32_768 || Parallel.workers == 1 || tiles == 0 && a.panels < 2 * Parallel.workers {
            strip(a, bShared.base, ldb, n, cShared.base, ldc, epilogue, tiles: 0..<tiles, panels: 0..<a.panels)
        } else if tiles >= 4 * Parallel.workers || a.panels < 2 * Parallel.workers {
            // Column strips share nothing: shrinking ones let the workers finish together.
            let parts = Parallel.guidedChunks(tiles, grain: 2)
            Parallel.forEach(parts.count) { part in
                strip(a, bShared.base, ldb, n, cShared.base, ldc, epilogue, tiles: parts[part], panels: 0..<a.panels)
            }
        } else if Self.readsInPlace(ldb: ldb, depth: a.depth) {
            // Few columns (a 7×7 or 14×14 map): the workers take row panels and read B's
            // tiles in place; only a ragged last tile is packed, per K block.
            let blocks = (a.depth + depthBlock - 1) / depthBlock
            let tileFloats = depthBlock * tileColumns
            let ragged = SharedPointer(allocateAligned(blocks * tileFloats))
            defer { ragged.base.deallocate() }
            if lastTileIsRagged(n) {
                let column = (tiles - 1) * tileColumns
                for block in 0..<blocks {
                    let k0 = block * depthBlock
                    kernels.packTile(bShared.base + k0 * ldb + column, ldb: ldb, depth: min(depthBlock, a.depth - k0),
                                     columns: tiledColumns(n) - column, into: ragged.base + block * tileFloats)
                }
            }
            let parts = Parallel.chunks(a.panels, grain: 2, perWorker: 4)
            Parallel.forEach(parts.count) { part in
                for block in 0..<blocks {
                    let k0 = block * depthBlock
                    let source = BTiles(packed: ragged.base + block * tileFloats, tileFloats: 0, inPlace: bShared.base + k0 * ldb, ldb: ldb)
                    sweep(a, b: source, tiles: 0..<tiles, panels: parts[part], k0: k0, kc: min(depthBlock, a.depth - k0), n: n,
                          c: cShared.base, ldc: ldc, epilogue: epilogue)
                }
                lastColumns(a, bShared.base, ldb, n, cShared.base, ldc, epilogue, panels: parts[part])
            }
        } else {
            // Few columns whose rows lie far apart: B is packed once, whole, by both
            // workers, and the workers share it while they take row panels.
            let blocks = (a.depth + depthBlock - 1) / depthBlock
            let tileFloats = depthBlock * tileColumns
            let packed = SharedPointer(allocateAligned(blocks * tiles * tileFloats))
            defer { packed.base.deallocate() }
            Parallel.forEach(blocks * tiles) { item in
                let block = item / tiles, tile = item % tiles
                let k0 = block * depthBlock, kc = min(depthBlock, a.depth - k0)
                let column = tile * tileColumns
                kernels.packTile(bShared.base + k0 * ldb + column, ldb: ldb, depth: kc, columns: min(tileColumns, tiledColumns(n) - column),
                                 into: packed.base + item * tileFloats)
            }
            let parts = Parallel.chunks(a.panels, grain: 2, perWorker: 4)
            Parallel.forEach(parts.count) { part in
                for block in 0..<blocks {
                    let k0 = block * depthBlock
                    let source = BTiles(packed: packed.base + block * tiles * tileFloats, tileFloats: tileFloats)
                    sweep(a, b: source, tiles: 0..<tiles, panels: parts[part], k0: k0, kc: min(depthBlock, a.depth - k0), n: n,
                          c: cShared.base, ldc: ldc, epilogue: epilogue)
                }
                lastColumns(a, bShared.base, ldb, n, cShared.base, ldc, epilogue, panels: parts[part])
            }
        }
    }

    /// Whether B's tiles are read where they lie: when its rows are at most a page apart
    /// (a map of up to 32×32), or when there are few of them (a depth of at most 64: a
    /// 1×1 convolution from 16 or 32 channels, a stem's 27-row im2col), and not a multiple
    /// of 4 KiB apart (which would put them all in one cache set). Otherwise every row of
    /// a tile is a new page, and copying the tiles into a packed buffer costs less than
    /// the misses.
    static func readsInPlace(ldb: Int, depth: Int) -> Bool { (ldb <= 1024 || depth <= 64) && ldb % 1024 != 0 }

    /// The tiles `tiles` × panels `panels` of C.
    ///
    /// Tiles go in blocks whose packed B fits in half the L2 cache. For each K block, the
    /// block's B tiles are read in place (`readsInPlace`) or copied into a contiguous,
    /// zero-padded buffer, then each panel of A sweeps the block, so C is written a few
    /// long rows at a time.
    private func strip(_ a: PackedMatrix, _ b: UnsafePointer<Float>, _ ldb: Int, _ n: Int,
                       _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ epilogue: Epilogue,
                       tiles: Range<Int>, panels: Range<Int>, cFirstRow: Int = 0) {
        let depthBlock = Self.depthBlock(a, columns: n)
        let tileFloats = min(depthBlock, max(a.depth, 1)) * tileColumns
        let blockTiles = max(1, min(tiles.count, (256 * 1024) / (tileFloats * MemoryLayout<Float>.stride)))
        let packedB = allocateAligned((Self.readsInPlace(ldb: ldb, depth: a.depth) ? 1 : blockTiles) * tileFloats)
        defer { packedB.deallocate() }
        var blockStart = tiles.lowerBound
        while blockStart < tiles.upperBound {
            let block = blockStart..<min(blockStart + blockTiles, tiles.upperBound)
            var k0 = 0
            while k0 < a.depth {
                let kc = min(depthBlock, a.depth - k0)
                if Self.readsInPlace(ldb: ldb, depth: a.depth) {
                    // Tiles read in place; a ragged last tile packed alone.
                    let last = tileCount(n) - 1
                    if lastTileIsRagged(n) && block.contains(last) {
                        kernels.packTile(b + k0 * ldb + last * tileColumns, ldb: ldb, depth: kc, columns: tiledColumns(n) - last * tileColumns,
                                         into: packedB)
                    }
                    sweep(a, b: BTiles(packed: packedB, tileFloats: 0, inPlace: UnsafeMutablePointer(mutating: b + k0 * ldb), ldb: ldb),
                          tiles: block, panels: panels, k0: k0, kc: kc, n: n, c: c, ldc: ldc, cFirstRow: cFirstRow, epilogue: epilogue)
                } else {
                    for (slot, tile) in block.enumerated() {
                        let column = tile * tileColumns
                        kernels.packTile(b + k0 * ldb + column, ldb: ldb, depth: kc, columns: min(tileColumns, tiledColumns(n) - column),
                                         into: packedB + slot * tileFloats)
                    }
                    sweep(a, b: BTiles(packed: packedB, tileFloats: tileFloats), tiles: block, panels: panels, k0: k0, kc: kc, n: n,
                          c: c, ldc: ldc, cFirstRow: cFirstRow, epilogue: epilogue)
                }
                k0 += kc
            }
            blockStart = block.upperBound
        }
        if tiles.upperBound == tileCount(n) {
            lastColumns(a, b, ldb, n, c, ldc, epilogue, panels: panels, cFirstRow: cFirstRow)
        }
    }

    /// The columns past `tiledColumns(n)`, for the panels `panels`, over the whole depth
    /// at once, then the epilogue.
    private func lastColumns(_ a: PackedMatrix, _ b: UnsafePointer<Float>, _ ldb: Int, _ n: Int,
                             _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ epilogue: Epilogue, panels: Range<Int>, cFirstRow: Int = 0) {
        let first = tiledColumns(n), columns = n - first
        if columns == 0 || panels.isEmpty { return }
        let row0 = panels.lowerBound * panelRows, rows = min(a.rows, panels.upperBound * panelRows) - row0
        let (bounds, rest) = epilogue.inRegisters
        let finish = bounds.map { Finish(bias: epilogue.bias.map { $0 + row0 }, low: $0.low, high: $0.high) } ?? .none
        let cBlock = c + (row0 - cFirstRow) * ldc + first
        kernels.gemmColumns(a.panel(panels.lowerBound), panels: panels.count, depth: a.depth, b + first, ldb: ldb,
                            columns: columns, cBlock, ldc: ldc, rows: rows, finish: finish)
        rest.apply(cBlock, ldc, rows: rows, columns: columns, firstRow: row0, kernels: kernels)
        epilogue.addResidual(cBlock, ldc, rows: rows, columns: columns, firstRow: row0, firstColumn: first)
    }

    /// One K block (`k0 ..< k0 + kc`): each panel of A in `panels` sweeps the B tiles of
    /// `tiles` (`b`'s slot 0 being the first), accumulating into C (whose row
    /// `cFirstRow` is at `c`). The last
    /// K block applies the epilogue: the bias and relu/relu6 in registers, any other
    /// activation over the finished tile.
    private func sweep(_ a: PackedMatrix, b: BTiles, tiles: Range<Int>, panels: Range<Int>,
                       k0: Int, kc: Int, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int, cFirstRow: Int = 0, epilogue: Epilogue) {
        let (bounds, rest) = epilogue.inRegisters
        let last = k0 + kc == a.depth
        for panel in panels {
            let row0 = panel * panelRows
            let rows = min(panelRows, a.rows - row0)
            let aPanel = a.panel(panel, from: k0)
            // The next panel's block of A, asked for now: in a network its weights come
            // from memory, and a block is too short for the hardware's prefetchers to
            // catch up (a chain of 960→160→960 layers on 7×7 maps, 49 MB of weights:
            // 0.75× the time at AVX2 on one core, 0.84× at AVX-512).
            if panel + 1 < panels.upperBound {
                netcost_prefetch(a.panel(panel + 1, from: k0), a.panelFloats(steps: kc) * MemoryLayout<Float>.stride)
            }
            var finish = Finish.none
            if last, let bounds {
                finish = Finish(bias: epilogue.bias.map { $0 + row0 }, low: bounds.low, high: bounds.high)
            }
            for (slot, tile) in tiles.enumerated() {
                let column = tile * tileColumns
                let columns = min(tileColumns, tiledColumns(n) - column)
                let cTile = c + (row0 - cFirstRow) * ldc + column
                let (bTile, ldb) = b.tile(slot: slot, column: column, wholeVectors: columns % kernels.lanes == 0, tileColumns: tileColumns)
                kernels.gemmTile(aPanel, bTile, ldb: ldb, depth: kc, cTile, ldc: ldc, rows: rows, columns: columns,
                                 accumulate: k0 > 0, finish: finish)
                if last {
                    rest.apply(cTile, ldc, rows: rows, columns: columns, firstRow: row0, kernels: kernels)
                    epilogue.addResidual(cTile, ldc, rows: rows, columns: columns, firstRow: row0, firstColumn: column)
                }
            }
        }
    }

}
