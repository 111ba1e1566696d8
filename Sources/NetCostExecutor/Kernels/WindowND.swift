import NetCost

// Convolution and pooling over 1 or 3 spatial axes, one sample `[C, D₁ … Dₖ]` at a
// time: direct loops over a per-axis table of the input position each output position
// and tap reads (−1 in the padding). They serve the plain, reference and counting runs
// alike; a padding tap multiplies a zero and counts, as in the 2-D direct kernel.

/// Where each output position's taps fall along each axis.
struct WindowNDTable {
    let inputSizes: [Int], outputSizes: [Int], kernel: [Int]
    /// `positions[axis][o·k + t]`: the input position of tap `t` of output `o`, or −1.
    let positions: [[Int]]
    /// Flat taps and outputs: strides of the multi-indices.
    var taps: Int { kernel.reduce(1, *) }
    var outputs: Int { outputSizes.reduce(1, *) }
    var inputPlane: Int { inputSizes.reduce(1, *) }

    init(_ window: WindowND, input: [Int], output: [Int]) {
        let axes = (try? window.axes(input: input)) ?? []
        inputSizes = input
        outputSizes = output
        kernel = window.kernel
        positions = axes.enumerated().map { index, axis in
            var table: [Int] = []
            for o in 0..<output[index] {
                for t in 0..<axis.kernel {
                    let position = o * axis.stride - axis.padBefore + t * axis.dilation
                    table.append(position >= 0 && position < input[index] ? position : -1)
                }
            }
            return table
        }
    }

    /// Calls `body(outputIndex, inputIndices)` for every output position, with the flat
    /// input index of each tap in order (−1 in the padding), within one channel plane.
    func forEachWindow(_ body: (Int, [Int]) -> Void) {
        let rank = kernel.count, strides = Tensor.rowMajorStrides(inputSizes)
        var outputIndex = Array(repeating: 0, count: rank)
        var indices = Array(repeating: 0, count: taps)
        for flat in 0..<outputs {
            for tap in 0..<taps {
                var rest = tap, index = 0, inside = true
                for axis in (0..<rank).reversed() {
                    let t = rest % kernel[axis]
                    rest /= kernel[axis]
                    let position = positions[axis][outputIndex[axis] * kernel[axis] + t]
                    if position < 0 { inside = false }
                    index += position * strides[axis]
                }
                indices[tap] = inside ? index : -1
            }
            body(flat, indices)
            advance(&outputIndex, within: outputSizes)
        }
    }
}

/// Where a convolution kernel reads its weight: a stored tensor of the layer, or one of
/// its inputs (a weight computed at run time); the probe marks it as such.
enum WeightSource {
    case parameter(slot: Int)
    case input(slot: Int)
}

enum ConvolutionNDKernel {
    static func run<P: Probe>(_ conv: ConvolutionND, input: Tensor, weight: UnsafePointer<Float>, weightSource: WeightSource,
                              bias: UnsafePointer<Float>?, biasSlot: Int, activations: [Activation.Function],
                              output: Tensor, probe: inout P) {
        let table = WindowNDTable(conv.window, input: Array(input.dims.dropFirst()), output: Array(output.dims.dropFirst()))
        let inPerGroup = input.dims[0] / conv.groups, outPerGroup = conv.outChannels / conv.groups
        let taps = table.taps, plane = table.inputPlane, outPlane = table.outputs
        table.forEachWindow { position, indices in
            for oc in 0..<conv.outChannels {
                let group = oc / outPerGroup
                var sum: Float = 0
                for icInGroup in 0..<inPerGroup {
                    let channel = input.pointer + (group * inPerGroup + icInGroup) * plane
                    let weights = (oc * inPerGroup + icInGroup) * taps
                    for tap in 0..<taps {
                        let index = indices[tap]
                        switch weightSource {
                        case .parameter(let slot): probe.readParameter(slot, weights + tap)
                        case .input(let slot): probe.readInput(slot, weights + tap)
                        }
                        guard index >= 0 else { continue }
                        sum += weight[weights + tap] * channel[index]
                        probe.readInput(0, (group * inPerGroup + icInGroup) * plane + index)
                    }
                }
                probe.multiplyAdds(inPerGroup * taps)
                if let bias {
                    sum += bias[oc]
                    probe.readParameter(biasSlot, oc)
                }
                for function in activations { sum = function.apply(sum) }
                output.pointer[oc * outPlane + position] = sum
                probe.write(oc * outPlane + position)
            }
        }
    }
}

