/// Binary element-wise arithmetic (and sums of more inputs), with NumPy broadcasting:
/// the residual add, squeeze-excite's per-channel multiply `[C, H, W] × [C, 1, 1]`; also
/// the larger and smaller of inputs, a power with a tensor of exponents, and the
/// comparisons and logic of attention masks (1 for true, 0 for false).
///
/// - flops  = `(inputs − 1)·outputElements`: one operation per output element and pair
/// - memory = every input once (a broadcast operand is read once, not per use), the output
public struct Elementwise: OperationRules, Hashable {
    public enum Operator: String, Hashable, Sendable, CaseIterable {
        case add, sub, mul, div
        case max, min, pow = "pow_tensor"
        case equal, less, greater
        case lessOrEqual = "less_equal", greaterOrEqual = "greater_equal"
        case and, or
    }

    public var op: Operator

    public init(_ op: Operator) {
        self.op = op
    }

    public var kind: String { op.rawValue }
    public var arity: Arity { [.add, .mul, .max, .min].contains(op) ? .atLeastTwo : .two }
    public static var family: OpFamily { .elementwise }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .overwritesInput }
    /// A product keeps each operand another one's gradient reads; a quotient its divisor,
    /// and its dividend when the divisor is learned or computed; max and min both
    /// operands, a power its result too; sums and comparisons nothing.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule {
        switch op {
        case .add, .sub, .equal, .less, .greater, .lessOrEqual, .greaterOrEqual, .and, .or: .nothing
        case .mul: TrainingRule(saves: inputs.indices.map { .operand($0) })
        case .div: TrainingRule(saves: [.operand(0), .input(1)])
        case .max, .min: .inputs(inputs.count)
        case .pow: TrainingRule(saves: TrainingRule.inputs(inputs.count).saves + [.output])
        }
    }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        try Broadcast.shape(of: inputs, verb: op.rawValue)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: inputs.count - 1)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.broadcast(inputs, output) }
}

/// NumPy's broadcasting rule: align shapes at the right; each pair of sizes must be
/// equal or contain a 1.
public enum Broadcast {
    /// The shape all `inputs` broadcast to; an error says which pair does not and what
    /// the op (`verb`: "add", "select between") could not do.
    static func shape(of inputs: [TensorShape], verb: String) throws(InputError) -> TensorShape {
        if inputs.allSatisfy({ $0 == inputs[0] }) { return inputs[0] }
        var dims = inputs[0].dims
        for input in inputs.dropFirst() {
            do {
                dims = try shape(dims, input.dims)
            } catch {
                throw InputError("cannot \(verb) shapes \(TensorShape.format(dims)) and \(TensorShape.format(input.dims)): \(error.message)", field: "inputs")
            }
        }
        return try TensorShape(dims)
    }

    public static func shape(_ a: [Int], _ b: [Int]) throws(InputError) -> [Int] {
        let rank = max(a.count, b.count)
        let left = Array(repeating: 1, count: rank - a.count) + a
        let right = Array(repeating: 1, count: rank - b.count) + b
        var result: [Int] = []
        for (x, y) in zip(left, right) {
            guard x == y || x == 1 || y == 1 else {
                throw InputError("sizes \(x) and \(y) do not broadcast", field: "inputs")
            }
            result.append(max(x, y))
        }
        return result
    }
}

// MARK: Spec fields

extension Elementwise {
    static func decoder(_ op: Operator) -> OpDecoder {
        { (_: inout LayerFields, _: [TensorShape]) throws(InputError) -> Operation in .elementwise(Elementwise(op)) }
    }
}

// MARK: Select

/// ONNX's `Where(condition, x, y)`: x where the condition is non-zero, else y, the three
/// broadcast together (attention masks).
/// - flops  = one select per output element
/// - memory = every input once, the output
public struct Select: OperationRules, Hashable {
    public init() {}

    public var kind: String { "where" }
    public var arity: Arity { Arity(minimum: 3, maximum: 3) }
    public static var family: OpFamily { .elementwise }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// The condition, to route the gradient.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .input }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        try Broadcast.shape(of: inputs, verb: "select between")
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 1)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.broadcast(inputs, output) }

    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation { .select(Select()) }
}

// MARK: Cumulative sum

/// A running sum along one axis (ONNX's CumSum): `exclusive` leaves each element out of
/// its own sum, `reverse` runs from the end.
/// - flops  = one add per element
/// - memory = the input and the output
public struct CumulativeSum: OperationRules, Hashable {
    /// Axis of the whole tensor.
    public var axis: Int
    public var exclusive: Bool
    public var reverse: Bool

    public init(axis: Int, exclusive: Bool = false, reverse: Bool = false) {
        self.axis = axis
        self.exclusive = exclusive
        self.reverse = reverse
    }

    public var kind: String { "cumsum" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .elementwise }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        _ = try ShapeCheck.axis(axis, rank: inputs[0].rank)
        return inputs[0]
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 1)
    }

    /// Along H or W every position sees all before it; along other axes the map stays.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        .along(axis: axis, of: inputs[0])
    }

    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    /// `axis` (0), `exclusive` and `reverse` (false).
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .cumulativeSum(CumulativeSum(axis: SampleAxis.whole(try fields.int("axis", default: 0, minimum: -TensorShape.maximumRank), of: inputs.first),
                                     exclusive: try fields.bool("exclusive", default: false),
                                     reverse: try fields.bool("reverse", default: false)))
    }
}
