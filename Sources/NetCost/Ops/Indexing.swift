// Lookups and writes at positions that a tensor of indices holds, read at run time:
// ONNX's Gather, GatherND and ScatterND when their indices or data are computed (or
// stored without values netcost reads). Data movement: no flops (but a scatter's
// reduction), memory = the elements read and written. Indices are values, not
// positions of a map, so none of these carries a receptive field through.

// MARK: Gather

/// ONNX's Gather on run-time tensors: the entries of one axis of the data at the
/// positions the indices hold, `data[…axis) + indices + data(axis…]` (Swin3D's
/// relative-position bias read at a stored index, a run-time table read at stored
/// positions).
/// - flops  = 0: a copy
/// - memory = the `n` indices, the entries read and the output. Which entries repeat
///            depends on the values, so they are counted as if distinct: `min(n, size)`
///            entries of the axis, each `outer·inner` elements (`outer` the axes before
///            it, `inner` those after)
public struct Gather: OperationRules, Hashable {
    /// Axis of the data (the whole tensor's).
    public var axis: Int

    public init(axis: Int = 0) {
        self.axis = axis
    }

    public var kind: String { "gather" }
    public var arity: Arity { .two }
    public static var family: OpFamily { .joining }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// The positions, when computed (stored ones are weights).
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { TrainingRule(saves: [.input(1)]) }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let data = inputs[0].dims
        let axis = try ShapeCheck.axis(axis, rank: data.count)
        return try TensorShape(Array(data[..<axis]) + inputs[1].dims + Array(data[(axis + 1)...]))
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let data = inputs[0], lookups = inputs[1].elements
        let axis = try ShapeCheck.axis(axis, rank: data.rank)
        let size = data.dims[axis]
        let entries = try min(lookups, size).multiplied(by: data.elements / max(size, 1))
        return LayerCost(inputReads: try lookups.adding(entries), outputWrites: output.elements)
    }

    /// Indices of one axis along a feature map's channels keep every position in place;
    /// anything else picks entries by value, and the field ends.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        inputs[1].rank == 1 && output.rank == inputs[0].rank ? .along(axis: axis, of: inputs[0]) : .ends
    }

    /// The data's batch axis, moved past the indices' axes when it comes after the
    /// gathered axis, dropped when it is that axis; else the indices' own (token ids).
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? {
        let data = inputs[0], indices = inputs[1]
        let axis = axis < 0 ? axis + data.rank : axis
        if let batch = data.batchAxis {
            if batch < axis { return batch }
            return batch > axis ? batch + indices.rank - 1 : nil
        }
        return indices.batchAxis.map { $0 + axis }
    }

    public func details(_ inputs: [TensorShape]) -> String {
        "axis \(SampleAxis.text(axis, of: inputs.first)), \(inputs.count > 1 ? inputs[1].elements : 0) indices"
    }

    /// `axis` (0, the sample's first); the second input holds the indices.
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .gather(Gather(axis: SampleAxis.whole(try fields.int("axis", default: 0, minimum: -TensorShape.maximumRank), of: inputs.first)))
    }
}

// MARK: GatherND

/// ONNX's GatherND: each row of the indices' last axis (`k` long) names a position in
/// the data's axes `b ..< b + k` (`b` = `batchDims`, axes the two share), and the slice
/// there (the data's axes from `b + k` on) is copied out:
/// `indices[…−1) + data[b + k…]`. The dynamo exporter writes `table[index]` with a
/// tensor index this way.
/// - flops  = 0: a copy
/// - memory = the indices, the slices read and the output. Per batch entry, `L` lookups
///            into `R` possible positions read `min(L, R)` slices, counted as if
///            distinct, as for `gather`
public struct GatherND: OperationRules, Hashable {
    /// Leading axes the data and the indices share (ONNX's `batch_dims`).
    public var batchDims: Int

    public init(batchDims: Int = 0) {
        self.batchDims = batchDims
    }

