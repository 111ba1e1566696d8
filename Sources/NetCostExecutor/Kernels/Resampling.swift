import NetCost

// Nearest and bilinear upsampling with PyTorch's index rules: a scale factor maps output
// position o to input position o/scale; a target size to o·in/out.

enum UpsampleKernel {
    static func run<P: Probe>(_ upsample: Upsample, input: Tensor, output: Tensor, probe: inout P) {
        let (channels, height, width) = (input.dims[0], input.dims[1], input.dims[2])
        let (outHeight, outWidth) = (output.dims[1], output.dims[2])
        let ratios: (Float, Float) = switch upsample.target {
        case let .scale(h, w): (Float(1 / h), Float(1 / w))
        case .size: (Float(height) / Float(outHeight), Float(width) / Float(outWidth))
        }
        switch upsample.mode {
        case .nearest:
            let rows = (0..<outHeight).map { min(Int((Float($0) * ratios.0).rounded(.down)), height - 1) }
            let columns = (0..<outWidth).map { min(Int((Float($0) * ratios.1).rounded(.down)), width - 1) }
            for channel in 0..<channels {
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        let source = (channel * height + rows[oy]) * width + columns[ox]
                        let destination = (channel * outHeight + oy) * outWidth + ox
                        output.pointer[destination] = input.pointer[source]
                        probe.readInput(0, source)
                        probe.write(destination)
                    }
                }
            }
        case .bilinear:
            let rows = taps(input: height, output: outHeight, ratio: ratios.0, alignCorners: upsample.alignCorners)
            let columns = taps(input: width, output: outWidth, ratio: ratios.1, alignCorners: upsample.alignCorners)
            for channel in 0..<channels {
                let plane = channel * height * width
                for oy in 0..<outHeight {
                    let r = rows[oy]
                    for ox in 0..<outWidth {
                        let c = columns[ox]
                        let indices = [plane + r.low * width + c.low, plane + r.low * width + c.high,
                                       plane + r.high * width + c.low, plane + r.high * width + c.high]
                        let top = input.pointer[indices[0]] * (1 - c.weight) + input.pointer[indices[1]] * c.weight
                        let bottom = input.pointer[indices[2]] * (1 - c.weight) + input.pointer[indices[3]] * c.weight
                        let destination = (channel * outHeight + oy) * outWidth + ox
                        output.pointer[destination] = top * (1 - r.weight) + bottom * r.weight
                        for index in indices { probe.readInput(0, index) }
                        probe.write(destination)
                    }
                }
            }
        }
    }

    /// For each output position along an axis: the two input neighbours and the weight of the second.
    private static func taps(input: Int, output: Int, ratio: Float, alignCorners: Bool) -> [(low: Int, high: Int, weight: Float)] {
        (0..<output).map { o in
            let source: Float
            if alignCorners {
                source = output > 1 ? Float(o) * Float(input - 1) / Float(output - 1) : 0
            } else {
                source = max(ratio * (Float(o) + 0.5) - 0.5, 0)
            }
            let low = min(Int(source), input - 1)
            let high = low < input - 1 ? low + 1 : low
            return (low, high, source - Float(low))
        }
    }
}
