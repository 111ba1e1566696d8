import NetCost
@testable import NetCostExecutor
import Testing

/// The run-time choice of vector width, and the GEMM at every width this CPU runs
/// against a plain triple loop in double precision.
@Suite struct KernelSetTests {
    @Test func theBaselineIsAlwaysAvailableAndLast() throws {
        let last = try #require(KernelSet.available.last)
        #if arch(x86_64)
        #expect(last.name == "sse2")
        #expect(KernelSet.built.map(\.name) == ["avx512", "avx2", "sse2"])
        #elseif arch(arm64)
        #expect(last.name == "neon")
        #endif
        #expect(last.lanes == 4)
        // Widest first: lanes never grow down the list.
        #expect(KernelSet.available.map(\.lanes) == KernelSet.available.map(\.lanes).sorted(by: >))
    }

    @Test func theEnvironmentPicksANarrowerSet() throws {
        for set in KernelSet.available {
            #expect(try KernelSet.chosen(environment: ["NETCOST_KERNELS": set.name]) == set)
        }
        #expect(try KernelSet.chosen(environment: [:]) == KernelSet.available[0])
        #expect(try KernelSet.chosen(environment: ["NETCOST_KERNELS": ""]) == KernelSet.available[0])
    }

    @Test func aWidthTheCPUCannotRunIsRefusedByName() throws {
        let baseline = try #require(KernelSet.available.last)
        let widest = try #require(KernelSet.built.first)
        // As on a CPU that runs only the baseline.
        if widest != baseline {
            let error = #expect(throws: InputError.self) {
                try KernelSet.chosen(environment: ["NETCOST_KERNELS": widest.name], available: [baseline])
            }
            #expect(error?.description == "NETCOST_KERNELS=\(widest.name): this CPU cannot run the \(widest.name) kernels, which need \(widest.requirement); it runs \(baseline.name)")
        }
        let unknown = #expect(throws: InputError.self) { try KernelSet.chosen(environment: ["NETCOST_KERNELS": "avx1024"]) }
        #expect(unknown?.description.hasPrefix("NETCOST_KERNELS=avx1024: no kernel set has that name; this build has ") == true)
    }

    /// Float sums of up to 300 products, some cancelling near zero, against the exact sum:
    /// each element within the classic bound of a float32 sum, (depth + 2)·2⁻²⁴·Σ|a·b|
    /// (plus the bias), times 1.1 for swish's slope, plus two ulps of the result. Shapes that leave ragged tiles and panels at every width (13 rows, 37 columns),
    /// two K blocks (depth 300 > 256), and the row-panel split (few columns, many rows)
    /// with B read in place (48×300×100) or, its rows 4 KiB apart (`ldb` 1024), packed;
    /// columns that end a few past a whole vector, which the column kernel takes; rows
    /// more than a page apart, read in place (depth 32) or packed (depth 100).
    @Test(arguments: KernelSet.available)
    func gemmMatchesATripleLoop(kernels: KernelSet) throws {
        for (rows, depth, columns, ldb) in [(13, 300, 37, 37), (64, 40, 20, 20), (8, 1, 33, 33), (1, 7, 5, 5),
                                            (48, 300, 100, 100), (48, 300, 100, 1024),
                                            // 7×7 and 14×14 maps: 49 and 196 columns end a few past a whole vector.
                                            (40, 70, 49, 49), (70, 20, 196, 196), (200, 33, 49, 49), (30, 9, 1, 1), (37, 300, 4, 4),
                                            // Rows far apart: read in place when shallow, packed when deep.
                                            (16, 32, 1100, 1100), (20, 100, 1100, 1100),
                                            // Deep K on a 7×7 map: three K blocks of 107, 107 and 106.
                                            (30, 320, 49, 49)] {
            var random = SeededRandom(seed: 3, stream: rows)
            var a = [Float](repeating: 0, count: rows * depth), b = [Float](repeating: 0, count: depth * ldb)
            var bias = [Float](repeating: 0, count: rows)
            a.withUnsafeMutableBufferPointer { random.fill($0.baseAddress!, count: $0.count, -1, 1) }
            b.withUnsafeMutableBufferPointer { random.fill($0.baseAddress!, count: $0.count, -1, 1) }
            bias.withUnsafeMutableBufferPointer { random.fill($0.baseAddress!, count: $0.count, -1, 1) }
            for activations in [[], [Activation.Function.relu6], [Activation.Function.swish]] {
                var expected = [Float](repeating: 0, count: rows * columns), bound = [Double](repeating: 0, count: rows * columns)
                for i in 0..<rows {
                    for j in 0..<columns {
                        var sum = Double(bias[i]), magnitude = Double(abs(bias[i]))
                        for k in 0..<depth {
                            let product = Double(a[i * depth + k]) * Double(b[k * ldb + j])
                            sum += product
                            magnitude += abs(product)
                        }
                        var value = Float(sum)
                        for function in activations { value = function.apply(value) }
                        expected[i * columns + j] = value
                        bound[i * columns + j] = Double(depth + 2) * 0x1p-24 * magnitude * 1.1 + 2 * Double(value.ulp)
                    }
                }
                var c = [Float](repeating: .nan, count: rows * columns)
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        bias.withUnsafeBufferPointer { bias in
                            c.withUnsafeMutableBufferPointer { c in
                                let packed = PackedMatrix(source: a.baseAddress!, rows: rows, depth: depth, rowStride: depth, depthStride: 1,
                                                          kernels: kernels)
                                GEMM(kernels).multiply(packed, b: b.baseAddress!, ldb: ldb, n: columns, c: c.baseAddress!, ldc: columns,
                                                       epilogue: Epilogue(bias: bias.baseAddress, activations: activations))
                            }
                        }
                    }
                }
                let outside = c.indices.filter { !(abs(Double(c[$0]) - Double(expected[$0])) <= bound[$0]) }
                #expect(outside.count == 0, "\(kernels.name) \(rows)×\(depth)×\(columns), ldb \(ldb), \(activations): \(outside.count) outside the bound, first \(outside.first.map { "element \($0): \(c[$0]) vs \(expected[$0])" } ?? "")")
            }
        }
    }

    /// K blocks, worked by hand: a 7×7 map (49 columns) takes blocks of at most 128, so
    /// 320 is 107 + 107 + 106 and 960 is eight of 120; a 56×56 map (3,136 columns) takes
    /// at most 256, so 144 stays whole and 320 is 160 + 160; 64 is one block either way.
    /// SSE2's panels, 6 rows of 4 floats (96 bytes) a step, keep a block of A within
    /// 8 KiB at 85 steps: 144 on a wide map is 72 + 72, 320 on a 7×7 map four blocks of 80.
    @Test func depthBlocksAreEqualAndShallowerOnSmallMaps() {
        #expect(GEMM.depthBlock(depth: 144, columns: 3136, panelBytesPerStep: 96) == 72)
        #expect(GEMM.depthBlock(depth: 320, columns: 49, panelBytesPerStep: 96) == 80)
        #expect(GEMM.depthBlock(depth: 144, columns: 3136, panelBytesPerStep: 24) == 144)
        #expect(GEMM.depthBlock(depth: 320, columns: 49) == 107)
        #expect(GEMM.depthBlock(depth: 960, columns: 49) == 120)
        #expect(GEMM.depthBlock(depth: 144, columns: 3136) == 144)
        #expect(GEMM.depthBlock(depth: 320, columns: 3136) == 160)
        #expect(GEMM.depthBlock(depth: 64, columns: 49) == 64)
        #expect(GEMM.depthBlock(depth: 64, columns: 3136) == 64)
    }

    /// PyTorch's relu6 (a clamp) keeps a NaN a NaN; so must the clamp fused into the GEMM,
    /// in the register tiles and in the column kernel (49 columns take both).
    @Test(arguments: KernelSet.available)
    func theFusedClampKeepsNaN(kernels: KernelSet) {
        let rows = 9, depth = 3, columns = 49
        var a = [Float](repeating: 1, count: rows * depth)
        a[depth * 4] = .nan  // row 4
        let b = [Float](repeating: 10, count: depth * columns), bias = [Float](repeating: -1, count: rows)
        var c = [Float](repeating: 0, count: rows * columns)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                bias.withUnsafeBufferPointer { bias in
                    c.withUnsafeMutableBufferPointer { c in
                        let packed = PackedMatrix(source: a.baseAddress!, rows: rows, depth: depth, rowStride: depth, depthStride: 1, kernels: kernels)
                        GEMM(kernels).multiply(packed, b: b.baseAddress!, ldb: columns, n: columns, c: c.baseAddress!, ldc: columns,
                                               epilogue: Epilogue(bias: bias.baseAddress, activations: [.relu6]))
                    }
                }
            }
        }
        // Row 4 is NaN everywhere; every other value is 3·10 − 1 = 29, clamped to 6.
        let nanRow = c[(4 * columns)..<(5 * columns)].filter(\.isNaN).count
        let sixes = c.enumerated().filter { $0.offset / columns != 4 && $0.element == 6 }.count
        #expect(nanRow == columns, "\(kernels.name)")
        #expect(sixes == (rows - 1) * columns, "\(kernels.name)")
    }

    @Test(arguments: KernelSet.available)
    func dotAndAxpyCoverRaggedLengths(kernels: KernelSet) {
        // 1…40 floats: below, at and past one and two vectors of every width.
        for count in 1...40 {
            let x = (0..<count).map { Float($0 % 7) - 3 }, y = (0..<count).map { Float($0 % 5) + 1 }
            let expected = zip(x, y).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            let (value, multiplyAdds) = x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in kernels.dot(x.baseAddress!, y.baseAddress!, count) }
            }
            #expect(value == expected, "\(kernels.name) dot of \(count)")
            #expect(multiplyAdds == count)
            var z = y
            let done = x.withUnsafeBufferPointer { x in
                z.withUnsafeMutableBufferPointer { z in kernels.axpy(2, x.baseAddress!, z.baseAddress!, count) }
            }
            #expect(done == count)
            #expect(z == zip(x, y).map { 2 * $0 + $1 }, "\(kernels.name) axpy of \(count)")
        }
    }

    @Test(arguments: KernelSet.available)
    func thePeakProbeRunsEveryWidth(kernels: KernelSet) {
        #expect(MachineProbe.peakGFLOPS(trials: 1, iterations: 10_000, kernels: kernels) > 0)
    }
}
