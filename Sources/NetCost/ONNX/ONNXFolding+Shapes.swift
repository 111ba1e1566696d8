// Folding of the ops that move, select and reshape constants.

extension ONNXFolding {
    /// An integer argument given as input `position` (newer opsets) or as an attribute (older ones).
    static func integers(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?], position: Int, attribute: String) throws(InputError) -> ONNXArgument<[Int]> {
        if position < inputs.count, let input = inputs[position] {
            guard let values = input.integers else { return .unknown }
            return .known(values)
        }
        if let values = try context.ints(attribute) { return .known(values) }
        return .absent
    }

    /// ONNX Reshape's target: `0` copies the input's dim (unless `allowzero`), one `-1` is inferred.
    static func reshapeDims(_ input: [Int], _ target: [Int], allowZero: Bool, _ context: ONNXNodeContext) throws(InputError) -> [Int] {
        guard target.count <= ONNXLimits.rank else { throw context.error("a shape of rank \(target.count) is too large", field: "shape") }
        guard let total = ONNXConstantMath.count(input) else { throw context.error("the input has too many elements", field: "shape") }
        var dims = target
        var inferred: Int?
        for (axis, dim) in target.enumerated() {
            if dim == -1 {
                guard inferred == nil else { throw context.error("shape \(TensorShape.format(target)) has more than one -1", field: "shape") }
                inferred = axis
            } else if dim == 0 && !allowZero {
                guard axis < input.count else { throw context.error("0 at axis \(axis) copies an axis the input does not have", field: "shape") }
                dims[axis] = input[axis]
            } else if dim < 0 {
                throw context.error("shape \(TensorShape.format(target)) has a negative size", field: "shape")
            }
        }
        if let inferred {
            var known = dims
            known[inferred] = 1
            guard let rest = ONNXConstantMath.count(known), rest > 0, total % rest == 0 else {
                throw context.error("cannot infer -1 in \(TensorShape.format(target)) for \(total) elements", field: "shape")
            }
            dims[inferred] = total / rest
        }
        guard ONNXConstantMath.count(dims) == total else {
            throw context.error("shape \(TensorShape.format(target)) does not hold the input's \(total) elements (\(TensorShape.format(input)))", field: "shape")
        }
        return dims
    }

    static func reshape(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant? {
        guard let data = inputs.first ?? nil, case .known(let target) = try integers(context, inputs, position: 1, attribute: "shape") else { return nil }
        let dims = try reshapeDims(data.dims, target, allowZero: try context.flag("allowzero", default: false), context)
        return result(context, dims: dims, type: data.dataType, values: data.values, from: [data])
    }

    static func flatten(_ context: ONNXNodeContext, _ data: ONNXConstant) throws(InputError) -> ONNXConstant? {
        let axis = try context.int("axis", default: 1)
        let resolved = axis < 0 ? axis + data.dims.count : axis
        guard resolved >= 0, resolved <= data.dims.count,
              let outer = ONNXConstantMath.count(Array(data.dims[..<resolved])), let inner = ONNXConstantMath.count(Array(data.dims[resolved...])) else {
            throw context.error("axis \(axis) is out of range for rank \(data.dims.count)", field: "axis")
        }
        return result(context, dims: [outer, inner], type: data.dataType, values: data.values, from: [data])
    }

    static func unsqueeze(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant? {
        guard let data = inputs.first ?? nil, case .known(let axes) = try integers(context, inputs, position: 1, attribute: "axes") else { return nil }
        let rank = data.dims.count + axes.count
        guard rank <= ONNXLimits.rank else { throw context.error("rank \(rank) is too large", field: "axes") }
        let resolved = Set(try context.resolveAxes(axes, rank: rank, field: "axes"))
        var source = data.dims.makeIterator()
        let dims = (0..<rank).map { resolved.contains($0) ? 1 : source.next() ?? 1 }
        return result(context, dims: dims, type: data.dataType, values: data.values, from: [data])
    }

    static func squeeze(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant? {
        guard let data = inputs.first ?? nil else { return nil }
        let given: [Int]?
        switch try integers(context, inputs, position: 1, attribute: "axes") {
        case .unknown: return nil
        case .absent: given = nil
        case .known(let values): given = values
        }
        let removed = try context.squeezedAxes(given, of: data.dims)
        let dims = data.dims.indices.filter { !removed.contains($0) }.map { data.dims[$0] }
        return result(context, dims: dims, type: data.dataType, values: data.values, from: [data])
    }

    static func transpose(_ context: ONNXNodeContext, _ data: ONNXConstant) throws(InputError) -> ONNXConstant? {
        let rank = data.dims.count
        let permutation = try context.ints("perm") ?? Array((0..<rank).reversed())
        guard permutation.sorted() == Array(0..<rank) else {
            throw context.error("\(TensorShape.format(permutation)) is not a permutation of \(rank) axes", field: "perm")
        }
        guard let values = data.values, isSmall(data.dims) else {
            return result(context, dims: permutation.map { data.dims[$0] }, type: data.dataType, values: nil, from: [data])
        }
        let (dims, indices) = ONNXConstantMath.transpose(data.dims, permutation)
        return result(context, dims: dims, type: data.dataType, values: values.picking(indices), from: [data])
    }

    static func gather(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant? {
        guard inputs.count >= 2, let data = inputs[0], let indices = inputs[1] else { return nil }
        guard !data.dims.isEmpty else { throw context.error("cannot gather from a scalar", field: "data") }
        let axis = try context.resolveAxis(try context.int("axis", default: 0), rank: data.dims.count)
        guard let picked = indices.integers else {
            // Stored indices too many to read (Swin3D's relative-position index): a stored
            // tensor moved, whose dims are known and whose values are not.
            let dims = Array(data.dims[..<axis]) + indices.dims + Array(data.dims[(axis + 1)...])
            return result(context, dims: dims, type: data.dataType, values: nil, from: inputs)
        }
        let size = data.dims[axis]
        var resolved: [Int] = []
        for index in picked {
            let position = index < 0 ? index + size : index
            guard position >= 0, position < size else { throw context.error("index \(index) is out of range for an axis of \(size)", field: "indices") }
            resolved.append(position)
        }
        let dims = Array(data.dims[..<axis]) + indices.dims + Array(data.dims[(axis + 1)...])
        guard let values = data.values, isSmall(data.dims), isSmall(dims) else {
            return result(context, dims: dims, type: data.dataType, values: nil, from: inputs)
        }
        var picks = data.dims.map { Array(0..<$0) }
        picks[axis] = resolved
        return result(context, dims: dims, type: data.dataType, values: values.picking(ONNXConstantMath.select(data.dims, picks: picks)), from: inputs)
    }

    static func concat(_ context: ONNXNodeContext, _ inputs: [ONNXConstant]) throws(InputError) -> ONNXConstant? {
        guard let first = inputs.first, !first.dims.isEmpty else { return nil }
        let axis = try context.resolveAxis(try context.int("axis", default: 0), rank: first.dims.count)
        var dims = first.dims
        dims[axis] = 0
        for input in inputs {
            guard input.dims.count == first.dims.count,
                  input.dims.indices.allSatisfy({ $0 == axis || input.dims[$0] == first.dims[$0] }) else {
                throw context.error("cannot concatenate \(inputs.map { TensorShape.format($0.dims) }.joined(separator: " and ")) along axis \(axis)", field: "inputs")
            }
            dims[axis] = try checkedSum(dims[axis], input.dims[axis], context)
        }
        guard isSmall(dims), inputs.allSatisfy({ $0.values != nil }) else {
            return result(context, dims: dims, type: first.dataType, values: nil, from: inputs)
        }
        let outer = ONNXConstantMath.count(Array(first.dims[..<axis])) ?? 0
        var parts: [TensorValues] = []
        for block in 0..<outer {
            for input in inputs {
                guard let values = input.values else { continue }
                let inner = ONNXConstantMath.count(Array(input.dims[axis...])) ?? 0
                parts.append(values.picking(Array((block * inner)..<((block + 1) * inner))))
            }
        }
        return result(context, dims: dims, type: first.dataType, values: TensorValues.joined(parts), from: inputs)
    }

    static func slice(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant? {
        guard let data = inputs.first ?? nil,
              case .known(let starts) = try integers(context, inputs, position: 1, attribute: "starts"),
              case .known(let ends) = try integers(context, inputs, position: 2, attribute: "ends") else { return nil }
        let axes: [Int], steps: [Int]
        switch try integers(context, inputs, position: 3, attribute: "axes") {
        case .unknown: return nil
        case .absent: axes = Array(0..<starts.count)
        case .known(let given): axes = given
        }
        switch try integers(context, inputs, position: 4, attribute: "steps") {
        case .unknown: return nil
        case .absent: steps = Array(repeating: 1, count: starts.count)
        case .known(let given): steps = given
        }
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw context.error("starts, ends, axes and steps differ in length", field: "starts")
        }
        let resolved = try context.resolveAxes(axes, rank: data.dims.count, field: "axes")
        var dims = data.dims
        var picks = data.dims.map { Array(0..<min($0, ONNXLimits.integerValues + 1)) }
        for (index, axis) in resolved.enumerated() {
            guard steps[index] != 0, steps[index] != .min else { throw context.error("step \(steps[index]) is not usable", field: "steps") }
            guard dims[axis] <= LayerFields.maximumSize else { return nil }
            let range = ONNXConstantMath.sliceRange(start: starts[index], end: ends[index], step: steps[index], size: dims[axis])
            dims[axis] = range.count
            if range.count <= ONNXLimits.integerValues {
                picks[axis] = (0..<range.count).map { range.first + $0 * steps[index] }
            }
        }
        guard let values = data.values, isSmall(data.dims), isSmall(dims) else {
            return result(context, dims: dims, type: data.dataType, values: nil, from: [data])
        }
        return result(context, dims: dims, type: data.dataType, values: values.picking(ONNXConstantMath.select(data.dims, picks: picks)), from: [data])
    }

    static func expand(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant? {
        guard let data = inputs.first ?? nil, case .known(let shape) = try integers(context, inputs, position: 1, attribute: "shape") else { return nil }
        guard shape.count <= ONNXLimits.rank, shape.allSatisfy({ $0 >= 0 }), let dims = ONNXConstantMath.broadcast(data.dims, shape),
              ONNXConstantMath.count(dims) != nil else {
            throw context.error("cannot expand \(TensorShape.format(data.dims)) to \(TensorShape.format(shape))", field: "shape")
        }
        guard let values = data.values, isSmall(dims) else { return result(context, dims: dims, type: data.dataType, values: nil, from: [data]) }
        return result(context, dims: dims, type: data.dataType, values: values.picking(ONNXConstantMath.broadcastIndices(source: data.dims, output: dims)), from: [data])
    }

    /// Split sizes: the `split` input or attribute, else equal parts (the last smaller, opset 18).
    static func splitSizes(_ context: ONNXNodeContext, given: ONNXArgument<[Int]>, size: Int, outputs: Int) throws(InputError) -> [Int]? {
        switch given {
        case .unknown: return nil
        case .known(let sizes):
            guard sizes.count == outputs, sizes.allSatisfy({ $0 >= 0 }), total(sizes) == size else {
                throw context.error("split sizes \(TensorShape.format(sizes)) do not divide an axis of \(size) into \(outputs) outputs", field: "split")
            }
            return sizes
        case .absent:
            let parts = try context.int("num_outputs", default: outputs)
            guard parts == outputs, parts >= 1 else { throw context.error("\(parts) parts for \(outputs) outputs", field: "num_outputs") }
            let chunk = (size + parts - 1) / parts
            return (0..<parts).map { max(0, min(chunk, size - $0 * chunk)) }
        }
    }

    static func split(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> [ONNXConstant]? {
        guard let data = inputs.first ?? nil, !data.dims.isEmpty else { return nil }
        let axis = try context.resolveAxis(try context.int("axis", default: 0), rank: data.dims.count)
        guard let sizes = try splitSizes(context, given: try integers(context, inputs, position: 1, attribute: "split"),
                                         size: data.dims[axis], outputs: context.node.outputs.count) else { return nil }
        var pieces: [ONNXConstant] = []
        var start = 0
        for size in sizes {
            var dims = data.dims
            dims[axis] = size
            var values: TensorValues?
            if let all = data.values, isSmall(data.dims) {
                var picks = data.dims.map { Array(0..<$0) }
                picks[axis] = Array(start..<(start + size))
                values = all.picking(ONNXConstantMath.select(data.dims, picks: picks))
            }
            pieces.append(result(context, dims: dims, type: data.dataType, values: values, from: [data]))
            start += size
        }
        return pieces
    }

    /// The sum of non-negative sizes, saturating at `Int.max` rather than overflowing.
    private static func total(_ terms: [Int]) -> Int {
        var result = 0
        for term in terms { result = result.addingReportingOverflow(term).overflow ? .max : result + term }
        return result
    }

    private static func checkedSum(_ a: Int, _ b: Int, _ context: ONNXNodeContext) throws(InputError) -> Int {
        let (value, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw context.error("sizes overflow a 64-bit integer", field: "inputs") }
        return value
    }

    /// `GatherElements`: the indices' dims; each output takes the data's element at its
    /// own coordinates but along `axis`, where the index says.
    static func gatherElements(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant? {
        guard inputs.count == 2, let data = inputs[0], let indices = inputs[1] else { return nil }
        guard data.dims.count == indices.dims.count, !data.dims.isEmpty else {
            throw context.error("indices \(TensorShape.format(indices.dims)) and data \(TensorShape.format(data.dims)) differ in rank", field: "indices")
        }
        let axis = try context.resolveAxis(try context.int("axis", default: 0), rank: data.dims.count)
        guard let values = data.values, let picked = indices.integers, isSmall(indices.dims) else {
            return result(context, dims: indices.dims, type: data.dataType, values: nil, from: inputs)
        }
        let strides = ONNXConstantMath.strides(data.dims)
        let flat = ONNXConstantMath.mapIndices(indices.dims) { coordinates in
            var source = 0
            for (position, coordinate) in coordinates.enumerated() { source += coordinate * strides[position] }
            return source
        }
        let indexStrides = ONNXConstantMath.strides(indices.dims)
        let sources = flat.enumerated().map { position, base -> Int in
            var coordinate = 0, rest = position
            for (dimension, stride) in indexStrides.enumerated() {
                if dimension == axis { coordinate = rest / stride }
                rest %= stride
            }
            let index = picked[position] < 0 ? picked[position] + data.dims[axis] : picked[position]
            return base + (index - coordinate) * strides[axis]
        }
        return result(context, dims: indices.dims, type: data.dataType, values: values.picking(sources), from: inputs)
    }
}
