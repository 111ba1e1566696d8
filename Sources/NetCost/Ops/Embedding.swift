// MARK: Embedding lookup

/// A lookup table read at run-time indices (PyTorch's `nn.Embedding`, ONNX's Gather of a
/// stored `[V, D]` table by token ids): `[…] → […, D]`, one row of the table per index.
/// - params = `V·D`, the table
/// - flops  = 0: a copy
/// - memory = the indices, the rows read, the output. Which rows repeat depends on the
///            data, so the rows read are counted as if distinct: `min(indices, V)·D`
///
/// Indices are values, not positions: the layer has no receptive field.
public struct Embedding: OperationRules, Hashable {
    /// Rows of the table (`num_embeddings`).
    public var vocabulary: Int
    /// Values per row (`embedding_dim`).
    public var features: Int

    public init(vocabulary: Int, features: Int) {
        self.vocabulary = vocabulary
        self.features = features
    }

    public var kind: String { "embedding" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .joining }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// The indices, to scatter the gradient into the table's rows.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .input }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }

    /// `[V, D]`.
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [ParameterShape(.weight, [vocabulary, features])] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        try TensorShape(inputs[0].dims + [features])
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let lookups = inputs[0].elements
        return LayerCost(params: try vocabulary.multiplied(by: features),
                         inputReads: lookups,
                         weightReads: try min(lookups, vocabulary).multiplied(by: features),
                         outputWrites: output.elements)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }

    /// The indices' batch axis, which the output keeps in place.
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { inputs[0].batchAxis }

    public func details(_ inputs: [TensorShape]) -> String { "\(vocabulary)×\(features)" }

    /// `vocabulary` (rows) and `features` (values per row); the input holds the indices.
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .embedding(Embedding(vocabulary: try fields.int("vocabulary"), features: try fields.int("features")))
    }
}
