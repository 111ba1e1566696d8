import NetCost
import NetCostKernels

// Depthwise convolution (one input channel per group, `m` output channels each): too
// little arithmetic per element for a GEMM, so it runs directly, vectorized along the
// output row, in the kernel set's `depthwise_channel`. Each input channel is first laid
// out zero-padded and split into `stride` column phases, so that every tap of every
// output vector is one contiguous load. Short, ragged rows (28, 14, 7 wide) are walked
// as one long row over the padded width, the extra columns dropped, so that vectors
// stay full.

enum DepthwiseConvolution {
    static func run(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                    epilogue: Epilogue, output: UnsafeMutablePointer<Float>, kernels: KernelSet) {
        let w = kernels.lanes
        let phaseWidth = g.outWidth + ((g.kernelWidth - 1) * g.dilationWidth) / g.strideWidth
        let phaseRows = g.outHeight + ((g.kernelHeight - 1) * g.dilationHeight) / g.strideHeight
        let phasePlane = phaseRows * phaseWidth
        // Walking the plane as one row pays for copying the outputs out; it wins when
        // rows are short and ragged, not when they are whole vectors.
        let flat = g.outWidth % w != 0 && g.outWidth < 4 * w
        // Slack past the planes: a last vector may read beyond them (those lanes are dropped).
        let planeSize = g.strideHeight * g.strideWidth * phasePlane + phaseWidth + 2 * w
        let span = flat ? g.outHeight * phaseWidth : g.outWidth
        let rowLength = (span + w - 1) / w * w
        // Where tap (ky, kx) of output (0, 0) lies: its row and column phase planes, then
        // its place in them.
        var offsets: [Int] = []
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let row = ky * g.dilationHeight, column = kx * g.dilationWidth
                let plane = (row % g.strideHeight) * g.strideWidth + column % g.strideWidth
                offsets.append(plane * phasePlane + (row / g.strideHeight) * phaseWidth + column / g.strideWidth)
            }
        }
        let clamp = epilogue.clamp
        let activations = clamp == nil ? epilogue.activations : []
        let source = SharedPointer(UnsafeMutablePointer(mutating: input))
        let weights = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let destination = SharedPointer(output)
        let biases = epilogue.bias.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
        let parts = Parallel.chunks(g.inChannels, grain: 8, perWorker: 4)
        Parallel.forEach(parts.count, serial: g.inChannels * g.outputPlane * g.taps < 32_768) { part in
            // The planes' padding is zeroed here, once: each channel writes only its input values.
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: planeSize + rowLength + w)
            padded.initialize(repeating: 0, count: planeSize + rowLength + w)
            defer { padded.deallocate() }
            offsets.withUnsafeBufferPointer { offsets in
                var plan = NetCostDepthwisePlan(
                    height: g.height, width: g.width, out_height: g.outHeight, out_width: g.outWidth,
                    stride_height: g.strideHeight, stride_width: g.strideWidth, pad_top: g.padTop, pad_left: g.padLeft,
                    phase_rows: phaseRows, phase_width: phaseWidth, taps: g.taps, offsets: offsets.baseAddress,
                    flat: flat ? 1 : 0, row_length: rowLength, low: clamp?.low ?? -.infinity, high: clamp?.high ?? .infinity)
                for ic in parts[part] {
                    let first = ic * g.outPerGroup
                    kernels.depthwiseChannel(&plan, plane: source.base + ic * g.inputPlane, padded: padded, row: padded + planeSize,
                                             multiplier: g.outPerGroup, weights: weights.base + first * g.taps,
                                             biases: biases.map { UnsafePointer($0.base + first) },
                                             outputs: destination.base + first * g.outputPlane)
                    for function in activations { function.apply(destination.base + first * g.outputPlane, count: g.outPerGroup * g.outputPlane) }
                }
            }
        }
    }
}
