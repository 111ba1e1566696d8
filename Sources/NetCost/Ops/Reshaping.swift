// Ops that move or relabel data without arithmetic. Views (slice, split, flatten,
// reshape, identity, dropout) cost nothing: a framework returns a new header on the
// same memory. Copies (concat, channel shuffle, transpose) read and write every element.

// MARK: Concat

/// Joins inputs along one axis; all other sizes must agree. A copy: memory = inputs + output.
public struct Concat: OperationRules, Hashable {
    /// Axis of the per-sample shape (0 = channels).
    public var axis: Int

    public init(axis: Int = 0) {
        self.axis = axis
    }

    public var kind: String { "concat" }
    public var arity: Arity { .atLeastOne }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let first = inputs[0]
        let axis = try ShapeCheck.axis(axis, rank: first.rank)
        var total = 0
        for input in inputs {
            guard input.rank == first.rank,
                  zip(input.dims, first.dims).enumerated().allSatisfy({ $0.offset == axis || $0.element.0 == $0.element.1 }) else {
                throw InputError("cannot concatenate \(inputs.map { TensorShape.format($0.dims) }.joined(separator: " and ")) along axis \(axis): the other sizes differ", field: "inputs")
            }
            total += input.dims[axis]
        }
        var dims = first.dims
        dims[axis] = total
        return try TensorShape(dims)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 0)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
}

// MARK: Slice and split

/// A strided range of one axis: `start ..< end` in steps of `step`. Spec `split` (one
/// chunk of an equal or sized split, as in ShuffleNet V2's channel split) and `slice`
/// both make one. A view: costs nothing.
public struct Slice: OperationRules, Hashable {
    public var axis: Int
    public var start: Int
    /// Exclusive; clamped to the axis size like Python's slices.
    public var end: Int
    public var step: Int
    /// `split` or `slice`, as the spec said.
    public var label: String

    public init(axis: Int, start: Int, end: Int, step: Int = 1, label: String = "slice") {
        self.axis = axis
        self.start = start
        self.end = end
        self.step = step
        self.label = label
    }

    public var kind: String { label }
    public var arity: Arity { .one }

    /// The concrete start and end on an axis of `size`, negative values counting from the end.
    func bounds(size: Int) -> (start: Int, end: Int) {
        let lower = min(max(start < 0 ? start + size : start, 0), size)
        let upper = min(max(end < 0 ? end + size : end, 0), size)
        return (lower, upper)
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let input = inputs[0]
        let axis = try ShapeCheck.axis(axis, rank: input.rank)
        let (lower, upper) = bounds(size: input.dims[axis])
        guard upper > lower else {
            throw InputError("\(label) \(start)..<\(end) of an axis of \(input.dims[axis]) is empty", field: label == "split" ? "index" : "start")
        }
        var dims = input.dims
        dims[axis] = (upper - lower + step - 1) / step
        return try TensorShape(dims)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost { .zero }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        let input = inputs[0]
        let axis = axis < 0 ? axis + input.rank : axis
        guard input.isFeatureMap, axis > 0 else { return .pointwise }
        let along = AxisWindow(extent: 1, stride: Double(step), offset: -Double(bounds(size: input.dims[axis]).start))
        return axis == 1 ? .sliding(height: along, width: .identity) : .sliding(height: .identity, width: along)
    }

    public func details(_ inputs: [TensorShape]) -> String { "axis \(axis) [\(start):\(end)\(step == 1 ? "" : ":\(step)")]" }
}

// MARK: Channel shuffle

/// ShuffleNet's channel shuffle with `g` groups: `[g, C/g] → [C/g, g]` on the channel
/// axis. A copy: memory = input + output, no flops.
public struct ChannelShuffle: OperationRules, Hashable {
    public var groups: Int

    public init(groups: Int) {
        self.groups = groups
    }

    public var kind: String { "channel_shuffle" }
    public var arity: Arity { .one }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        guard inputs[0].channels % groups == 0 else {
            throw InputError("\(groups) groups do not divide the \(inputs[0].channels) channels", field: "groups")
        }
        return inputs[0]
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 0)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }

    public func details(_ inputs: [TensorShape]) -> String { "g\(groups)" }
}

// MARK: Flatten and reshape

/// A view with a new shape: `flatten` merges axes `start...end`; `reshape` takes a
/// target shape in which one `-1` is inferred. Costs nothing.
public struct Reshape: OperationRules, Hashable {
    public enum Form: Hashable, Sendable {
        case flatten(start: Int, end: Int)
        case shape([Int])
    }

    public var form: Form

    public init(_ form: Form) {
        self.form = form
    }

    public var kind: String {
        if case .flatten = form { return "flatten" }
        return "reshape"
    }

    public var arity: Arity { .one }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let input = inputs[0]
        switch form {
        case let .flatten(start, end):
            let first = try ShapeCheck.axis(start, rank: input.rank, field: "start")
            let last = try ShapeCheck.axis(end, rank: input.rank, field: "end")
            guard first <= last else { throw InputError("start axis \(start) comes after end axis \(end)", field: "start") }
            let merged = try product(of: input.dims[first...last])
            return try TensorShape(Array(input.dims[..<first]) + [merged] + Array(input.dims[(last + 1)...]))
        case .shape(let target):
            guard target.filter({ $0 == -1 }).count <= 1, target.allSatisfy({ $0 == -1 || $0 >= 1 }) else {
                throw InputError("a shape holds positive sizes and at most one -1", field: "shape")
            }
            let known = try product(of: target.filter { $0 != -1 })
            var dims = target
            if let inferred = target.firstIndex(of: -1) {
                guard input.elements % known == 0 else {
                    throw InputError("cannot infer -1: \(input.elements) elements do not divide by \(known)", field: "shape")
                }
                dims[inferred] = input.elements / known
            }
            guard try product(of: dims) == input.elements else {
                throw InputError("shape \(TensorShape.format(target)) holds a different number of elements than the input's \(input.elements)", field: "shape")
            }
            return try TensorShape(dims)
        }
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost { .zero }

