/// Every operation netcost knows, one case per op type. What an op is (family, storage,
/// fusion role) is asked of its `rules`, never decided by a switch over these cases; the
/// executor's dispatch switches over them, so a new case does not compile until it has
/// a kernel.
public enum Operation: Sendable, Hashable {
    case input(GraphInput)
    case convolution(Convolution)
    case transposedConvolution(TransposedConvolution)
    case transposedConvolutionND(TransposedConvolutionND)
    case convolutionND(ConvolutionND)
    case dynamicConvolution(DynamicConvolution)
    case linear(Linear)
    case matmul(MatMul)
    case einsum(Einsum)
    case lstm(LSTM)
    case normalization(Normalization)
    case activation(Activation)
    case softmax(Softmax)
    case pooling(Pooling)
    case poolingND(PoolingND)
    case globalPooling(GlobalPooling)
    case adaptivePooling(AdaptivePooling)
    case reduction(Reduction)
    case elementwise(Elementwise)
    case select(Select)
    case cumulativeSum(CumulativeSum)
    case concat(Concat)
    case repeating(Repeat)
    case take(Take)
    case embedding(Embedding)
    case gather(Gather)
    case gatherND(GatherND)
    case scatterND(ScatterND)
    case elementIndexing(ElementIndexing)
    case slice(Slice)
    case channelShuffle(ChannelShuffle)
    case reshape(Reshape)
    case transpose(Transpose)
    case identity(Identity)
    case upsample(Upsample)
    case pad(Pad)
    case fold(Fold)
    case constant(ConstantTensor)
    case unsupported(UnsupportedOperation)
    indirect case fused(Fused)

    /// The family's rules.
    public var rules: any OperationRules {
        switch self {
        case .input(let op): op
        case .convolution(let op): op
        case .transposedConvolution(let op): op
        case .transposedConvolutionND(let op): op
        case .convolutionND(let op): op
        case .dynamicConvolution(let op): op
        case .linear(let op): op
        case .matmul(let op): op
        case .einsum(let op): op
        case .lstm(let op): op
        case .normalization(let op): op
        case .activation(let op): op
        case .softmax(let op): op
        case .pooling(let op): op
        case .poolingND(let op): op
        case .globalPooling(let op): op
        case .adaptivePooling(let op): op
        case .reduction(let op): op
        case .elementwise(let op): op
        case .select(let op): op
        case .cumulativeSum(let op): op
        case .concat(let op): op
        case .repeating(let op): op
        case .take(let op): op
        case .embedding(let op): op
        case .gather(let op): op
        case .gatherND(let op): op
        case .scatterND(let op): op
        case .elementIndexing(let op): op
        case .slice(let op): op
        case .channelShuffle(let op): op
        case .reshape(let op): op
        case .transpose(let op): op
        case .identity(let op): op
        case .upsample(let op): op
        case .pad(let op): op
        case .fold(let op): op
        case .constant(let op): op
        case .unsupported(let op): op
        case .fused(let op): op
        }
    }

    public var kind: String { rules.kind }

    /// The convolution or linear layer inside a fused layer; the operation itself otherwise.
    public var base: Operation {
        if case .fused(let fused) = self { return fused.base }
        return self
    }

    /// The activations a fused layer applies to its output as it writes it; none otherwise.
    public var fusedActivations: [Activation] {
        if case .fused(let fused) = self { return fused.activations }
        return []
    }
}

/// A graph input: its shape is given, it costs nothing.
public struct GraphInput: OperationRules, Hashable {
    public var shape: TensorShape

    public init(shape: TensorShape) {
        self.shape = shape
    }

    public var kind: String { "input" }
    public var arity: Arity { .none }
    public static var family: OpFamily { .source }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }
    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape { shape }
    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost { .zero }
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { shape.batchAxis }
}

/// A tensor stored in a model file that a layer reads as an operand rather than as its
/// weights (an ONNX initializer or Constant feeding Add, Mul, Div): it costs nothing to
/// produce; its elements count as parameters through `Layer.storedParameters`.
public struct ConstantTensor: OperationRules, Hashable {
    public var shape: TensorShape

    public init(shape: TensorShape) {
        self.shape = shape
    }

    public var kind: String { "constant" }
    public var arity: Arity { .none }
    public static var family: OpFamily { .source }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }
    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape { shape }
    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost { .zero }
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { shape.batchAxis }
}

/// An op netcost has no rules for (from an ONNX file). It stays in the graph, with an
/// output shape taken from the file, so that the layers after it are still counted;
/// its own cost is unknown and every report lists it and says the totals are partial.
public struct UnsupportedOperation: OperationRules, Hashable {
    public var opType: String
    public var shape: TensorShape
    /// Why a known op type was not counted here (`"a trip count computed at run time"`),
    /// nil for an op netcost does not know.
    public var reason: String?

    public init(opType: String, shape: TensorShape, reason: String? = nil) {
        self.opType = opType
        self.shape = shape
        self.reason = reason
    }

    public var kind: String { opType }
    public var arity: Arity { Arity(minimum: 0, maximum: nil) }
    public static var family: OpFamily { .unknown }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { TrainingRule(saves: [], known: false) }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }
    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape { shape }
    /// Unknown: reported as such, never read as a zero cost.
    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost { .zero }

    /// An op that keeps the spatial size is assumed to work position by position (most
    /// such ops are element-wise: Elu, PRelu, Erf); any other leaves the field unknown.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        guard let input = inputs.first, input.isFeatureMap, output.isFeatureMap, input.spatial == output.spatial else { return .unknown }
        return .pointwise
    }

    /// The shape taken from the file says.
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { shape.batchAxis }
}