    public var kind: String { "gather_nd" }
    public var arity: Arity { .two }
    public static var family: OpFamily { .joining }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { TrainingRule(saves: [.input(1)]) }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    /// The sizes the rules share: batch entries, lookups per entry, positions per entry
    /// and elements per slice.
    public func geometry(_ inputs: [TensorShape]) throws(InputError) -> (batch: Int, lookups: Int, positions: Int, slice: Int, depth: Int) {
        let data = inputs[0].dims, indices = inputs[1].dims
        guard let depth = indices.last, indices.count >= 1, batchDims >= 0, batchDims < indices.count,
              depth >= 1, batchDims + depth <= data.count else {
            throw InputError("indices \(TensorShape.format(indices)) with batch_dims \(batchDims) do not address data \(TensorShape.format(data))", field: "inputs")
        }
        guard Array(data[..<batchDims]) == Array(indices[..<batchDims]) else {
            throw InputError("the first \(batchDims) axes of data \(TensorShape.format(data)) and indices \(TensorShape.format(indices)) differ", field: "batch_dims")
        }
        let batch = data[..<batchDims].reduce(1, *)
        return (batch, indices[batchDims..<(indices.count - 1)].reduce(1, *), data[batchDims..<(batchDims + depth)].reduce(1, *),
                data[(batchDims + depth)...].reduce(1, *), depth)
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let depth = try geometry(inputs).depth
        return try TensorShape(Array(inputs[1].dims.dropLast()) + Array(inputs[0].dims[(batchDims + depth)...]))
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let g = try geometry(inputs)
        let slices = try product(g.batch, min(g.lookups, g.positions), g.slice)
        return LayerCost(inputReads: try inputs[1].elements.adding(slices), outputWrites: output.elements)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }

    /// Shared leading axes keep the data's batch axis when it leads.
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? {
        batchDims > 0 && inputs[0].batchAxis == 0 ? 0 : nil
    }

    public func details(_ inputs: [TensorShape]) -> String { batchDims == 0 ? "" : "batch_dims \(batchDims)" }

    /// `batch_dims` (0), of the whole tensors.
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .gatherND(GatherND(batchDims: try fields.int("batch_dims", default: 0, minimum: 0)))
    }
}

// MARK: ScatterND

/// ONNX's ScatterND: a copy of the data with the slices the indices name replaced by
/// (or, with a `reduction`, combined with) the updates: `data`'s shape. Each row of the
/// indices' last axis (`k` long) names a position in the data's first `k` axes; the
/// updates are `indices[…−1) + data[k…]`. Swin's shifted-window mask, built at run time.
/// - flops  = 0, or one per update element with a reduction (add, mul, max, min)
/// - memory = data + indices + updates read, the output written
public struct ScatterND: OperationRules, Hashable {
    public enum Reduction: String, Hashable, Sendable, CaseIterable {
        case none, add, mul, max, min
    }

    public var reduction: Reduction

    public init(reduction: Reduction = .none) {
        self.reduction = reduction
    }

    public var kind: String { "scatter_nd" }
    public var arity: Arity { Arity(minimum: 3, maximum: 3) }
    public static var family: OpFamily { .joining }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { TrainingRule(saves: [.input(1)]) }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let data = inputs[0].dims, indices = inputs[1].dims, updates = inputs[2].dims
        guard let depth = indices.last, depth >= 1, depth <= data.count else {
            throw InputError("indices \(TensorShape.format(indices)) do not address data \(TensorShape.format(data))", field: "inputs")
        }
        let expected = Array(indices.dropLast()) + Array(data[depth...])
        // A scalar's [1] stands for the [] a rank-0 update has.
        guard updates == expected || (expected.isEmpty && updates == [1]) else {
            throw InputError("updates \(TensorShape.format(updates)) should be \(TensorShape.format(expected)) for indices \(TensorShape.format(indices)) into \(TensorShape.format(data))", field: "inputs")
        }
        return inputs[0]
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        var cost = try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 0)
        if reduction != .none { cost.flops = inputs[2].elements }
        return cost
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { inputs[0].batchAxis }
    public func details(_ inputs: [TensorShape]) -> String { reduction == .none ? "" : reduction.rawValue }

    /// `reduction` (`none`; `add`, `mul`, `max`, `min`).
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        let name = try fields.choice("reduction", from: Reduction.allCases.map(\.rawValue), default: "none")
        return .scatterND(ScatterND(reduction: Reduction(rawValue: name) ?? .none))
    }
}

