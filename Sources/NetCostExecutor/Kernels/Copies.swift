import NetCost

// Ops that copy without arithmetic: concat, channel shuffle, transpose and constant
// padding. Each reads every input element once and writes every output element once.

enum CopyKernel {
    static func concat<P: Probe>(axis: Int, inputs: [Tensor], output: Tensor, probe: inout P) {
        let resolved = axis < 0 ? axis + output.dims.count : axis
        let inner = output.dims[(resolved + 1)...].reduce(1, *), outer = output.dims[..<resolved].reduce(1, *)
        let outChunk = output.dims[resolved] * inner
        if !P.isCounting && output.elements >= 262_144 {
            // Large copies cut into pieces of at least 64 Ki floats, spread over the cores.
            var pieces: [(from: SharedPointer, to: SharedPointer, count: Int)] = [], start = 0
            for input in inputs {
                let chunk = input.dims[resolved] * inner
                for o in 0..<outer {
                    for part in Parallel.chunks(chunk, grain: 65_536) {
                        pieces.append((SharedPointer(input.pointer + o * chunk + part.lowerBound),
                                       SharedPointer(output.pointer + o * outChunk + start + part.lowerBound), part.count))
                    }
                }
                start += chunk
            }
            Parallel.forEach(pieces.count) { index in
                pieces[index].to.base.update(from: pieces[index].from.base, count: pieces[index].count)
            }
            return
        }
        var start = 0
        for (slot, input) in inputs.enumerated() {
            let chunk = input.dims[resolved] * inner
            for o in 0..<outer {
                (output.pointer + o * outChunk + start).update(from: input.pointer + o * chunk, count: chunk)
                probe.readInputs(slot, o * chunk..<(o + 1) * chunk)
                probe.writes(o * outChunk + start..<o * outChunk + start + chunk)
            }
            start += chunk
        }
    }

    /// `[g, C/g, …] → [C/g, g, …]` on the channel axis.
    static func channelShuffle<P: Probe>(groups: Int, input: Tensor, output: Tensor, probe: inout P) {
        let channels = input.dims[0], inner = input.elements / channels, perGroup = channels / groups
        for group in 0..<groups {
            for index in 0..<perGroup {
                let source = group * perGroup + index, destination = index * groups + group
                (output.pointer + destination * inner).update(from: input.pointer + source * inner, count: inner)
                probe.readInputs(0, source * inner..<(source + 1) * inner)
                probe.writes(destination * inner..<(destination + 1) * inner)
            }
        }
    }

    /// Output axis `i` is input axis `permutation[i]`.
    static func transpose<P: Probe>(permutation: [Int], input: Tensor, output: Tensor, probe: inout P) {
        let inputStrides = Tensor.rowMajorStrides(input.dims)
        BroadcastKernel.walk(output.dims, [permutation.map { inputStrides[$0] }]) { position, offsets in
            output.pointer[position] = input.pointer[offsets[0]]
            probe.readInput(0, offsets[0])
            probe.write(position)
        }
    }

    /// Constant padding: the output filled with the pad value, then each row of the
    /// last axis copied to its place. Other modes copy, for each output element, the
    /// input element `Pad.source` names along each axis.
    static func pad<P: Probe>(_ pad: Pad, input: Tensor, output: Tensor, probe: inout P) {
        let rank = input.dims.count
        let outputStrides = Tensor.rowMajorStrides(output.dims), inputStrides = Tensor.rowMajorStrides(input.dims)
        guard pad.mode == .constant else {
            var index = Array(repeating: 0, count: rank)
            for position in 0..<output.elements {
                var source = 0
                for axis in 0..<rank { source += (pad.source(index[axis], axis: axis, size: input.dims[axis]) ?? 0) * inputStrides[axis] }
                output.pointer[position] = input.pointer[source]
                probe.readInput(0, source)
                probe.write(position)
                advance(&index, within: output.dims)
            }
            return
        }
        output.pointer.update(repeating: Float(pad.value), count: output.elements)
        let width = input.dims[rank - 1], rows = Array(input.dims.dropLast())
        var index = Array(repeating: 0, count: rank - 1)
        for row in 0..<(input.elements / max(width, 1)) {
            var destination = pad.before[rank - 1]
            for axis in 0..<(rank - 1) { destination += (index[axis] + pad.before[axis]) * outputStrides[axis] }
            let source = row * width
            (output.pointer + destination).update(from: input.pointer + source, count: width)
            probe.readInputs(0, source..<source + width)
            advance(&index, within: rows)
        }
        probe.writes(0..<output.elements)
    }
}

enum EmbeddingKernel {
    /// Each index's row of the table. An index is a value: rounded toward zero, a
    /// negative one counted from the end (as ONNX's Gather does), and held inside the
    /// table so that any input runs.
    static func run<P: Probe>(_ op: Embedding, indices: Tensor, table: LayerParameters, output: Tensor, probe: inout P) {
        guard let weight = table.pointer(.weight), let slot = table.slot(.weight) else { return }
        let features = op.features
        for position in 0..<indices.elements {
            var row = Int(indices.pointer[position].rounded(.towardZero))
            if row < 0 { row += op.vocabulary }
            row = min(max(row, 0), op.vocabulary - 1)
            probe.readInput(0, position)
            (output.pointer + position * features).update(from: weight + row * features, count: features)
            probe.readParameters(slot, row * features..<(row + 1) * features)
            probe.writes(position * features..<(position + 1) * features)
        }
    }
}
