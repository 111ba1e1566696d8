import NetCost

// The plain run's convolutions: a 1×1 stride-1 convolution is one GEMM on the input as
// it lies; any other grouped or full convolution gathers its windows with im2col
// (zeros for padding) and multiplies; transposed convolutions multiply first and
// scatter-add the columns back (col2im). Depthwise layers have their own kernel.

enum FastConvolution {
    /// The packed weights of each group: rows are output channels, depth `(C_in/g)·kh·kw`.
    static func pack(_ g: ConvolutionGeometry, weight: UnsafePointer<Float>, kernels: KernelSet) -> [PackedMatrix] {
        (0..<g.groups).map { group in
            PackedMatrix(source: weight + group * g.outPerGroup * g.columnRows, rows: g.outPerGroup,
                         depth: g.columnRows, rowStride: g.columnRows, depthStride: 1, kernels: kernels)
        }
    }

    /// Whether the layer's weights are packed for the GEMM: all but a depthwise layer's,
    /// which runs its own kernel on the weights as they are.
    static func packs(_ g: ConvolutionGeometry, transposed: Bool) -> Bool { transposed || !g.isDepthwise }

    /// The floats `pack` or `packTransposed` allocates for a layer.
    static func packedFloats(_ g: ConvolutionGeometry, transposed: Bool, kernels: KernelSet) throws(SizeOverflow) -> Int {
        guard packs(g, transposed: transposed) else { return 0 }
        let (rows, depth) = transposed ? (try g.outPerGroup.multiplied(by: g.taps), g.inPerGroup) : (g.outPerGroup, g.columnRows)
        return try PackedMatrix.floats(rows: rows, depth: depth, kernels: kernels).multiplied(by: g.groups)
    }

    /// Packed `Wᵀ` of each group of a transposed convolution: rows `(c_out, ky, kx)`, depth `C_in/g`.
    static func packTransposed(_ g: ConvolutionGeometry, weight: UnsafePointer<Float>, kernels: KernelSet) -> [PackedMatrix] {
        let rows = g.outPerGroup * g.taps
        return (0..<g.groups).map { group in
            PackedMatrix(source: weight + group * g.inPerGroup * rows, rows: rows, depth: g.inPerGroup,
                         rowStride: 1, depthStride: rows, kernels: kernels)
        }
    }

    /// Floats of scratch the layer needs (im2col columns or transposed columns).
    static func scratchElements(_ g: ConvolutionGeometry, transposed: Bool) -> Int {
        if transposed { return g.outPerGroup * g.taps * g.inputPlane }
        return g.isPointwise || g.isDepthwise ? 0 : g.columnRows * g.outputPlane
    }

    static func run(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, packed: [PackedMatrix],
                    epilogue: Epilogue, output: UnsafeMutablePointer<Float>, scratch: Scratch, kernels: KernelSet) {
        let plane = g.outputPlane, gemm = GEMM(kernels)
        for group in 0..<g.groups {
            var groupEpilogue = epilogue
            groupEpilogue.bias = epilogue.bias.map { $0 + group * g.outPerGroup }
            let groupInput = input + group * g.inPerGroup * g.inputPlane
            let groupOutput = output + group * g.outPerGroup * plane
            if g.isPointwise {
                gemm.multiply(packed[group], b: groupInput, ldb: plane, n: plane, c: groupOutput, ldc: plane, epilogue: groupEpilogue)
            } else {
                let columns = scratch.reserve(g.columnRows * plane)
                im2col(g, input: groupInput, columns: columns)
                gemm.multiply(packed[group], b: columns, ldb: plane, n: plane, c: groupOutput, ldc: plane, epilogue: groupEpilogue)
            }
        }
    }

