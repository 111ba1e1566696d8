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
        let planeSize = phases * paddedRows * phaseWidth
        let source = SharedPointer(UnsafeMutablePointer(mutating: input))
        let weights = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let destination = SharedPointer(output)
        let parts = Parallel.chunks(g.inChannels)
        Parallel.forEach(parts.count, serial: g.inChannels * g.outputPlane * g.taps < 32_768) { part in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: planeSize)
            defer { padded.deallocate() }
            for ic in parts[part] {
                let plane = source.base + ic * g.inputPlane
                for phase in 0..<phases {
                    for row in 0..<paddedRows {
                        let iy = row - g.padTop
                        let line = padded + (phase * paddedRows + row) * phaseWidth
                        if iy < 0 || iy >= g.height {
                            line.update(repeating: 0, count: phaseWidth)
                            continue
                        }
                        for j in 0..<phaseWidth {
                            let ix = j * g.strideWidth + phase - g.padLeft
                            line[j] = ix >= 0 && ix < g.width ? plane[iy * g.width + ix] : 0
                        }
                    }
                }
                for oc in ic * multiplier..<(ic + 1) * multiplier {
                    channel(g, padded: padded, paddedRows: paddedRows, phaseWidth: phaseWidth,
                            weight: weights.base + oc * g.taps, bias: epilogue.bias?[oc] ?? 0,
                            activations: epilogue.activations, output: destination.base + oc * g.outputPlane)
                }
            }
        }
    }

    /// One output channel from its padded, phase-split input plane.
    @inline(__always)
    private static func channel(_ g: ConvolutionGeometry, padded: UnsafeMutablePointer<Float>, paddedRows: Int, phaseWidth: Int,
                                weight: UnsafePointer<Float>, bias: Float, activations: [Activation.Function],
                                output: UnsafeMutablePointer<Float>) {
        let w = Vector.scalarCount
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
                while ox + w <= g.outWidth {
                    var sum = Vector(repeating: bias)
                    for tap in 0..<offsets.count {
                        sum = sum.addingProduct(Vector(repeating: weight[tap]), loadVector(rowBase + offsets[tap] + ox))
                    }
                    for function in activations { sum = function.apply(sum) }
                    storeVector(sum, line + ox)
                    ox += w
                }
                while ox < g.outWidth {
                    var sum = bias
                    for tap in 0..<offsets.count { sum += weight[tap] * rowBase[offsets[tap] + ox] }
                    for function in activations { sum = function.apply(sum) }
                    line[ox] = sum
                    ox += 1
                }
            }
        }
    }
}
