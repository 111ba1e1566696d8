/// Batch, group and layer normalization, at inference, on `[N, C, …]` (channels on axis 1).
///
/// - batch norm: params `2C` (scale γ, shift β), buffers `2C` (running mean and variance).
///   The per-channel scale `γ/√(var + ε)` and shift `β − mean·scale` cost 5 flops per
///   channel (add, square root, divide, multiply, subtract); then 2 per element
///   (multiply, add). Memory: input, the `4C` stored values, output.
/// - dynamic batch norm: the same map with a mean and variance that are its second and
///   third inputs, computed in the graph (PyTorch's `F.batch_norm` of a tensor that has
///   no running statistics, as NF-Nets standardize their weights): params `2C`, no
///   buffers, the same flops; memory: input, the `2C` statistics read as inputs, `2C`
///   stored values, output. The statistics' own arithmetic counts in the layers that
///   compute them.
/// - group norm (G groups) and layer norm (over the last `axes` dims) compute statistics:
///   per element 8 flops (mean: add; variance: subtract, multiply, add; normalize:
///   subtract, multiply; affine: multiply, add) and per normalized group 5 (two divides,
///   add ε, square root, reciprocal). Params `2C` for group norm, `2·∏(normalized dims)`
///   for layer norm; no buffers. Without an affine map (PyTorch's `affine=False`,
///   `elementwise_affine=False`) they store nothing and skip its 2 flops per element.
public struct Normalization: OperationRules, Hashable {
    public enum Method: Hashable, Sendable {
        case batch
        /// Batch norm by a mean and variance given as inputs 2 and 3.
        case dynamicBatch
        case group(groups: Int)
        /// Normalizes over the last `axes` dimensions.
        case layer(axes: Int)
    }

    public var method: Method
    /// Whether group or layer norm applies a learned scale and shift (batch norm always does).
    public var affine: Bool

    public init(_ method: Method, affine: Bool = true) {
        self.method = method
        self.affine = affine || method == .batch || method == .dynamicBatch
    }

    public var kind: String {
        switch method {
        case .batch: "batchnorm"
        case .dynamicBatch: "dynamic_batchnorm"
        case .group: "groupnorm"
        case .layer: "layernorm"
        }
    }

    public var arity: Arity { method == .dynamicBatch ? Arity(minimum: 3, maximum: 3) : .one }
    public static var family: OpFamily { .normalization }
    public var storage: OutputStorage { .buffer }

