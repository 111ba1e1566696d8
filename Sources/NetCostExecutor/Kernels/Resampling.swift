import Foundation
import NetCost

// Nearest, bilinear and bicubic upsampling with PyTorch's index rules: a scale factor
// maps output position o to input position o/scale; a target size to o·in/out; the
// interpolating modes sample at the coordinate `Upsample.Coordinates` gives.

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
            let rows = taps(input: height, output: outHeight, ratio: ratios.0, coordinates: upsample.coordinates)
            let columns = taps(input: width, output: outWidth, ratio: ratios.1, coordinates: upsample.coordinates)
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
        case .bicubic:
            let a = upsample.cubicCoefficient
            let steps: (Double, Double) = switch upsample.target {
            case let .scale(h, w): (1 / h, 1 / w)
            case .size: (Double(height) / Double(outHeight), Double(width) / Double(outWidth))
            }
            let rows = cubicTaps(input: height, output: outHeight, ratio: steps.0, coordinates: upsample.coordinates, a: a)
            let columns = cubicTaps(input: width, output: outWidth, ratio: steps.1, coordinates: upsample.coordinates, a: a)
            for channel in 0..<channels {
                let plane = channel * height * width
                for oy in 0..<outHeight {
                    let r = rows[oy]
                    for ox in 0..<outWidth {
                        let c = columns[ox]
                        // Along the row first, then down the four rows, as PyTorch sums; in
                        // double precision, as the weights' signs differ and a sum that
                        // nearly cancels loses float digits.
                        var value: Double = 0
                        for i in 0..<4 {
                            let row = plane + r.indices[i] * width
                            var along: Double = 0
                            for j in 0..<4 {
                                along += Double(input.pointer[row + c.indices[j]]) * c.weights[j]
                                probe.readInput(0, row + c.indices[j])
                            }
                            value += along * r.weights[i]
                        }
                        let destination = (channel * outHeight + oy) * outWidth + ox
                        output.pointer[destination] = Float(value)
                        probe.write(destination)
                    }
                }
            }
        }
    }

    /// The input coordinate that output position `o` of an axis samples.
    private static func coordinate<T: BinaryFloatingPoint>(_ o: Int, input: Int, output: Int, ratio: T,
                                                           _ coordinates: Upsample.Coordinates) -> T {
        switch coordinates {
        case .halfPixel: ratio * (T(o) + 0.5) - 0.5
        case .pytorchHalfPixel: output > 1 ? ratio * (T(o) + 0.5) - 0.5 : 0
        case .alignCorners: output > 1 ? T(o) * T(input - 1) / T(output - 1) : 0
        case .asymmetric: T(o) * ratio
        }
    }

    /// For each output position along an axis: the two input neighbours and the weight of
    /// the second (a coordinate before the first position samples the first, as PyTorch clamps).
    private static func taps(input: Int, output: Int, ratio: Float, coordinates: Upsample.Coordinates) -> [(low: Int, high: Int, weight: Float)] {
        (0..<output).map { o in
            let source = max(coordinate(o, input: input, output: output, ratio: ratio, coordinates), 0)
            let low = min(Int(source), input - 1)
            let high = low < input - 1 ? low + 1 : low
            return (low, high, min(source - Float(low), 1))
        }
    }

    /// For each output position along an axis: the four taps `floor(x) − 1 … floor(x) + 2`
    /// around its coordinate `x`, clamped to the axis (the edge value repeats), and Keys'
    /// cubic convolution weights with coefficient `a` at distances `1 + t`, `t`, `1 − t`,
    /// `2 − t`, where `t = x − floor(x)`.
    private static func cubicTaps(input: Int, output: Int, ratio: Double, coordinates: Upsample.Coordinates,
                                  a: Double) -> [(indices: [Int], weights: [Double])] {
        // |d| ≤ 1: (a + 2)|d|³ − (a + 3)|d|² + 1; 1 < |d| < 2: a|d|³ − 5a|d|² + 8a|d| − 4a.
        let near = { (d: Double) in ((a + 2) * d - (a + 3)) * d * d + 1 }
        let far = { (d: Double) in ((a * d - 5 * a) * d + 8 * a) * d - 4 * a }
        return (0..<output).map { o in
            let x = coordinate(o, input: input, output: output, ratio: ratio, coordinates)
            let base = x.rounded(.down), t = x - base
            let indices = (-1...2).map { min(max(Int(base) + $0, 0), input - 1) }
            return (indices, [far(t + 1), near(t), near(1 - t), far((1 - t) + 1)])
        }
    }
}

/// Sums one sample's blocks `[C·∏k, L]` into its image `[C, D₁ … Dₙ]` (`Fold`): tap `t`
/// of block `b` goes to `b·s + t·d − pb` on each axis; a tap in the padding is neither
/// read nor added. Each output is written once, after its sums.
enum FoldKernel {
    static func run<P: Probe>(_ fold: Fold, input: Tensor, output: Tensor, probe: inout P) {
        let sizes = fold.outputSize, rank = sizes.count, kernel = fold.window.kernel
        guard let axes = try? fold.window.axes(input: sizes) else { return }
        let blocks = zip(axes, sizes).map { (try? $0.outputSize(input: $1)) ?? 0 }
        let taps = kernel.reduce(1, *), blockCount = input.dims[1], channels = input.dims[0] / taps
        let outStrides = Tensor.rowMajorStrides(sizes), plane = sizes.reduce(1, *)
        var sums = [Float](repeating: 0, count: channels * plane)
        var blockIndex = Array(repeating: 0, count: rank)
        for block in 0..<blockCount {
            for tap in 0..<taps {
                var rest = tap, target = 0, inside = true
                for axis in (0..<rank).reversed() {
                    let t = rest % kernel[axis]
                    rest /= kernel[axis]
                    let position = blockIndex[axis] * axes[axis].stride + t * axes[axis].dilation - axes[axis].padBefore
                    if position < 0 || position >= sizes[axis] { inside = false }
                    target += position * outStrides[axis]
                }
                guard inside else { continue }
                for channel in 0..<channels {
                    let source = (channel * taps + tap) * blockCount + block
                    sums[channel * plane + target] += input.pointer[source]
                    probe.readInput(0, source)
                }
            }
            advance(&blockIndex, within: blocks)
        }
        for index in sums.indices {
            output.pointer[index] = sums[index]
            probe.write(index)
        }
    }
}