// MARK: GatherElements and ScatterElements

/// ONNX's GatherElements and ScatterElements on run-time tensors: element by element
/// along one axis. The indices have the data's rank; index `(…, i, …)` names the data's
/// element at the same coordinates but its own value along `axis`.
/// - `gather_elements`: the indices' shape. flops 0; memory = the indices, the entries
///   read (per line along the axis, `n` indices read `min(n, size)` entries, counted as if
///   distinct) and the output
/// - `scatter_elements`: the data's shape, the updates (the indices' shape) written at the
///   positions named. flops 0, or one per update with a `reduction`; memory = data +
///   indices + updates + the output
public struct ElementIndexing: OperationRules, Hashable {
    public enum Mode: Hashable, Sendable {
        case gather
        case scatter(ScatterND.Reduction)
    }

    public var mode: Mode
    /// Axis of the whole tensors.
    public var axis: Int

    public init(_ mode: Mode, axis: Int = 0) {
        self.mode = mode
        self.axis = axis
    }

    public var kind: String {
        switch mode {
        case .gather: "gather_elements"
        case .scatter: "scatter_elements"
        }
    }
    public var arity: Arity {
        switch mode {
        case .gather: .two
        case .scatter: Arity(minimum: 3, maximum: 3)
        }
    }
    public static var family: OpFamily { .joining }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { TrainingRule(saves: [.input(1)]) }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let data = inputs[0].dims, indices = inputs[1].dims
        let axis = try ShapeCheck.axis(axis, rank: data.count)
        // ONNX asks the indices to fit inside the data on every other axis.
        guard indices.count == data.count, zip(indices, data).enumerated().allSatisfy({ $0.offset == axis || $0.element.0 <= $0.element.1 }) else {
            throw InputError("indices \(TensorShape.format(indices)) do not fit data \(TensorShape.format(data)) along axis \(axis)", field: "inputs")
        }
        switch mode {
        case .gather:
            return inputs[1]
        case .scatter:
            guard inputs[2].dims == indices else {
                throw InputError("updates \(TensorShape.format(inputs[2].dims)) should have the indices' shape \(TensorShape.format(indices))", field: "inputs")
            }
            return inputs[0]
        }
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        switch mode {
        case .gather:
            let axis = try ShapeCheck.axis(axis, rank: inputs[0].rank)
            let along = inputs[1].dims[axis], size = inputs[0].dims[axis]
            let entries = try (inputs[1].elements / max(along, 1)).multiplied(by: min(along, size))
            return LayerCost(inputReads: try inputs[1].elements.adding(entries), outputWrites: output.elements)
        case .scatter(let reduction):
            var cost = try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 0)
            if reduction != .none { cost.flops = inputs[2].elements }
            return cost
        }
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String {
        var text = "axis \(SampleAxis.text(axis, of: inputs.first))"
        if case .scatter(let reduction) = mode, reduction != .none { text += ", \(reduction.rawValue)" }
        return text
    }

    /// `gather_elements`: `axis` (0, the sample's first).
    static func decodeGather(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .elementIndexing(ElementIndexing(.gather, axis: SampleAxis.whole(try fields.int("axis", default: 0, minimum: -TensorShape.maximumRank), of: inputs.first)))
    }

    /// `scatter_elements`: `axis` (0) and `reduction` (`none`; `add`, `mul`, `max`, `min`).
    static func decodeScatter(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        let axis = SampleAxis.whole(try fields.int("axis", default: 0, minimum: -TensorShape.maximumRank), of: inputs.first)
        let name = try fields.choice("reduction", from: ScatterND.Reduction.allCases.map(\.rawValue), default: "none")
        return .elementIndexing(ElementIndexing(.scatter(ScatterND.Reduction(rawValue: name) ?? .none), axis: axis))
    }
}
