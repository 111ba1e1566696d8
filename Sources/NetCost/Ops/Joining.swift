// Ops that join, cut or reorder channels. Concat and channel shuffle are copies:
// they read and write every element. Slice and split are views and cost nothing.

// MARK: Concat

/// Joins inputs along one axis; all other sizes must agree. A copy: memory = inputs + output.
public struct Concat: OperationRules, Hashable {
    /// Axis of the whole tensor (1 = a feature map's channels).
    public var axis: Int

    public init(axis: Int = 1) {
        self.axis = axis
    }

    public var kind: String { "concat" }
    public var arity: Arity { .atLeastOne }
    public static var family: OpFamily { .joining }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

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

    /// Along channels each position keeps its place; along H or W the maps are laid end to end.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        .along(axis: axis, of: inputs[0])
    }

    /// Kept, also along it (two frames joined into a batch of two).
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }
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
    public static var family: OpFamily { .joining }
    public var storage: OutputStorage { .view }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

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
        guard input.isFeatureMap, axis > 1 else { return .pointwise }
        let along = AxisWindow(extent: 1, stride: Double(step), offset: -Double(bounds(size: input.dims[axis]).start))
        return axis == 2 ? .sliding(height: along, width: .identity) : .sliding(height: .identity, width: along)
    }

    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String {
        "axis \(SampleAxis.text(axis, of: inputs.first)) [\(start):\(end)\(step == 1 ? "" : ":\(step)")]"
    }
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
    public static var family: OpFamily { .joining }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        guard inputs[0].channels % groups == 0 else {
            throw InputError("\(Plural.count(groups, "group")) \(groups == 1 ? "does" : "do") not divide the \(inputs[0].channels) channels", field: "groups")
        }
        return inputs[0]
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 0)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String { "g\(groups)" }
}

// MARK: Spec fields

extension Concat {
    /// `axis` (0, the channels).
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .concat(Concat(axis: SampleAxis.whole(try fields.int("axis", default: 0, minimum: -8), of: inputs.first)))
    }
}

extension Slice {
    /// `split`: `axis` (0), `index`, and `sizes` (chunk sizes) or `parts` (equal chunks, 2).
    static func decodeSplit(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        let axis = SampleAxis.whole(try fields.int("axis", default: 0, minimum: -8), of: inputs.first)
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
        .slice(Slice(axis: SampleAxis.whole(try fields.int("axis", default: 0, minimum: -8), of: inputs.first),
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

// MARK: Expand and tile

/// Copies of the input laid side by side: `expand` broadcasts it to `shape` (NumPy's
/// rules: sizes of 1 grow), `tile` repeats it `repeats[i]` times along axis i
/// (global-query attention copied to every window). A copy: no flops, memory = input
/// and output.
public struct Repeat: OperationRules, Hashable {
    public enum Mode: Hashable, Sendable {
        /// The target shape, broadcast with the input's.
        case expand(shape: [Int])
        /// How many times each axis repeats.
        case tile(repeats: [Int])
    }

    public var mode: Mode

    public init(_ mode: Mode) {
        self.mode = mode
    }

    public var kind: String {
        switch mode {
        case .expand: "expand"
        case .tile: "tile"
        }
    }
    public var arity: Arity { .one }
    public static var family: OpFamily { .joining }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let dims = inputs[0].dims
        switch mode {
        case .expand(let shape):
            return try TensorShape(try Broadcast.shape(dims, shape))
        case .tile(let repeats):
            guard repeats.count == dims.count else {
                throw InputError("has \(repeats.count) repeats for a tensor of rank \(dims.count)", field: "repeats")
            }
            var result: [Int] = []
            for (size, times) in zip(dims, repeats) {
                guard times >= 1 else { throw InputError("repeat \(times) is not positive", field: "repeats") }
                result.append(try product(size, times))
            }
            return try TensorShape(result)
        }
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 0)
    }

    /// A copied map is laid beside itself along the axes it grows: a position's field is
    /// its source's, but where the map repeats the receptive field no longer describes
    /// one map, so it ends unless only non-spatial axes grow.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        guard inputs[0].isFeatureMap, output.rank == 4 else { return .ends }
        return Array(output.dims[2...]) == inputs[0].spatial ? .pointwise : .ends
    }

    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.broadcast(inputs, output) }

    /// `expand`: `shape`; `tile`: `repeats`.
    static func decodeExpand(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        guard let shape = try fields.intArray("shape") else { throw InputError("is required", field: "shape") }
        guard let input = inputs.first, input.batchAxis == 0 else { return .repeating(Repeat(.expand(shape: shape))) }
        return .repeating(Repeat(.expand(shape: [input.dims[0]] + shape)))
    }

    static func decodeTile(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        guard let repeats = try fields.intArray("repeats") else { throw InputError("is required", field: "repeats") }
        guard let input = inputs.first, input.batchAxis == 0 else { return .repeating(Repeat(.tile(repeats: repeats))) }
        return .repeating(Repeat(.tile(repeats: [1] + repeats)))
    }
}

// MARK: Take

/// NumPy's `take`: the entries `indices` of one axis, in that order, repeats allowed
/// (`x[:, [0, 2, 2]]`; ONNX's Gather with constant indices). A copy: memory = the entries
/// read and the output, no flops.
public struct Take: OperationRules, Hashable {
    /// Axis of the whole tensor.
    public var axis: Int
    /// Positions along the axis; negative ones count from its end.
    public var indices: [Int]

    public init(axis: Int, indices: [Int]) {
        self.axis = axis
        self.indices = indices
    }

    public var kind: String { "take" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .joining }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// Its positions are constants of the op.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    /// The indices resolved against an axis of `size`; an error names one out of range.
    public func resolvedIndices(size: Int) throws(InputError) -> [Int] {
        var resolved: [Int] = []
        for index in indices {
            let position = index < 0 ? index + size : index
            guard (0..<size).contains(position) else {
                throw InputError("index \(index) is out of range for an axis of \(size)", field: "indices")
            }
            resolved.append(position)
        }
        return resolved
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let axis = try ShapeCheck.axis(axis, rank: inputs[0].rank)
        guard !indices.isEmpty else { throw InputError("must name at least one index", field: "indices") }
        _ = try resolvedIndices(size: inputs[0].dims[axis])
        var dims = inputs[0].dims
        dims[axis] = indices.count
        return try TensorShape(dims)
    }

    /// Reads the distinct entries it takes, once each.
    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let axis = axis < 0 ? axis + inputs[0].rank : axis
        let distinct = Set((try? resolvedIndices(size: inputs[0].dims[axis])) ?? []).count
        let reads = inputs[0].elements / inputs[0].dims[axis] * distinct
        return LayerCost(inputReads: reads, outputWrites: output.elements)
    }

    /// Along channels each position keeps its place; along H or W the map is cut and reordered.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        .along(axis: axis, of: inputs[0])
    }

    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String { "axis \(SampleAxis.text(axis, of: inputs.first)), \(indices.count) indices" }

    /// `axis` (0) and `indices`.
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        guard let indices = try fields.intArray("indices", minimum: Int.min / 2) else { throw InputError("is required", field: "indices") }
        return .take(Take(axis: SampleAxis.whole(try fields.int("axis", default: 0, minimum: -TensorShape.maximumRank), of: inputs.first),
                          indices: indices))
    }
}
