import NetCost
import NetCostKernels

// A 1×1 convolution read only by a depthwise one (MobileNetV2's expand and depthwise
// layers) runs as one kernel over bands of output rows: each band's expanded rows are
// computed into a buffer that stays in the L2 cache and convolved at once, so the
// expanded tensor, the block's largest, never goes out to memory. The rows that one
// band's windows share with the next are kept for it. Every output value is the same
// sum in the same order as when the two layers run apart.

enum PointwiseDepthwise {
    /// Bytes of expanded rows a band aims at: a good part of a core's L2 cache, with room
    /// for the input rows and the depthwise planes.
    static let bandBytes = 256 * 1024

    /// Whether the two convolutions can run banded: a plain 1×1 convolution into a
    /// depthwise one without a channel multiplier.
    static func applies(pointwise p: ConvolutionGeometry, depthwise d: ConvolutionGeometry) -> Bool {
        p.isPointwise && p.groups == 1 && d.isDepthwise && d.outPerGroup == 1 && d.inChannels == p.outChannels
            && d.height == p.outHeight && d.width == p.outWidth
    }

    /// Output rows per band for `channels` channels: as many as keep their expanded rows
    /// near `bandBytes`.
    static func bandRows(_ d: ConvolutionGeometry, channels: Int, bandBytes: Int) -> Int {
        let rowBytes = max(1, channels * d.width * MemoryLayout<Float>.stride)
        let inputRows = max(1, bandBytes / rowBytes)
        let reach = (d.kernelHeight - 1) * d.dilationHeight
        return min(d.outHeight, max(1, (inputRows - 1 - reach) / d.strideHeight + 1))
    }

    /// Output rows a band should have at least: fewer, and the fixed cost of each
    /// channel's band outweighs what the band saves.
    static let minimumBandRows = 8

    /// The channel slices (whole panels of the expand's weights) that the workers take,
    /// each walking its slice down the map band by band: at least one per worker, and
    /// more when a slice's `minimumBandRows` rows would not fit in `bandBytes`, in a
    /// multiple of the workers (three slices on two workers leave one idle a third of
    /// the time: MobileNetV2's stride-2 pairs ran 1.45× faster on two cores than on one).
    static func slices(_ d: ConvolutionGeometry, panels: Int, bandBytes: Int, workers: Int = Parallel.workers) -> [Range<Int>] {
        let rows = min(d.outHeight, minimumBandRows)
        let inputRows = min(d.height, (rows - 1) * d.strideHeight + (d.kernelHeight - 1) * d.dilationHeight + 1)
        let bytes = d.inChannels * inputRows * d.width * MemoryLayout<Float>.stride
        let needed = max(workers, (bytes + bandBytes - 1) / max(bandBytes, 1))
        let count = min(panels, (needed + workers - 1) / workers * workers)
        return (0..<count).map { ($0 * panels / count)..<(($0 + 1) * panels / count) }
    }

    static func run(bandBytes: Int, pointwise p: ConvolutionGeometry, packed: PackedMatrix, pointwiseEpilogue: Epilogue,
                    depthwise d: ConvolutionGeometry, weight: UnsafePointer<Float>, depthwiseEpilogue: Epilogue,
                    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, scratch: Scratch, kernels: KernelSet) {
        let w = kernels.lanes, gemm = GEMM(kernels)
        let parts = slices(d, panels: packed.panels, bandBytes: bandBytes)
        let widest = (parts.map(\.count).max() ?? 0) * packed.panelRows
        let rowsPerBand = bandRows(d, channels: min(widest, d.inChannels), bandBytes: bandBytes)
        let bands = (d.outHeight + rowsPerBand - 1) / rowsPerBand
        let reach = (d.kernelHeight - 1) * d.dilationHeight
        let maxInputRows = min(d.height, (rowsPerBand - 1) * d.strideHeight + reach + 1)
        let layouts = [rowsPerBand, d.outHeight - (bands - 1) * rowsPerBand].map { DepthwiseLayout(d, outHeight: $0, kernels: kernels) }
        let scratchFloats = layouts.map { $0.scratchFloats(lanes: w) }.max() ?? 0
        // The depthwise side's activations are a clamp, applied in the kernel's registers:
        // `MergedPair.find` merges no other pair.
        let clamp = depthwiseEpilogue.clamp
        assert(clamp != nil, "a merged depthwise layer's activations compose to a clamp")
        let source = SharedPointer(UnsafeMutablePointer(mutating: input))
        let weights = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let destination = SharedPointer(output)
        let biases = depthwiseEpilogue.bias.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
        // Each part's expanded rows (each channel's `channelStride` floats apart), then
        // its depthwise planes; kept from run to run, since fresh pages cost more than
        // the work.
        let channelStride = maxInputRows * d.width
        let partFloats = widest * channelStride + scratchFloats
        let buffers = SharedPointer(scratch.reserve(parts.count * partFloats))
        Parallel.forEach(parts.count) { part in
            let panels = parts[part]
            let channels = (panels.lowerBound * packed.panelRows)..<min(d.inChannels, panels.upperBound * packed.panelRows)
            let expanded = buffers.base + part * partFloats
            let planes = expanded + widest * channelStride
            // The input rows the buffer holds, from its top.
            var held = 0..<0
            // The planes' padding must be zero: cleared whenever a band's layout changes.
            var lastPlan: (height: Int, outHeight: Int, padTop: Int)?
            for band in 0..<bands {
                let oy0 = band * rowsPerBand, oy1 = min(d.outHeight, oy0 + rowsPerBand)
                let top = oy0 * d.strideHeight - d.padTop
                let iy0 = max(0, top), iy1 = min(d.height, (oy1 - 1) * d.strideHeight - d.padTop + reach + 1)
                // Rows the last band computed and this one needs move to the top; the rest
                // are computed.
                let kept = iy0..<max(iy0, min(iy1, held.upperBound))
                if !kept.isEmpty && kept.lowerBound > held.lowerBound {
                    for slot in 0..<channels.count {
                        let base = expanded + slot * channelStride
                        base.update(from: base + (kept.lowerBound - held.lowerBound) * d.width, count: kept.count * d.width)
                    }
                }
                if kept.upperBound < iy1 {
                    gemm.multiply(packed, panels: panels, b: source.base + kept.upperBound * p.width, ldb: p.inputPlane,
                                  n: (iy1 - kept.upperBound) * d.width, c: expanded + kept.count * d.width, ldc: channelStride,
                                  epilogue: pointwiseEpilogue)
                }
                held = iy0..<iy1
                let layout = layouts[oy1 - oy0 == rowsPerBand ? 0 : 1]
                let shape = (height: iy1 - iy0, outHeight: oy1 - oy0, padTop: iy0 - top)
                if lastPlan.map({ $0 != shape }) ?? true {
                    planes.update(repeating: 0, count: scratchFloats)
                    lastPlan = shape
                }
                layout.offsets.withUnsafeBufferPointer { offsets in
                    guard let offsets = offsets.baseAddress else { return }
                    var plan = layout.plan(d, height: shape.height, outHeight: shape.outHeight, padTop: shape.padTop, clamp: clamp,
                                           offsets: offsets)
                    for (slot, channel) in channels.enumerated() {
                        let target = destination.base + channel * d.outputPlane + oy0 * d.outWidth
                        kernels.depthwiseChannel(&plan, plane: expanded + slot * channelStride, padded: planes,
                                                 row: planes + layout.planeSize, multiplier: 1, weights: weights.base + channel * d.taps,
                                                 biases: biases.map { UnsafePointer($0.base + channel) }, outputs: target)
                    }
                }
            }
        }
    }
}
