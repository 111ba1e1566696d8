import NetCost
import NetCostKernels

// Depthwise convolution (one input channel per group, `m` output channels each): too
// little arithmetic per element for a GEMM, so it runs directly, vectorized along the
// output row, in the kernel set's `depthwise_channel`. Each input channel is first laid
// out zero-padded and split into `stride` column phases, so that every tap of every
// output vector is one contiguous load. Short, ragged rows (28, 14, 7 wide) are walked
// as one long row over the padded width, the extra columns dropped, so that vectors
// stay full.

/// Where a depthwise layer's padded phase planes put things, for a run of `outHeight`
/// output rows (the whole map, or one band of it).
struct DepthwiseLayout {
    let phaseWidth: Int, phaseRows: Int
    /// Walking the plane as one row pays for copying the outputs out; it wins when rows
    /// are short and ragged, not when they are whole vectors. (Storing a row's last part
    /// of a vector with a masked store instead measured 10% slower on AMD's Zen 4.)
    let flat: Bool
    let rowLength: Int
    /// Floats of the phase planes, with slack for a last vector that reads past them.
    let planeSize: Int
    /// Where tap (ky, kx) of output (0, 0) lies: its phase plane, then its place in it.
    let offsets: [Int]

    init(_ g: ConvolutionGeometry, outHeight: Int, kernels: KernelSet) {
        let w = kernels.lanes
        phaseWidth = g.outWidth + ((g.kernelWidth - 1) * g.dilationWidth) / g.strideWidth
        phaseRows = outHeight + ((g.kernelHeight - 1) * g.dilationHeight) / g.strideHeight
        let phasePlane = phaseRows * phaseWidth
        flat = g.outWidth % w != 0 && g.outWidth < 4 * w
        planeSize = g.strideHeight * g.strideWidth * phasePlane + phaseWidth + 2 * w
        let span = flat ? outHeight * phaseWidth : g.outWidth
        rowLength = (span + w - 1) / w * w
        var offsets: [Int] = []
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let row = ky * g.dilationHeight, column = kx * g.dilationWidth
                let plane = (row % g.strideHeight) * g.strideWidth + column % g.strideWidth
                offsets.append(plane * phasePlane + (row / g.strideHeight) * phaseWidth + column / g.strideWidth)
            }
        }
        self.offsets = offsets
    }

    /// Floats of scratch one worker needs: the phase planes, then a row.
    func scratchFloats(lanes: Int) -> Int { planeSize + rowLength + lanes }

    /// The kernel's constants for `height` input rows that start `padTop` rows of zeros
    /// below the padded plane's top, giving `outHeight` output rows.
    func plan(_ g: ConvolutionGeometry, height: Int, outHeight: Int, padTop: Int, clamp: (low: Float, high: Float)?,
              offsets: UnsafePointer<Int>) -> NetCostDepthwisePlan {
        NetCostDepthwisePlan(
            height: height, width: g.width, out_height: outHeight, out_width: g.outWidth,
            stride_height: g.strideHeight, stride_width: g.strideWidth, pad_top: padTop, pad_left: g.padLeft,
            phase_rows: phaseRows, phase_width: phaseWidth, taps: g.taps, offsets: offsets,
            flat: flat ? 1 : 0, row_length: rowLength, low: clamp?.low ?? -.infinity, high: clamp?.high ?? .infinity)
    }
}

enum DepthwiseConvolution {
    static func run(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                    epilogue: Epilogue, output: UnsafeMutablePointer<Float>, kernels: KernelSet) {
        let w = kernels.lanes
        let layout = DepthwiseLayout(g, outHeight: g.outHeight, kernels: kernels)
        let clamp = epilogue.clamp
        let activations = clamp == nil ? epilogue.activations : []
        let source = SharedPointer(UnsafeMutablePointer(mutating: input))
        let weights = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let destination = SharedPointer(output)
        let biases = epilogue.bias.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
        let parts = Parallel.chunks(g.inChannels, grain: 8, perWorker: 4)
        Parallel.forEach(parts.count, serial: g.inChannels * g.outputPlane * g.taps < 32_768) { part in
            // The planes' padding is zeroed here, once: each channel writes only its input values.
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: layout.scratchFloats(lanes: w))
            scratch.initialize(repeating: 0, count: layout.scratchFloats(lanes: w))
            defer { scratch.deallocate() }
            layout.offsets.withUnsafeBufferPointer { offsets in
                guard let offsets = offsets.baseAddress else { return }
                var plan = layout.plan(g, height: g.height, outHeight: g.outHeight, padTop: g.padTop, clamp: clamp, offsets: offsets)
                for ic in parts[part] {
                    let first = ic * g.outPerGroup
                    kernels.depthwiseChannel(&plan, plane: source.base + ic * g.inputPlane, padded: scratch,
                                             row: scratch + layout.planeSize, multiplier: g.outPerGroup,
                                             weights: weights.base + first * g.taps, biases: biases.map { UnsafePointer($0.base + first) },
                                             outputs: destination.base + first * g.outputPlane)
                    for function in activations { function.apply(destination.base + first * g.outputPlane, count: g.outPerGroup * g.outputPlane, kernels: kernels) }
                }
            }
        }
    }
}
