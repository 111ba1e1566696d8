import NetCost

// Kernels that walk an output and read each operand through broadcast strides: where,
// expand and tile, and the running sum. An odometer over the output's axes moves each
// operand's offset by its stride for that axis (zero where it is broadcast), so no
// index is divided per element.

enum BroadcastKernel {
    /// `out = condition ≠ 0 ? x : y`, the three broadcast to the output.
    static func select<P: Probe>(inputs: [Tensor], output: Tensor, probe: inout P) {
        let strides = inputs.map { ElementwiseKernel.broadcastStrides($0.dims, to: output.dims) }
        walk(output.dims, strides) { index, offsets in
            let chosen = inputs[0].pointer[offsets[0]] != 0 ? 1 : 2
            output.pointer[index] = inputs[chosen].pointer[offsets[chosen]]
            // Both branches count as read, as a vector select reads them.
            for operand in 0..<3 { probe.readInput(operand, offsets[operand]) }
            probe.write(index)
        }
    }

    /// Expand (the input broadcast) and tile (the input repeated along each axis).
    static func repeating<P: Probe>(_ mode: Repeat.Mode, input: Tensor, output: Tensor, probe: inout P) {
        switch mode {
        case .expand:
            let strides = [ElementwiseKernel.broadcastStrides(input.dims, to: output.dims)]
            walk(output.dims, strides) { index, offsets in
                output.pointer[index] = input.pointer[offsets[0]]
                probe.readInput(0, offsets[0])
                probe.write(index)
            }
        case .tile:
            // Each output position reads the input at its position modulo the input's size.
            let dims = input.dims, sourceStrides = Tensor.rowMajorStrides(dims)
            var position = Array(repeating: 0, count: output.dims.count)
            for index in 0..<output.elements {
                var offset = 0
                for axis in dims.indices { offset += (position[axis] % dims[axis]) * sourceStrides[axis] }
                output.pointer[index] = input.pointer[offset]
                probe.readInput(0, offset)
                probe.write(index)
                advance(&position, within: output.dims)
            }
        }
    }

    /// The running sum along `axis`, forwards or from the end, each element in or out of its own sum.
    static func cumulativeSum<P: Probe>(_ op: CumulativeSum, input: Tensor, output: Tensor, probe: inout P) {
        let dims = input.dims
        let axis = op.axis < 0 ? op.axis + dims.count : op.axis
        let length = dims[axis]
        let inner = dims[(axis + 1)...].reduce(1, *), outer = dims[..<axis].reduce(1, *)
        for o in 0..<outer {
            for i in 0..<inner {
                var total: Float = 0
                for step in 0..<length {
                    let j = op.reverse ? length - 1 - step : step
                    let index = (o * length + j) * inner + i
                    let x = input.pointer[index]
                    if !op.exclusive { total += x }
                    output.pointer[index] = total
                    if op.exclusive { total += x }
                    probe.readInput(0, index)
                    probe.write(index)
                }
            }
        }
    }

    /// Calls `body(outputIndex, operandOffsets)` for every output element in memory order,
    /// each operand's offset moved by its stride per output axis.
    static func walk(_ dims: [Int], _ strides: [[Int]], _ body: (Int, [Int]) -> Void) {
        let count = dims.reduce(1, *)
        var position = Array(repeating: 0, count: dims.count)
        var offsets = Array(repeating: 0, count: strides.count)
        for index in 0..<count {
            body(index, offsets)
            var axis = dims.count - 1
            while axis >= 0 {
                position[axis] += 1
                for operand in strides.indices { offsets[operand] += strides[operand][axis] }
                if position[axis] < dims[axis] { break }
                for operand in strides.indices { offsets[operand] -= strides[operand][axis] * dims[axis] }
                position[axis] = 0
                axis -= 1
            }
        }
    }
}

extension BroadcastKernel {
    /// The entries `indices` of one axis, in order: for each position before the axis,
    /// one contiguous run of the axes after it per index.
    static func take<P: Probe>(_ op: Take, input: Tensor, output: Tensor, probe: inout P) {
        let dims = input.dims
        let axis = op.axis < 0 ? op.axis + dims.count : op.axis
        guard let indices = try? op.resolvedIndices(size: dims[axis]) else { return }
        let inner = dims[(axis + 1)...].reduce(1, *), outer = dims[..<axis].reduce(1, *)
        var target = 0
        for o in 0..<outer {
            for index in indices {
                let source = (o * dims[axis] + index) * inner
                (output.pointer + target).update(from: input.pointer + source, count: inner)
                probe.readInputs(0, source..<(source + inner))
                probe.writes(target..<(target + inner))
                target += inner
            }
        }
    }
}
