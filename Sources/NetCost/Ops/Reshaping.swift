// Ops that relabel or reorder data without arithmetic. Views (flatten, reshape,
// identity, dropout) cost nothing: a framework returns a new header on the same memory.
// Transpose is a copy: it reads and writes every element.

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
    public static var family: OpFamily { .reshaping }
    public var storage: OutputStorage { .view }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

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

    /// Keeping `[N, C, H, W]` with the same H and W keeps positions; anything else mixes them.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        guard inputs[0].isFeatureMap else { return .pointwise }
        return output.rank == 4 && Array(output.dims[2...]) == inputs[0].spatial ? .pointwise : .ends
    }

    /// Kept where the axes before it hold the same elements and it keeps its size (a
    /// flatten of the sample); lost where it is merged or split (heads into the batch).
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? {
        guard let axis = inputs[0].batchAxis else { return nil }
        let input = inputs[0].dims
        let before = input[..<axis].reduce(1, *)
        var product = 1
        for (index, size) in output.dims.enumerated() {
            if product == before && size == input[axis] { return index }
            product *= size
            if product > before { return nil }
        }
        return nil
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
    public static var family: OpFamily { .reshaping }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

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
        return permutation == [0, 1, 2, 3] ? .pointwise : .ends
    }

    /// Wherever the permutation moves it.
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? {
        inputs[0].batchAxis.flatMap { permutation.firstIndex(of: $0) }
    }
}

// MARK: Identity and dropout

/// Passes the input through: `identity`, `dropout` and `stochastic_depth` (identity at
/// inference). Costs nothing.
public struct Identity: OperationRules, Hashable {
    public var label: String
    /// What dropout and stochastic depth drop in training; their `p`.
    public var dropProbability: Double

    public init(label: String = "identity", dropProbability: Double = 0) {
        self.label = label
        self.dropProbability = dropProbability
    }

    public var kind: String { label }
    public var arity: Arity { .one }
    public static var family: OpFamily { .reshaping }
    public var storage: OutputStorage { .view }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// In training, dropout multiplies by a mask of the input's size and type (PyTorch on
    /// CPU) and stochastic depth by one value per sample; each keeps its mask, and its
    /// output is a tensor of its own. At `p` = 0 both pass the input through.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule {
        guard dropProbability > 0, let input = inputs.first else { return .nothing }
        switch label {
        case "dropout": return TrainingRule(saves: [.own("mask", elements: input.elements)], outputIsCopy: true)
        case "stochastic_depth": return TrainingRule(saves: [.own("mask", elements: input.batch)], outputIsCopy: true)
        default: return .nothing
        }
    }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }
    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape { inputs[0] }
    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost { .zero }
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }
}

// MARK: Spec fields

extension Reshape {
    /// `flatten`: `start` (0), `end` (-1). Axes count from 0 = channels: the batch is not an axis.
    static func decodeFlatten(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .reshape(Reshape(.flatten(start: SampleAxis.whole(try fields.int("start", default: 0, minimum: -8), of: inputs.first),
                                  end: SampleAxis.whole(try fields.int("end", default: -1, minimum: -8), of: inputs.first))))
    }

    /// `reshape`: `shape`, without the batch, one entry may be -1.
    static func decodeReshape(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        guard let shape = try fields.intArray("shape", minimum: -1), !shape.isEmpty else {
            throw fields.error("is required: the target shape without the batch, one entry may be -1", field: "shape")
        }
        guard let input = inputs.first, let batch = input.batchAxis, batch == 0 else { return .reshape(Reshape(.shape(shape))) }
        return .reshape(Reshape(.shape([input.dims[0]] + shape)))
    }
}

extension Transpose {
    /// `perm`: the input axis for each output axis.
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        guard let permutation = try fields.intArray("perm", minimum: 0) else { throw fields.error("is required", field: "perm") }
        guard let input = inputs.first, let batch = input.batchAxis, batch == 0 else { return .transpose(Transpose(permutation: permutation)) }
        return .transpose(Transpose(permutation: [0] + permutation.map { $0 + 1 }))
    }
}

extension Identity {
    /// `identity`, or `dropout` with an ignored `p`.
    static func decoder(_ label: String) -> OpDecoder {
        { (fields: inout LayerFields, _: [TensorShape]) throws(InputError) -> Operation in
            guard label != "identity" else { return .identity(Identity(label: label)) }
            let p = try fields.double("p", default: label == "dropout" ? 0.5 : 0.2)
            guard p >= 0, p < 1 else { throw fields.error("expected a probability from 0 up to 1", field: "p") }
            return .identity(Identity(label: label, dropProbability: p))
        }
    }
}
