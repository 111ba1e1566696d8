import NetCost

/// Gathers and scatters at positions held in a tensor. An index is a value: rounded
/// toward zero, a negative one counted from the end of its axis (as ONNX does), and held
/// inside the axis so that any input runs.
enum IndexingKernel {
    @inline(__always)
    static func position(_ value: Float, size: Int) -> Int {
        var index = value.isFinite ? Int(max(min(value, 1.0e9), -1.0e9).rounded(.towardZero)) : 0
        if index < 0 { index += size }
        return min(max(index, 0), size - 1)
    }

    /// The offset, in slices, of the position that `depth` index values from `start`
    /// name in axes of sizes `sizes`.
    @inline(__always)
    static func row(_ indices: Tensor, start: Int, sizes: ArraySlice<Int>) -> Int {
        var row = 0
        for (offset, size) in sizes.enumerated() {
            row = row * size + position(indices.pointer[start + offset], size: size)
        }
        return row
    }

    /// `Gather`: for each position before the axis, one run of the axes after it per index.
    static func gather<P: Probe>(_ op: Gather, data: Tensor, indices: Tensor, output: Tensor, probe: inout P) {
        let dims = data.dims
        let axis = op.axis < 0 ? op.axis + dims.count : op.axis
        guard dims.indices.contains(axis), dims[axis] > 0 else { return }
        let size = dims[axis], inner = dims[(axis + 1)...].reduce(1, *), outer = dims[..<axis].reduce(1, *)
        let lookups = indices.elements
        var target = 0
        for o in 0..<outer {
            for lookup in 0..<lookups {
                let source = (o * size + position(indices.pointer[lookup], size: size)) * inner
                (output.pointer + target).update(from: data.pointer + source, count: inner)
                probe.readInput(1, lookup)
                probe.readInputs(0, source..<(source + inner))
                probe.writes(target..<(target + inner))
                target += inner
            }
        }
    }

    /// `GatherND`: per batch entry, each row of the indices' last axis names a slice.
    static func gatherND<P: Probe>(_ op: GatherND, data: Tensor, indices: Tensor, output: Tensor, probe: inout P) {
        guard let dataShape = try? TensorShape(data.dims), let indexShape = try? TensorShape(indices.dims),
              let g = try? op.geometry([dataShape, indexShape]) else { return }
        let sizes = data.dims[op.batchDims..<(op.batchDims + g.depth)]
        var target = 0
        for batch in 0..<g.batch {
            for lookup in 0..<g.lookups {
                let start = (batch * g.lookups + lookup) * g.depth
                let source = (batch * g.positions + row(indices, start: start, sizes: sizes)) * g.slice
                (output.pointer + target).update(from: data.pointer + source, count: g.slice)
                probe.readInputs(1, start..<(start + g.depth))
                probe.readInputs(0, source..<(source + g.slice))
                probe.writes(target..<(target + g.slice))
                target += g.slice
            }
        }
    }

    /// `ScatterND`: the data copied, then each update slice written (or combined) at the
    /// position its row of indices names, in order.
    static func scatterND<P: Probe>(_ op: ScatterND, data: Tensor, indices: Tensor, updates: Tensor, output: Tensor, probe: inout P) {
        output.pointer.update(from: data.pointer, count: output.elements)
        probe.readInputs(0, 0..<data.elements)
        probe.writes(0..<output.elements)
        guard let depth = indices.dims.last, depth >= 1, depth <= data.dims.count else { return }
        let sizes = data.dims[..<depth], slice = data.dims[depth...].reduce(1, *)
        for lookup in 0..<(indices.elements / depth) {
            let start = lookup * depth
            let destination = row(indices, start: start, sizes: sizes) * slice
            probe.readInputs(1, start..<(start + depth))
            probe.readInputs(2, lookup * slice..<(lookup + 1) * slice)
            for offset in 0..<slice {
                let value = updates.pointer[lookup * slice + offset], slot = output.pointer + destination + offset
                switch op.reduction {
                case .none: slot.pointee = value
                case .add: slot.pointee += value
                case .mul: slot.pointee *= value
                case .max: slot.pointee = Swift.max(slot.pointee, value)
                case .min: slot.pointee = Swift.min(slot.pointee, value)
                }
            }
        }
    }
}

extension IndexingKernel {
    /// `GatherElements` and `ScatterElements`: each index position names the data element
    /// at its own coordinates but its value along the axis.
    static func elements<P: Probe>(_ op: ElementIndexing, inputs: [Tensor], output: Tensor, probe: inout P) {
        let data = inputs[0], indices = inputs[1]
        let rank = data.dims.count
        let axis = op.axis < 0 ? op.axis + rank : op.axis
        guard (0..<rank).contains(axis), indices.dims.count == rank, data.dims[axis] > 0 else { return }
        var strides = Array(repeating: 1, count: rank)
        for dimension in stride(from: rank - 2, through: 0, by: -1) { strides[dimension] = strides[dimension + 1] * data.dims[dimension + 1] }
        if case .scatter = op.mode {
            output.pointer.update(from: data.pointer, count: output.elements)
            probe.readInputs(0, 0..<data.elements)
            probe.writes(0..<output.elements)
        }
        var coordinates = Array(repeating: 0, count: rank)
        for position in 0..<indices.elements {
            var target = 0
            for dimension in 0..<rank {
                let coordinate = dimension == axis ? Self.position(indices.pointer[position], size: data.dims[axis]) : coordinates[dimension]
                target += coordinate * strides[dimension]
            }
            probe.readInput(1, position)
            switch op.mode {
            case .gather:
                output.pointer[position] = data.pointer[target]
                probe.readInput(0, target)
                probe.write(position)
            case .scatter(let reduction):
                let value = inputs[2].pointer[position], slot = output.pointer + target
                probe.readInput(2, position)
                switch reduction {
                case .none: slot.pointee = value
                case .add: slot.pointee += value
                case .mul: slot.pointee *= value
                case .max: slot.pointee = Swift.max(slot.pointee, value)
                case .min: slot.pointee = Swift.min(slot.pointee, value)
                }
            }
            var dimension = rank - 1
            while dimension >= 0 {
                coordinates[dimension] += 1
                if coordinates[dimension] < indices.dims[dimension] { break }
                coordinates[dimension] = 0
                dimension -= 1
            }
        }
    }
}