enum PoolingNDKernel {
    static func run<P: Probe>(_ pool: PoolingND, input: Tensor, output: Tensor, probe: inout P) {
        let spatial = Array(input.dims.dropFirst())
        let table = WindowNDTable(pool.window, input: spatial, output: Array(output.dims.dropFirst()))
        let axes = (try? pool.window.axes(input: spatial)) ?? []
        let plane = table.inputPlane, outPlane = table.outputs
        // PyTorch's divisor with count_include_pad: the window clipped to the padded input.
        var padded: [Int] = []
        if pool.mode == .average && pool.countIncludePad {
            var counts = Array(repeating: 0, count: outPlane)
            var outputIndex = Array(repeating: 0, count: axes.count)
            for flat in 0..<outPlane {
                var count = 1
                for (axis, window) in axes.enumerated() {
                    let start = outputIndex[axis] * window.stride - window.padBefore
                    count *= min(start + window.kernel, spatial[axis] + window.padBefore) - start
                }
                counts[flat] = count
                advance(&outputIndex, within: table.outputSizes)
            }
            padded = counts
        }
        table.forEachWindow { position, indices in
            for channel in 0..<input.dims[0] {
                var best = -Float.infinity, total: Float = 0, inside = 0
                for index in indices where index >= 0 {
                    let value = input.pointer[channel * plane + index]
                    probe.readInput(0, channel * plane + index)
                    best = max(best, value)
                    total += value
                    inside += 1
                }
                let divisor = padded.isEmpty ? inside : padded[position]
                let result = pool.mode == .max ? best : total / Float(max(divisor, 1))
                output.pointer[channel * outPlane + position] = result
                probe.write(channel * outPlane + position)
            }
        }
    }
}

/// Transposed convolution over 1 or 3 spatial axes, one sample `[C, D₁ … Dₖ]` at a time,
/// as a scatter: every input element is multiplied by every tap of its group's kernel;
/// a tap whose output position falls in the cropped border is computed and counted, and
/// dropped. Then the bias and fused activations, as each output is written.
enum TransposedConvolutionNDKernel {
    static func run<P: Probe>(_ conv: TransposedConvolutionND, input: Tensor, weight: UnsafePointer<Float>, weightSlot: Int,
                              bias: UnsafePointer<Float>?, biasSlot: Int, activations: [Activation.Function],
                              output: Tensor, probe: inout P) {
        let inputSizes = Array(input.dims.dropFirst()), outputSizes = Array(output.dims.dropFirst())
        let rank = conv.window.rank, kernel = conv.window.kernel, taps = kernel.reduce(1, *)
        let before = conv.cropping.before
        // `targets[axis][i·k + t]`: the output position of tap `t` of input position `i`, or −1 when cropped.
        let targets = (0..<rank).map { axis in
            var table: [Int] = []
            for i in 0..<inputSizes[axis] {
                for t in 0..<kernel[axis] {
                    let position = i * conv.window.stride[axis] + t * conv.window.dilation[axis] - before[axis]
                    table.append(position >= 0 && position < outputSizes[axis] ? position : -1)
                }
            }
            return table
        }
        let outStrides = Tensor.rowMajorStrides(outputSizes)
        let inPlane = inputSizes.reduce(1, *), outPlane = outputSizes.reduce(1, *)
        let inPerGroup = input.dims[0] / conv.groups, outPerGroup = conv.outChannels / conv.groups
        var sums = [Float](repeating: 0, count: conv.outChannels * outPlane)
        var inputIndex = Array(repeating: 0, count: rank)
        var destinations = Array(repeating: 0, count: taps)
        for position in 0..<inPlane {
            // Where each tap of this input position lands within an output channel plane.
            for tap in 0..<taps {
                var rest = tap, index = 0, inside = true
                for axis in (0..<rank).reversed() {
                    let t = rest % kernel[axis]
                    rest /= kernel[axis]
                    let target = targets[axis][inputIndex[axis] * kernel[axis] + t]
                    if target < 0 { inside = false }
                    index += target * outStrides[axis]
                }
                destinations[tap] = inside ? index : -1
            }
            for ic in 0..<input.dims[0] {
                let value = input.pointer[ic * inPlane + position]
                probe.readInput(0, ic * inPlane + position)
                let group = ic / inPerGroup
                for ocInGroup in 0..<outPerGroup {
                    let oc = group * outPerGroup + ocInGroup
                    let weights = (ic * outPerGroup + ocInGroup) * taps
                    for tap in 0..<taps {
                        probe.readParameter(weightSlot, weights + tap)
                        guard destinations[tap] >= 0 else { continue }
                        sums[oc * outPlane + destinations[tap]] += value * weight[weights + tap]
                    }
                    probe.multiplyAdds(taps)
                }
            }
            advance(&inputIndex, within: inputSizes)
        }
        for oc in 0..<conv.outChannels {
            for position in 0..<outPlane {
                var sum = sums[oc * outPlane + position]
                if let bias {
                    sum += bias[oc]
                    probe.readParameter(biasSlot, oc)
                }
                for function in activations { sum = function.apply(sum) }
                output.pointer[oc * outPlane + position] = sum
                probe.write(oc * outPlane + position)
            }
        }
    }
}