    /// Batch norm at inference is a fixed affine map that folds into the layer before it;
    /// group and layer norm compute statistics of their input and stay, and so does a
    /// batch norm whose statistics are computed at run time.
    public var fusion: FusionRole { method == .batch ? .foldsIntoBase : .standalone }
    /// Batch norm at inference is a per-channel affine map, written over its input; the
    /// others gather statistics first.
    public var inPlace: InPlaceRole { method == .batch ? .overwritesInput : .never }
    /// The input, and the mean and inverse standard deviation of each normalized set:
    /// per channel for batch norm, per sample and group for group norm, per row for layer norm.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule {
        let input = inputs[0]
        let sets: Int
        switch method {
        case .batch: sets = input.rank > 1 ? input.dims[1] : 1
        case .dynamicBatch: return .inputs(inputs.count)
        case .group(let groups): sets = (input.dims.first ?? 1) * groups
        case .layer(let axes):
            let normalized = input.dims.suffix(axes).reduce(1, *)
            sets = normalized == 0 ? 0 : input.elements / normalized
        }
        return TrainingRule(saves: [.input(0), .own("mean", elements: sets), .own("inverse std", elements: sets)])
    }

    public func isDepthwise(inputChannels: Int?) -> Bool { false }

    /// Scale γ and shift β (per channel, or over the normalized dims for layer norm), then
    /// batch norm's running mean and variance.
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] {
        let input = inputs[0]
        guard affine else { return [] }
        switch method {
        case .batch:
            return [ParameterShape(.scale, [input.channels]), ParameterShape(.shift, [input.channels]),
                    ParameterShape(.runningMean, [input.channels]), ParameterShape(.runningVariance, [input.channels])]
        case .group, .dynamicBatch:
            return [ParameterShape(.scale, [input.channels]), ParameterShape(.shift, [input.channels])]
        case .layer(let axes):
            let normalized = Array(input.dims.suffix(axes))
            return [ParameterShape(.scale, normalized), ParameterShape(.shift, normalized)]
        }
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let input = inputs[0]
        switch method {
        case .batch:
            guard input.rank >= 2 else {
                throw InputError("batch norm needs channels on axis 1 ([N, C, …]), got shape \(TensorShape.format(input.dims))", field: "inputs")
            }
        case .dynamicBatch:
            guard input.rank >= 2 else {
                throw InputError("batch norm needs channels on axis 1 ([N, C, …]), got shape \(TensorShape.format(input.dims))", field: "inputs")
            }
            for (position, statistic) in zip(["mean", "variance"], inputs.dropFirst()) where statistic.elements != input.channels {
                throw InputError("the \(position) \(TensorShape.format(statistic.dims)) does not hold one value per channel of \(TensorShape.format(input.dims))", field: "inputs")
            }
        case .group(let groups):
            guard input.rank >= 2 else {
                throw InputError("group norm needs channels on axis 1 ([N, C, …]), got shape \(TensorShape.format(input.dims))", field: "inputs")
            }
            guard input.channels % groups == 0 else {
                throw InputError("\(Plural.count(groups, "group")) \(groups == 1 ? "does" : "do") not divide the \(input.channels) channels", field: "groups")
            }
        case .layer(let axes):
            guard axes <= input.rank else {
                throw InputError("cannot normalize over the last \(axes) axes of a rank-\(input.rank) tensor", field: "axes")
            }
        }
        return input
    }

    /// Elements that share one set of statistics or one affine entry.
    private func normalizedElements(_ input: TensorShape) -> Int {
        switch method {
        case .batch, .dynamicBatch: input.elements / input.channels
        case .group(let groups): input.elements / (input.dims[0] * groups)
        case .layer(let axes): input.dims.suffix(axes).reduce(1, *)
        }
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let input = inputs[0]
        switch method {
        case .batch:
            let channels = input.channels
            return LayerCost(params: 2 * channels,
                             buffers: 2 * channels,
                             flops: try sum(try input.elements.multiplied(by: 2), 5 * channels),
                             inputReads: input.elements,
                             weightReads: 4 * channels,
                             outputWrites: output.elements)
        case .dynamicBatch:
            let channels = input.channels
            return LayerCost(params: 2 * channels,
                             flops: try sum(try input.elements.multiplied(by: 2), 5 * channels),
                             inputReads: try sum(input.elements, 2 * channels),
                             weightReads: 2 * channels,
                             outputWrites: output.elements)
        case .group, .layer:
            let groupSize = normalizedElements(input)
            let groups = input.elements / groupSize
            let perAffine = if case .layer = method { 2 * groupSize } else { 2 * input.channels }
            let params = affine ? perAffine : 0
            return LayerCost(params: params,
                             flops: try sum(try input.elements.multiplied(by: affine ? 8 : 6), try groups.multiplied(by: 5)),
                             inputReads: input.elements,
                             weightReads: params,
                             outputWrites: output.elements)
        }
    }

    /// Normalizing rescales each position's value (group and layer norm with statistics
    /// over the map): no new pixels enter an output's view, so the field passes through.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(Array(inputs.prefix(1)), output) }

    public func details(_ inputs: [TensorShape]) -> String {
        switch method {
        case .batch, .dynamicBatch: ""
        case .group(let groups): "g\(groups)" + (affine ? "" : " no affine")
        case .layer(let axes): (axes == 1 ? "" : "last \(axes)") + (affine ? "" : " no affine")
        }
    }
}

// MARK: Spec fields

extension Normalization {
    static func decodeBatch(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .normalization(Normalization(.batch))
    }

    /// No fields: the mean and variance are the second and third inputs.
    static func decodeDynamicBatch(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .normalization(Normalization(.dynamicBatch))
    }

    /// `groups`, `affine` (true).
    static func decodeGroup(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .normalization(Normalization(.group(groups: try fields.int("groups")), affine: try fields.bool("affine", default: true)))
    }

    /// `axes` (1): how many trailing dimensions are normalized; `affine` (true).
    static func decodeLayer(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .normalization(Normalization(.layer(axes: try fields.int("axes", default: 1)), affine: try fields.bool("affine", default: true)))
    }
}
