import NetCost

// Batch, group and layer normalization at inference, with PyTorch's ε = 1e-5 and the
// biased variance of the normalized group.

enum NormalizationKernel {
    static let epsilon: Float = 1e-5

    /// Per channel (axis 0): `(x − mean)/√(var + ε)·γ + β` with the running statistics.
    static func batch<P: Probe>(input: Tensor, parameters: LayerParameters, output: Tensor, probe: inout P) {
        let channels = input.dims[0], inner = input.elements / channels
        guard let scale = parameters.pointer(.scale), let shift = parameters.pointer(.shift),
              let mean = parameters.pointer(.runningMean), let variance = parameters.pointer(.runningVariance) else { return }
        let slots = [ParameterRole.scale, .shift, .runningMean, .runningVariance].compactMap { parameters.slot($0) }
        // y = x·factor + offset per channel.
        let factors = (0..<channels).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
        let offsets = (0..<channels).map { shift[$0] - mean[$0] * factors[$0] }
        let source = SharedPointer(input.pointer), destination = SharedPointer(output.pointer)
        func normalize(_ channel: Int) {
            let from = source.base + channel * inner, to = destination.base + channel * inner
            let factor = factors[channel], offset = offsets[channel]
            for index in 0..<inner { to[index] = from[index] * factor + offset }
        }
        if !P.isCounting && input.elements >= 262_144 {
            // Large maps: channels spread over the cores.
            let parts = Parallel.chunks(channels, grain: 1, perWorker: 2)
            Parallel.forEach(parts.count) { part in parts[part].forEach(normalize) }
            return
        }
        for channel in 0..<channels {
            normalize(channel)
            for slot in slots { probe.readParameter(slot, channel) }
            probe.readInputs(0, channel * inner..<(channel + 1) * inner)
            probe.writes(channel * inner..<(channel + 1) * inner)
        }
    }

    /// Statistics over `groups` contiguous groups; the affine entry of element `i` of a
    /// group is `affineIndex(group, i)`.
    static func grouped<P: Probe>(input: Tensor, groups: Int, parameters: LayerParameters, output: Tensor,
                                  affineIndex: (Int, Int) -> Int, probe: inout P) {
        let size = input.elements / groups
        // Without an affine map (no stored scale and shift) the normalized value is the output.
        let scale = parameters.pointer(.scale), shift = parameters.pointer(.shift)
        let scaleSlot = parameters.slot(.scale), shiftSlot = parameters.slot(.shift)
        for group in 0..<groups {
            let source = input.pointer + group * size, destination = output.pointer + group * size
            var total: Double = 0
            for index in 0..<size { total += Double(source[index]) }
            let mean = total / Double(size)
            var squares: Double = 0
            for index in 0..<size {
                let centred = Double(source[index]) - mean
                squares += centred * centred
            }
            let inverse = Float(1 / (squares / Double(size) + Double(epsilon)).squareRoot())
            for index in 0..<size {
                let normalized = (source[index] - Float(mean)) * inverse
                guard let scale, let shift, let scaleSlot, let shiftSlot else {
                    destination[index] = normalized
                    continue
                }
                let affine = affineIndex(group, index)
                destination[index] = normalized * scale[affine] + shift[affine]
                probe.readParameter(scaleSlot, affine)
                probe.readParameter(shiftSlot, affine)
            }
            probe.readInputs(0, group * size..<(group + 1) * size)
            probe.writes(group * size..<(group + 1) * size)
        }
    }

    /// Per channel (axis 1 of the whole tensor `[N, C, …]`): `(x − mean)/√(var + ε)·γ + β`
    /// with the mean and variance of inputs 1 and 2.
    static func dynamicBatch<P: Probe>(inputs: [Tensor], parameters: LayerParameters, output: Tensor, probe: inout P) {
        let input = inputs[0], mean = inputs[1].pointer, variance = inputs[2].pointer
        let batch = input.dims[0], channels = input.dims[1], inner = input.elements / max(batch * channels, 1)
        guard let scale = parameters.pointer(.scale), let shift = parameters.pointer(.shift),
              let scaleSlot = parameters.slot(.scale), let shiftSlot = parameters.slot(.shift) else { return }
        for channel in 0..<channels {
            let factor = scale[channel] / (variance[channel] + epsilon).squareRoot()
            let offset = shift[channel] - mean[channel] * factor
            probe.readInput(1, channel)
            probe.readInput(2, channel)
            probe.readParameter(scaleSlot, channel)
            probe.readParameter(shiftSlot, channel)
            for sample in 0..<batch {
                let start = (sample * channels + channel) * inner
                let source = input.pointer + start, destination = output.pointer + start
                for index in 0..<inner { destination[index] = source[index] * factor + offset }
                probe.readInputs(0, start..<start + inner)
                probe.writes(start..<start + inner)
            }
        }
    }

    static func run<P: Probe>(_ norm: Normalization, inputs: [Tensor], parameters: LayerParameters, output: Tensor, probe: inout P) {
        let input = inputs[0]
        switch norm.method {
        case .batch:
            batch(input: input, parameters: parameters, output: output, probe: &probe)
        case .dynamicBatch:
            dynamicBatch(inputs: inputs, parameters: parameters, output: output, probe: &probe)
        case .group(let groups):
            // A group holds C/G whole channels: the affine entry is the element's channel.
            let perChannel = input.elements / input.dims[0], channelsPerGroup = input.dims[0] / groups
            grouped(input: input, groups: groups, parameters: parameters, output: output,
                    affineIndex: { group, index in group * channelsPerGroup + index / perChannel }, probe: &probe)
        case .layer(let axes):
            let size = input.dims.suffix(axes).reduce(1, *)
            grouped(input: input, groups: input.elements / size, parameters: parameters, output: output,
                    affineIndex: { _, index in index }, probe: &probe)
        }
    }
}
