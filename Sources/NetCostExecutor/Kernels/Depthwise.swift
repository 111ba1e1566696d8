import NetCost

// Depthwise convolution (one input channel per group, `m` output channels each): too
// little arithmetic per element for a GEMM, so it runs directly, vectorized along the
// output row. Each input channel is first laid out zero-padded and split into `stride`
// column phases, so that every tap of every output vector is one contiguous load. At
// stride 1 the padded plane is walked as one long row (outputs computed on the padded
// width, the extra columns dropped), so small maps such as 7×7 fill whole vectors.

enum DepthwiseConvolution {
    static func run(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                    epilogue: Epilogue, output: UnsafeMutablePointer<Float>) {
        let w = Vector.scalarCount
        let phaseWidth = g.outWidth + ((g.kernelWidth - 1) * g.dilationWidth) / g.strideWidth
        let phaseRows = g.outHeight + ((g.kernelHeight - 1) * g.dilationHeight) / g.strideHeight
        let phasePlane = phaseRows * phaseWidth
        // Walking the plane as one row pays for copying the outputs out; it wins when
        // rows are short and ragged (28, 14, 7 wide), not when they are whole vectors.
        let flat = g.outWidth % w != 0 && g.outWidth < 4 * w
        // Slack past the planes: a last vector may read beyond them (those lanes are dropped).
        let planeSize = g.strideHeight * g.strideWidth * phasePlane + phaseWidth + 2 * w
        let span = flat ? g.outHeight * phaseWidth : g.outWidth
        let rowLength = (span + w - 1) / w * w
        // Where tap (ky, kx) of output (0, 0) lies: its row and column phase planes, then
        // its place in them. Output (oy, ox) reads `oy·phaseWidth + ox` further on.
        var offsets: [Int] = []
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let row = ky * g.dilationHeight, column = kx * g.dilationWidth
                let plane = (row % g.strideHeight) * g.strideWidth + column % g.strideWidth
                offsets.append(plane * phasePlane + (row / g.strideHeight) * phaseWidth + column / g.strideWidth)
            }
        }
        let plan = Plan(phaseWidth: phaseWidth, phaseRows: phaseRows, flat: flat, rowLength: rowLength,
                        clamp: epilogue.clamp, activations: epilogue.clamp == nil ? epilogue.activations : [])
        let source = SharedPointer(UnsafeMutablePointer(mutating: input))
        let weights = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let destination = SharedPointer(output)
        let biases = epilogue.bias.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
        let parts = Parallel.chunks(g.inChannels)
        Parallel.forEach(parts.count, serial: g.inChannels * g.outputPlane * g.taps < 32_768) { part in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: planeSize + rowLength)
            padded.initialize(repeating: 0, count: planeSize + rowLength)
            defer { padded.deallocate() }
            offsets.withUnsafeBufferPointer { offsets in
                guard let taps = offsets.baseAddress else { return }
                for ic in parts[part] {
                    layOut(g, plan, plane: source.base + ic * g.inputPlane, into: padded)
                    for oc in ic * g.outPerGroup..<(ic + 1) * g.outPerGroup {
                        channel(g, plan, padded: padded, offsets: taps, weight: weights.base + oc * g.taps,
                                bias: biases?.base[oc] ?? 0, row: padded + planeSize, output: destination.base + oc * g.outputPlane)
                    }
                }
            }
        }
    }

    /// The per-layer constants of the loops.
    struct Plan {
        let phaseWidth: Int, phaseRows: Int
        /// Walk each plane as one row (outputs on the padded width, extra columns dropped).
        let flat: Bool
        /// Floats computed per pass: a whole number of vectors.
        let rowLength: Int
        let clamp: (low: Float, high: Float)?
        /// Activations that are not a clamp, applied after.
        let activations: [Activation.Function]
    }

    /// Writes the zero-padded input plane split into `strideHeight × strideWidth` phase
    /// planes: plane `(p, q)` holds padded rows `p, p + sh, …` and columns `q, q + sw, …`,
    /// so that every tap reads consecutive outputs from consecutive floats.
    private static func layOut(_ g: ConvolutionGeometry, _ plan: Plan, plane: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
        let width = plan.phaseWidth
        for rowPhase in 0..<g.strideHeight {
            for phase in 0..<g.strideWidth {
                // Columns j whose input column j·s + phase − padLeft lies inside the input.
                let first = min(width, max(0, (g.padLeft - phase + g.strideWidth - 1) / g.strideWidth))
                let end = min(width, max(first, (g.width - 1 + g.padLeft - phase) / g.strideWidth + 1))
                let destination = padded + (rowPhase * g.strideWidth + phase) * plan.phaseRows * width
                for row in 0..<plan.phaseRows {
                    let iy = row * g.strideHeight + rowPhase - g.padTop
                    let line = destination + row * width
                    guard iy >= 0 && iy < g.height else {
                        line.update(repeating: 0, count: width)
                        continue
                    }
                    line.update(repeating: 0, count: first)
                    let source = plane + iy * g.width + first * g.strideWidth + phase - g.padLeft
                    if g.strideWidth == 1 {
                        (line + first).update(from: source, count: end - first)
                    } else if g.strideWidth == 2 {
                        deinterleave(source, into: line + first, count: end - first)
                    } else {
                        for j in 0..<(end - first) { line[first + j] = source[j * g.strideWidth] }
                    }
                    (line + end).update(repeating: 0, count: width - end)
                }
            }
        }
    }

    /// `destination[j] = source[2j]` for `j < count`, a vector permute at a time. The
    /// vector loop stops one element early so that it never reads past `source[2(count − 1)]`.
    @inline(__always)
    private static func deinterleave(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int) {
        let w = Vector.scalarCount
        var j = 0
        while j + w < count {
            let first = loadVector(source + 2 * j), second = loadVector(source + 2 * j + w)
            storeVector(Vector(lowHalf: first.evenHalf, highHalf: second.evenHalf), destination + j)
            j += w
        }
        while j < count {
            destination[j] = source[2 * j]
            j += 1
        }
    }

    /// One output channel from its padded, phase-split input plane.
    @inline(__always)
    private static func channel(_ g: ConvolutionGeometry, _ plan: Plan, padded: UnsafeMutablePointer<Float>, offsets: UnsafePointer<Int>,
                                weight: UnsafePointer<Float>, bias: Float, row: UnsafeMutablePointer<Float>,
                                output: UnsafeMutablePointer<Float>) {
        let low = Vector(repeating: plan.clamp?.low ?? -.infinity), high = Vector(repeating: plan.clamp?.high ?? .infinity)
        if plan.flat {
            pass(g.taps, padded, offsets, weight, bias, low, high, into: row, count: plan.rowLength)
            for oy in 0..<g.outHeight {
                (output + oy * g.outWidth).update(from: row + oy * plan.phaseWidth, count: g.outWidth)
            }
        } else {
            let w = Vector.scalarCount, whole = g.outWidth / w * w
            for oy in 0..<g.outHeight {
                let base = padded + oy * plan.phaseWidth, line = output + oy * g.outWidth
                // Whole vectors straight into the output; the ragged end through `row`.
                pass(g.taps, base, offsets, weight, bias, low, high, into: line, count: whole)
                if whole < g.outWidth {
                    pass(g.taps, base + whole, offsets, weight, bias, low, high, into: row, count: w)
                    (line + whole).update(from: row, count: g.outWidth - whole)
                }
            }
        }
        for function in plan.activations { function.apply(output, count: g.outputPlane) }
    }

    /// `count` outputs (a multiple of the vector width) from `base`: bias plus every tap,
    /// clamped to `[low, high]`. A 3×3 kernel keeps its nine weights in registers.
    @inline(__always)
    private static func pass(_ taps: Int, _ base: UnsafeMutablePointer<Float>, _ offsets: UnsafePointer<Int>, _ weight: UnsafePointer<Float>,
                             _ bias: Float, _ low: Vector, _ high: Vector, into destination: UnsafeMutablePointer<Float>, count: Int) {
        let w = Vector.scalarCount
        var ox = 0
        if taps == 9 {
            let (w0, w1, w2) = (Vector(repeating: weight[0]), Vector(repeating: weight[1]), Vector(repeating: weight[2]))
            let (w3, w4, w5) = (Vector(repeating: weight[3]), Vector(repeating: weight[4]), Vector(repeating: weight[5]))
            let (w6, w7, w8) = (Vector(repeating: weight[6]), Vector(repeating: weight[7]), Vector(repeating: weight[8]))
            let (p0, p1, p2) = (base + offsets[0], base + offsets[1], base + offsets[2])
            let (p3, p4, p5) = (base + offsets[3], base + offsets[4], base + offsets[5])
            let (p6, p7, p8) = (base + offsets[6], base + offsets[7], base + offsets[8])
            let start = Vector(repeating: bias)
            while ox < count {
                var sum = start.addingProduct(w0, loadVector(p0 + ox))
                sum = sum.addingProduct(w1, loadVector(p1 + ox))
                sum = sum.addingProduct(w2, loadVector(p2 + ox))
                sum = sum.addingProduct(w3, loadVector(p3 + ox))
                sum = sum.addingProduct(w4, loadVector(p4 + ox))
                sum = sum.addingProduct(w5, loadVector(p5 + ox))
                sum = sum.addingProduct(w6, loadVector(p6 + ox))
                sum = sum.addingProduct(w7, loadVector(p7 + ox))
                sum = sum.addingProduct(w8, loadVector(p8 + ox))
                sum = sum.replacing(with: low, where: sum .< low)
                storeVector(sum.replacing(with: high, where: sum .> high), destination + ox)
                ox += w
            }
            return
        }
        while ox < count {
            var sum = Vector(repeating: bias)
            for tap in 0..<taps {
                sum = sum.addingProduct(Vector(repeating: weight[tap]), loadVector(base + offsets[tap] + ox))
            }
            sum = sum.replacing(with: low, where: sum .< low)
            storeVector(sum.replacing(with: high, where: sum .> high), destination + ox)
            ox += w
        }
    }
}