    /// Gathers one group's windows: row `(c, ky, kx)` of the columns holds, for every
    /// output position, the input value under that tap, or zero in the padding.
    static func im2col(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>) {
        let shared = SharedPointer(columns), source = SharedPointer(UnsafeMutablePointer(mutating: input))
        let rows = g.columnRows
        let parts = Parallel.chunks(rows, grain: 4, perWorker: 4)
        Parallel.forEach(parts.count) { part in
            for row in parts[part] {
                let channel = row / g.taps, tap = row % g.taps
                let ky = tap / g.kernelWidth, kx = tap % g.kernelWidth
                let plane = source.base + channel * g.inputPlane
                var destination = shared.base + row * g.outputPlane
                for oy in 0..<g.outHeight {
                    let iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight
                    if iy < 0 || iy >= g.height {
                        destination.update(repeating: 0, count: g.outWidth)
                    } else {
                        let line = plane + iy * g.width
                        let x0 = kx * g.dilationWidth - g.padLeft
                        if g.strideWidth == 1 && x0 >= 0 && x0 + g.outWidth <= g.width {
                            destination.update(from: line + x0, count: g.outWidth)
                        } else if g.strideWidth == 2 {
                            everyOther(line, width: g.width, start: x0, into: destination, count: g.outWidth)
                        } else {
                            for ox in 0..<g.outWidth {
                                let ix = ox * g.strideWidth + x0
                                destination[ox] = ix >= 0 && ix < g.width ? line[ix] : 0
                            }
                        }
                    }
                    destination += g.outWidth
                }
            }
        }
    }

    /// `destination[o] = line[start + 2o]`, zero where that falls outside `0..<width`;
    /// the inside run a vector permute at a time.
    @inline(__always)
    private static func everyOther(_ line: UnsafePointer<Float>, width: Int, start: Int,
                                   into destination: UnsafeMutablePointer<Float>, count: Int) {
        let w = Vector.scalarCount
        // Outputs [low, high) read inside the line.
        let low = min(count, max(0, (1 - start) / 2)), high = max(low, min(count, (width - start + 1) / 2))
        destination.update(repeating: 0, count: low)
        var o = low
        while o + w <= high && start + 2 * (o + w) <= width {
            let first = loadVector(line + start + 2 * o), second = loadVector(line + start + 2 * o + w)
            storeVector(Vector(lowHalf: first.evenHalf, highHalf: second.evenHalf), destination + o)
            o += w
        }
        while o < high {
            destination[o] = line[start + 2 * o]
            o += 1
        }
        (destination + high).update(repeating: 0, count: count - high)
    }

    /// Transposed convolution: `columns = Wᵀ·X` per group, then each column value is
    /// added at its place in the output (positions in the cropped border are dropped).
    static func transposed(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, packed: [PackedMatrix],
                           epilogue: Epilogue, output: UnsafeMutablePointer<Float>, scratch: Scratch, kernels: KernelSet) {
        let rows = g.outPerGroup * g.taps, gemm = GEMM(kernels)
        for oc in 0..<g.outChannels {
            output.advanced(by: oc * g.outputPlane).update(repeating: epilogue.bias?[oc] ?? 0, count: g.outputPlane)
        }
        for group in 0..<g.groups {
            let columns = scratch.reserve(rows * g.inputPlane)
            gemm.multiply(packed[group], b: input + group * g.inPerGroup * g.inputPlane, ldb: g.inputPlane, n: g.inputPlane,
                          c: columns, ldc: g.inputPlane, epilogue: .none)
            for row in 0..<rows {
                let oc = group * g.outPerGroup + row / g.taps, tap = row % g.taps
                let ky = tap / g.kernelWidth, kx = tap % g.kernelWidth
                let plane = output + oc * g.outputPlane
                for y in 0..<g.height {
                    let oy = y * g.strideHeight + ky * g.dilationHeight - g.padTop
                    if oy < 0 || oy >= g.outHeight { continue }
                    let source = columns + row * g.inputPlane + y * g.width
                    for x in 0..<g.width {
                        let ox = x * g.strideWidth + kx * g.dilationWidth - g.padLeft
                        if ox >= 0 && ox < g.outWidth { plane[oy * g.outWidth + ox] += source[x] }
                    }
                }
            }
        }
        if !epilogue.activations.isEmpty {
            Epilogue(bias: nil, activations: epilogue.activations)
                .apply(output, g.outputPlane, rows: g.outChannels, columns: g.outputPlane, firstRow: 0, kernels: kernels)
        }
    }
}