    /// Keeping `[C, H, W]` with the same H and W keeps positions; anything else mixes them.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        guard inputs[0].isFeatureMap else { return .pointwise }
        return output.isFeatureMap && output.spatial == inputs[0].spatial ? .pointwise : .global
    }
}

// MARK: Transpose

/// Permutes axes (`perm[i]` is the input axis that becomes axis `i`). A copy:
/// memory = input + output, no flops.
public struct Transpose: OperationRules, Hashable {
    public var permutation: [Int]

    public init(permutation: [Int]) {
        self.permutation = permutation
    }

    public var kind: String { "transpose" }
    public var arity: Arity { .one }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let input = inputs[0]
        guard permutation.sorted() == Array(0..<input.rank) else {
            throw InputError("\(TensorShape.format(permutation)) is not a permutation of the \(input.rank) axes", field: "perm")
        }
        return try TensorShape(permutation.map { input.dims[$0] })
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 0)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        guard inputs[0].isFeatureMap else { return .pointwise }
        return permutation == [0, 1, 2] ? .pointwise : .global
    }
}

// MARK: Identity and dropout

/// Passes the input through: `identity`, and `dropout` (identity at inference). Costs nothing.
public struct Identity: OperationRules, Hashable {
    public var label: String

    public init(label: String = "identity") {
        self.label = label
    }

    public var kind: String { label }
    public var arity: Arity { .one }
    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape { inputs[0] }
    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost { .zero }
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
}

// MARK: Spec fields

extension Concat {
    /// `axis` (0, the channels).
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .concat(Concat(axis: try fields.int("axis", default: 0, minimum: -8)))
    }
}

extension Slice {
    /// `split`: `axis` (0), `index`, and `sizes` (chunk sizes) or `parts` (equal chunks, 2).
    static func decodeSplit(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        let axis = try fields.int("axis", default: 0, minimum: -8)
        let index = try fields.int("index", minimum: 0)
        var size = 0
        if let input = inputs.first, let resolved = try? ShapeCheck.axis(axis, rank: input.rank) { size = input.dims[resolved] }
        let sizes: [Int]
        if let given = try fields.intArray("sizes") {
            sizes = given
            guard sizes.reduce(0, +) == size else {
                throw fields.error("sizes \(TensorShape.format(sizes)) do not add up to the axis size \(size)", field: "sizes")
            }
        } else {
            let parts = try fields.int("parts", default: 2)
            guard size % parts == 0 else { throw fields.error("\(parts) equal parts do not divide an axis of \(size)", field: "parts") }
            sizes = Array(repeating: size / parts, count: parts)
        }
        guard index < sizes.count else {
            throw fields.error("index \(index) is past the last of \(sizes.count) chunks", field: "index")
        }
        let start = sizes[..<index].reduce(0, +)
        return .slice(Slice(axis: axis, start: start, end: start + sizes[index], label: "split"))
    }

    /// `slice`: `axis` (0), `start` (0), `end` (the axis end), `step` (1).
    static func decodeSlice(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .slice(Slice(axis: try fields.int("axis", default: 0, minimum: -8),
                     start: try fields.int("start", default: 0, minimum: -LayerFields.maximumSize),
                     end: try fields.int("end", default: LayerFields.maximumSize, minimum: -LayerFields.maximumSize),
                     step: try fields.int("step", default: 1)))
    }
}

extension ChannelShuffle {
    /// `groups`.
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .channelShuffle(ChannelShuffle(groups: try fields.int("groups")))
    }
}

extension Reshape {
    /// `flatten`: `start` (0), `end` (-1). Axes count from 0 = channels: the batch is not an axis.
    static func decodeFlatten(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .reshape(Reshape(.flatten(start: try fields.int("start", default: 0, minimum: -8),
                                  end: try fields.int("end", default: -1, minimum: -8))))
    }

    /// `reshape`: `shape`, without the batch, one entry may be -1.
    static func decodeReshape(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        guard let shape = try fields.intArray("shape", minimum: -1), !shape.isEmpty else {
            throw fields.error("is required: the target shape without the batch, one entry may be -1", field: "shape")
        }
        return .reshape(Reshape(.shape(shape)))
    }
}

extension Transpose {
    /// `perm`: the input axis for each output axis.
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        guard let permutation = try fields.intArray("perm", minimum: 0) else { throw fields.error("is required", field: "perm") }
        return .transpose(Transpose(permutation: permutation))
    }
}

extension Identity {
    /// `identity`, or `dropout` with an ignored `p`.
    static func decoder(_ label: String) -> OpDecoder {
        { (fields: inout LayerFields, _: [TensorShape]) throws(InputError) -> Operation in
            if label == "dropout" { _ = try fields.double("p", default: 0.5) }
            return .identity(Identity(label: label))
        }
    }
}
