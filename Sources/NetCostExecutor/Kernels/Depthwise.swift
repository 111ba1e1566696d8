import NetCost

// Depthwise convolution (one input channel per group, `m` output channels each): too
// little arithmetic per element for a GEMM, so it runs directly, vectorized along the
// output row. Each input channel is first laid out zero-padded and split into `stride`
// column phases, so that every tap of every output vector is one contiguous load. At
// stride 1 the padded plane is walked as one long row (outputs computed on the padded
// width, the extra columns dropped), so small maps such as 7×7 fill whole vectors.

enum DepthwiseConvolution {
    static func run(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                    epilogue: Epilogue, output: UnsafeMutablePointer<Float>, kernels: KernelSet) {
        let w = kernels.lanes
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
        let plan = Plan(kernels: kernels, phaseWidth: phaseWidth, phaseRows: phaseRows, flat: flat, rowLength: rowLength,
                        clamp: epilogue.clamp, activations: epilogue.clamp == nil ? epilogue.activations : [])
        let source = SharedPointer(UnsafeMutablePointer(mutating: input))
        let weights = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let destination = SharedPointer(output)
        let biases = epilogue.bias.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
        let parts = Parallel.chunks(g.inChannels, grain: 8, perWorker: 4)
        Parallel.forEach(parts.count, serial: g.inChannels * g.outputPlane * g.taps < 32_768) { part in
            let scratchSize = phaseWidth * g.strideWidth + 2 * w
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: planeSize + rowLength + scratchSize)
            padded.initialize(repeating: 0, count: planeSize + rowLength + scratchSize)
            defer { padded.deallocate() }
            offsets.withUnsafeBufferPointer { offsets in
                guard let taps = offsets.baseAddress else { return }
                for ic in parts[part] {
                    layOut(g, plan, plane: source.base + ic * g.inputPlane, into: padded, scratch: padded + planeSize + rowLength)
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
        let kernels: KernelSet
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
    /// so that every tap reads consecutive outputs from consecutive floats. With a column
    /// stride, each padded row is first assembled in `scratch` (one read of the input)
    /// and split from there.
    private static func layOut(_ g: ConvolutionGeometry, _ plan: Plan, plane: UnsafePointer<Float>,
                               into padded: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let width = plan.phaseWidth, stride = g.strideWidth
        let full = width * stride
        // The input columns that land in the padded row: [first, end) of the row.
        let first = min(full, g.padLeft), end = min(full, max(first, g.padLeft + g.width))
        for rowPhase in 0..<g.strideHeight {
            for row in 0..<plan.phaseRows {
                let iy = row * g.strideHeight + rowPhase - g.padTop
                // Padding rows and columns are the same for every channel and were zeroed
                // when the planes were allocated: only the input's own values are written.
                guard iy >= 0 && iy < g.height else { continue }
                let line = padded + (rowPhase * stride * plan.phaseRows + row) * width
                let source = plane + iy * g.width - g.padLeft
                switch stride {
                case 1:
                    (line + first).update(from: source + first, count: end - first)
                case 2:
                    splitRow(plane + iy * g.width, g.width, padLeft: g.padLeft, into: line, line + plan.phaseRows * width, width: width)
                default:
                    scratch.update(repeating: 0, count: first)
                    (scratch + first).update(from: source + first, count: end - first)
                    (scratch + end).update(repeating: 0, count: full - end)
                    let nextPhase = plan.phaseRows * width
                    for j in 0..<width {
                        for phase in 0..<stride { line[phase * nextPhase + j] = scratch[j * stride + phase] }
                    }
                }
            }
        }
    }

    /// One input row into the two column phases of its zero-padded version, reading the
    /// row once: padded column `2j + p` is input column `2j + p − padLeft`, so the row's
    /// even and odd elements each fill one phase from some offset on (the padding around
    /// them stays zero from the allocation).
    @inline(__always)
    private static func splitRow(_ source: UnsafePointer<Float>, _ count: Int, padLeft: Int,
                                 into phase0: UnsafeMutablePointer<Float>, _ phase1: UnsafeMutablePointer<Float>, width: Int) {
        let evenPhase = padLeft % 2, oddPhase = (padLeft + 1) % 2
        let evenLine = evenPhase == 0 ? phase0 : phase1, oddLine = oddPhase == 0 ? phase0 : phase1
        let evenStart = (padLeft - evenPhase) / 2, oddStart = (padLeft + 1 - oddPhase) / 2
        let evens = max(0, min((count + 1) / 2, width - evenStart)), odds = max(0, min(count / 2, width - oddStart))
        let w = Vector.scalarCount
        var k = 0
        while 2 * (k + w) <= count && k + w <= min(evens, odds) {
            let first = loadVector(source + 2 * k), second = loadVector(source + 2 * k + w)
            storeVector(Vector(lowHalf: first.evenHalf, highHalf: second.evenHalf), evenLine + evenStart + k)
            storeVector(Vector(lowHalf: first.oddHalf, highHalf: second.oddHalf), oddLine + oddStart + k)
            k += w
        }
        for j in k..<evens { evenLine[evenStart + j] = source[2 * j] }
        for j in k..<odds { oddLine[oddStart + j] = source[2 * j + 1] }
    }

    /// One output channel from its padded, phase-split input plane. Rows are computed a
    /// whole number of vectors at a time by the kernel set's depthwise row.
    @inline(__always)
    private static func channel(_ g: ConvolutionGeometry, _ plan: Plan, padded: UnsafeMutablePointer<Float>, offsets: UnsafePointer<Int>,
                                weight: UnsafePointer<Float>, bias: Float, row: UnsafeMutablePointer<Float>,
                                output: UnsafeMutablePointer<Float>) {
        let kernels = plan.kernels
        let low = plan.clamp?.low ?? -.infinity, high = plan.clamp?.high ?? .infinity
        if plan.flat {
            kernels.depthwiseRow(taps: g.taps, padded, offsets: offsets, weight: weight, bias: bias, low: low, high: high,
                                 into: row, count: plan.rowLength)
            for oy in 0..<g.outHeight {
                (output + oy * g.outWidth).update(from: row + oy * plan.phaseWidth, count: g.outWidth)
            }
        } else {
            let w = kernels.lanes, whole = g.outWidth / w * w
            for oy in 0..<g.outHeight {
                let base = padded + oy * plan.phaseWidth, line = output + oy * g.outWidth
                // Whole vectors straight into the output; the ragged end through `row`.
                kernels.depthwiseRow(taps: g.taps, base, offsets: offsets, weight: weight, bias: bias, low: low, high: high,
                                     into: line, count: whole)
                if whole < g.outWidth {
                    kernels.depthwiseRow(taps: g.taps, base + whole, offsets: offsets, weight: weight, bias: bias, low: low, high: high,
                                         into: row, count: w)
                    (line + whole).update(from: row, count: g.outWidth - whole)
                }
            }
        }
        for function in plan.activations { function.apply(output, count: g.outputPlane) }
    }
}
