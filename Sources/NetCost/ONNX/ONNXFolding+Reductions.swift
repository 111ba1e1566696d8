// Folding of the ops that make tensors (ConstantOfShape, Range) and reduce them.

extension ONNXFolding {
    // MARK: Generated tensors

    static func constantOfShape(_ context: ONNXNodeContext, _ shape: ONNXConstant) throws(InputError) -> ONNXConstant? {
        guard let dims = shape.integers else { return nil }
        guard dims.count <= ONNXLimits.rank, dims.allSatisfy({ $0 >= 0 }), let count = ONNXConstantMath.count(dims) else {
            throw context.error("\(TensorShape.format(dims)) is not a usable shape", field: "input")
        }
        let fill = context.node.attribute("value")?.tensor
        let type = fill?.dataType ?? ONNXDataType.float
        var values: TensorValues?
        if count <= ONNXLimits.integerValues {
            switch fill?.values {
            case .integers(let value)?: values = .integers(Array(repeating: value.first ?? 0, count: count))
            case .floats(let value)?: values = .floats(Array(repeating: value.first ?? 0, count: count))
            case nil: values = fill == nil ? .floats(Array(repeating: 0, count: count)) : nil
            }
        }
        return result(context, dims: dims, type: type, values: values, from: [])
    }

    static func range(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant? {
        guard inputs.count == 3, let start = inputs[0]?.scalar, let limit = inputs[1]?.scalar, let delta = inputs[2]?.scalar else { return nil }
        guard delta != 0, start.isFinite, limit.isFinite, delta.isFinite else { throw context.error("Range needs a finite, non-zero delta", field: "delta") }
        let steps = ((limit - start) / delta).rounded(.up)
        guard steps <= Double(LayerFields.maximumSize) else { throw context.error("Range of \(steps) elements is too long", field: "limit") }
        let count = steps > 0 ? Int(steps) : 0
        let isInteger = inputs[0]?.values.map { if case .integers = $0 { true } else { false } } ?? false
        var values: TensorValues?
        if count <= ONNXLimits.integerValues {
            let doubles = (0..<count).map { start + Double($0) * delta }
            values = .floats(doubles)
            if isInteger {
                values = doubles.allSatisfy({ abs($0) < 9.0e15 }) ? .integers(doubles.map { Int($0) }) : nil
            }
        }
        return result(context, dims: [count], type: inputs[0]?.dataType ?? ONNXDataType.int64, values: values, from: inputs)
    }

    // MARK: Reductions

    /// ReduceProd, ReduceSum, ReduceMin, ReduceMax and ReduceMean over small known tensors.
    static func reduce(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant? {
        guard let data = inputs.first ?? nil else { return nil }
        let keep = try context.flag("keepdims", default: true)
        var axes: [Int]
        switch try integers(context, inputs, position: 1, attribute: "axes") {
        case .unknown: return nil
        case .absent: axes = try context.flag("noop_with_empty_axes", default: false) ? [] : Array(data.dims.indices)
        case .known(let given): axes = try context.resolveAxes(given, rank: data.dims.count, field: "axes")
        }
        if axes.isEmpty, try context.flag("noop_with_empty_axes", default: false) { return data }
        if axes.isEmpty { axes = Array(data.dims.indices) }
        let kept = data.dims.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let dims = keep ? kept : data.dims.indices.filter { !axes.contains($0) }.map { data.dims[$0] }
        guard let doubles = data.doubles, isSmall(data.dims) else { return result(context, dims: dims, type: data.dataType, values: nil, from: [data]) }
        let outputStrides = ONNXConstantMath.strides(kept)
        let targets = ONNXConstantMath.mapIndices(data.dims) { coordinates in
            var flat = 0
            for axis in coordinates.indices where !axes.contains(axis) { flat += coordinates[axis] * outputStrides[axis] }
            return flat
        }
        let outputs = ONNXConstantMath.count(kept) ?? 0
        var groups = Array(repeating: [Double](), count: outputs)
        for (index, target) in targets.enumerated() where target < outputs { groups[target].append(doubles[index]) }
        let reduced = groups.map { group -> Double in
            switch context.opType {
            case "ReduceProd": group.reduce(1, *)
            case "ReduceSum": group.reduce(0, +)
            case "ReduceMin": group.min() ?? .infinity
            case "ReduceMax": group.max() ?? -.infinity
            default: group.isEmpty ? .nan : group.reduce(0, +) / Double(group.count)
            }
        }
        let isInteger = if case .integers? = data.values { true } else { false }
        let values: TensorValues = isInteger && reduced.allSatisfy({ $0.isFinite && abs($0) < 9.0e15 })
            ? .integers(reduced.map { Int($0) }) : .floats(reduced)
        return result(context, dims: dims, type: data.dataType, values: values, from: [data])
    }
}
