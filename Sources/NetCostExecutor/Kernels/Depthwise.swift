import NetCost

// Depthwise convolution (one input channel per group, `m` output channels each): too
// little arithmetic per element for a GEMM, so it runs directly, vectorized along the
// output row. Each input channel is first laid out zero-padded and split into `stride`
// column phases, so that every tap of every output vector is one contiguous load.

enum DepthwiseConvolution {
    static func run(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                    epilogue: Epilogue, output: UnsafeMutablePointer<Float>) {
        let multiplier = g.outPerGroup
        let phases = g.strideWidth
        let phaseWidth = g.outWidth + ((g.kernelWidth - 1) * g.dilationWidth) / g.strideWidth
        let paddedRows = (g.outHeight - 1) * g.strideHeight + (g.kernelHeight - 1) * g.dilationHeight + 1
        // Slack past the last row: a row's final vector may read beyond it (the lanes
        // past the row's end are computed and dropped).
        let planeSize = phases * paddedRows * phaseWidth + phaseWidth + 2 * Vector.scalarCount
        let rowLength = (g.outWidth + Vector.scalarCount - 1) / Vector.scalarCount * Vector.scalarCount
        let source = SharedPointer(UnsafeMutablePointer(mutating: input))
        let weights = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let destination = SharedPointer(output)
        let parts = Parallel.chunks(g.inChannels)
        Parallel.forEach(parts.count, serial: g.inChannels * g.outputPlane * g.taps < 32_768) { part in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: planeSize + rowLength)
            padded.initialize(repeating: 0, count: planeSize + rowLength)
            defer { padded.deallocate() }
            let row = padded + planeSize
            for ic in parts[part] {
                layOut(g, plane: source.base + ic * g.inputPlane, phases: phases, paddedRows: paddedRows, phaseWidth: phaseWidth, into: padded)
                for oc in ic * multiplier..<(ic + 1) * multiplier {
                    channel(g, padded: padded, paddedRows: paddedRows, phaseWidth: phaseWidth,
                            weight: weights.base + oc * g.taps, bias: epilogue.bias?[oc] ?? 0, activations: epilogue.activations,
                            row: row, rowLength: rowLength, output: destination.base + oc * g.outputPlane)
                }
            }
        }
    }

    /// Writes the zero-padded input plane as `phases` planes: phase `p` holds padded
    /// columns `p, p + s, p + 2s, …`.
    private static func layOut(_ g: ConvolutionGeometry, plane: UnsafePointer<Float>, phases: Int, paddedRows: Int, phaseWidth: Int,
                               into padded: UnsafeMutablePointer<Float>) {
        for phase in 0..<phases {
            // Columns j whose input column j·s + phase − padLeft lies inside the input.
            let first = min(phaseWidth, max(0, (g.padLeft - phase + g.strideWidth - 1) / g.strideWidth))
            let end = min(phaseWidth, max(first, (g.width - 1 + g.padLeft - phase) / g.strideWidth + 1))
            for row in 0..<paddedRows {
                let iy = row - g.padTop
                let line = padded + (phase * paddedRows + row) * phaseWidth
                guard iy >= 0 && iy < g.height else {
                    line.update(repeating: 0, count: phaseWidth)
                    continue
                }
                line.update(repeating: 0, count: first)
                let source = plane + iy * g.width + first * g.strideWidth + phase - g.padLeft
                if g.strideWidth == 1 {
                    (line + first).update(from: source, count: end - first)
                } else {
                    for j in 0..<(end - first) { line[first + j] = source[j * g.strideWidth] }
                }
                (line + end).update(repeating: 0, count: phaseWidth - end)
            }
        }
    }

    /// One output channel from its padded, phase-split input plane, a row at a time
    /// through `row` (whole vectors), then copied out.
    @inline(__always)
    private static func channel(_ g: ConvolutionGeometry, padded: UnsafeMutablePointer<Float>, paddedRows: Int, phaseWidth: Int,
                                weight: UnsafePointer<Float>, bias: Float, activations: [Activation.Function],
                                row: UnsafeMutablePointer<Float>, rowLength: Int, output: UnsafeMutablePointer<Float>) {
        let w = Vector.scalarCount
        let clamp = Epilogue(bias: nil, activations: activations).clamp.map { (low: Vector(repeating: $0.low), high: Vector(repeating: $0.high)) }
        // Where tap (ky, kx) of output (oy, 0) starts, relative to row oy·stride of phase 0.
        var offsets: [Int] = []
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let column = kx * g.dilationWidth
                let phase = column % g.strideWidth
                offsets.append((phase * paddedRows + ky * g.dilationHeight) * phaseWidth + column / g.strideWidth)
            }
        }
        offsets.withUnsafeBufferPointer { offsets in
            for oy in 0..<g.outHeight {
                let rowBase = padded + oy * g.strideHeight * phaseWidth
                let line = output + oy * g.outWidth
                var ox = 0
                while ox < rowLength {
                    var sum = Vector(repeating: bias)
                    for tap in 0..<offsets.count {
                        sum = sum.addingProduct(Vector(repeating: weight[tap]), loadVector(rowBase + offsets[tap] + ox))
                    }
                    if let clamp {
                        sum = sum.replacing(with: clamp.low, where: sum .< clamp.low)
                        sum = sum.replacing(with: clamp.high, where: sum .> clamp.high)
                    }
                    if ox + w <= g.outWidth {
                        storeVector(sum, line + ox)
                    } else {
                        storeVector(sum, row)
                        (line + ox).update(from: row, count: g.outWidth - ox)
                    }
                    ox += w
                }
                if clamp == nil {
                    for function in activations { function.apply(line, count: g.outWidth) }
                }
            }
        }
    }
}
