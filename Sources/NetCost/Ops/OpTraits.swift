// What an op is, as the rest of netcost asks it: its family, where its output lives,
// its part in fusion and the tensors it stores. Every op answers each of these in its
// own family file (`OperationRules` requires them), so that a new op cannot be
// classified by a `default:` written before it existed.

/// The family an op belongs to: the `Family` column of `netcost ops`, and what the
/// checks and reports group ops by (G3 counts convolution and linear layers, G4 the
/// activations, element-wise ops and norms; the cost chart colours by family).
public enum OpFamily: String, CaseIterable, Sendable {
    /// Graph inputs and stored constants: tensors the graph is given, not computes.
    case source
    case convolution
    /// Fully connected layers and matrix products.
    case linear
    case normalization
    /// Activation functions and softmax.
    case activation
    case pooling
    case elementwise
    /// Concat, split, slice, channel shuffle: ops that join or cut tensors.
    case joining
    /// Flatten, reshape, transpose, identity, dropout.
    case reshaping
    /// Upsampling, padding, and folding blocks back into an image.
    case resampling
    /// A convolution or linear layer with its norm and activations fused (`--fuse`);
    /// the cost chart files it under its base's family.
    case fused
    /// An op netcost has no rules for (from an ONNX file).
    case unknown
}

/// Where an op's output lives.
public enum OutputStorage: Sendable, Equatable {
    /// A new header on its first input's memory (reshape, slice, identity): the op reads
    /// and writes nothing, and the input stays alive as long as the view is read.
    case view
    /// A buffer of its own: computed by a kernel (or, for a source, given).
    case buffer
}

/// An op's part in `Fusion.deploy`, the rewrite into the graph an inference engine runs.
public enum FusionRole: Sendable {
    /// A convolution or linear layer: a batch norm after it folds into its weights, and
    /// activations after it run on its output as it is written. `withBias` is this layer
    /// with a bias, which a folded norm's shift becomes.
    case base(withBias: Operation)
    /// Batch norm at inference: a per-channel affine map that folds into the base's weights.
    case foldsIntoBase
    /// An activation that the base applies to its output before writing it.
    case fusesIntoBase(Activation)
    /// Stays a layer of its own.
    case standalone
}

/// Whether an op may write its output over the memory of an input, as inference runtimes
/// do when nothing reads that input afterwards (`netcost memory --in-place`).
public enum InPlaceRole: Sendable, Equatable {
    /// Over an input with as many elements as the output: activations, batch norm at
    /// inference, element-wise arithmetic (an add overwriting one of its operands).
    case overwritesInput
    /// A buffer of its own.
    case never
}

/// What a stored tensor of a layer is for. Running statistics are buffers; the rest are
/// learned parameters (netcost's `params`).
public enum ParameterRole: String, Sendable {
    case weight, bias, scale, shift, runningMean = "running_mean", runningVariance = "running_var"
    /// A recurrent layer's weights and biases applied to its last hidden state (PyTorch's
    /// `weight_hh`, `bias_hh`).
    case recurrentWeight = "weight_hh", recurrentBias = "bias_hh"

    public var isBuffer: Bool { self == .runningMean || self == .runningVariance }
}

/// One tensor a layer stores, in PyTorch's layout: a convolution's weight is
/// `[C_out, C_in/g, kh, kw]`, a linear layer's `[F_out, F_in]`.
public struct ParameterShape: Sendable, Equatable {
    public var role: ParameterRole
    public var dims: [Int]

    public init(_ role: ParameterRole, _ dims: [Int]) {
        self.role = role
        self.dims = dims
    }
}

/// A tensor that autograd keeps from the forward pass for the backward one, under
/// PyTorch's rules on CPU (`netcost memory --training`). Stored tensors (weights) are
/// parameters and never counted here.
public enum SavedTensor: Sendable, Equatable {
    /// The layer's input at this position, as its producer wrote it (the same storage).
    case input(Int)
    /// Input `position`, kept only when another input carries a gradient (an activation or
    /// a learned weight): a product's gradient for one operand reads the others, and a
    /// constant factor (`x * 0.125`) needs none.
    case operand(Int)
    /// The layer's output.
    case output
    /// A tensor of the op's own: batch norm's statistics, max pooling's indices, dropout's
    /// mask. `bytesPerElement` nil means the activations' element type.
    case own(String, elements: Int, bytesPerElement: Int? = nil)
}

/// What an op keeps for its backward pass in training (PyTorch's derivative formulas).
public struct TrainingRule: Sendable, Equatable {
    public var saves: [SavedTensor]
    /// Whether the output, a view at inference, is a tensor of its own in training:
    /// dropout multiplies by its mask.
    public var outputIsCopy: Bool
    /// False for an op netcost has no rules for: what it keeps is unknown.
    public var known: Bool

    public init(saves: [SavedTensor], outputIsCopy: Bool = false, known: Bool = true) {
        self.saves = saves
        self.outputIsCopy = outputIsCopy
        self.known = known
    }

    /// Keeps nothing: its gradient needs only shapes (add, concat, views, padding).
    public static let nothing = TrainingRule(saves: [])
    /// Keeps its first input: convolutions, linear layers, most activations.
    public static let input = TrainingRule(saves: [.input(0)])
    /// Keeps its output: ReLU, sigmoid, tanh, softmax.
    public static let output = TrainingRule(saves: [.output])

    /// Keeps every input: products of two activations.
    public static func inputs(_ count: Int) -> TrainingRule {
        TrainingRule(saves: (0..<count).map { .input($0) })
    }
}

/// How a layer treats the channels of a feature map, for computing it one channel at a
/// time (`netcost memory --first-layer-trick`, MobileNetV2's Section 5).
public enum ChannelRole: Sendable, Equatable {
    /// Each output channel reads only the same input channel: depthwise convolutions,
    /// batch norm at inference, activations, windowed pooling.
    case perChannel
    /// A 1×1 convolution: its output can be summed up one input channel at a time.
    case pointwiseSum
    /// Needs its input's channels together, or is not a feature-map op.
    case mixes
}

extension Operation {
    public func channelRole(inputChannels: Int?) -> ChannelRole {
        switch self {
        case .convolution(let op):
            if op.isDepthwise(inputChannels: inputChannels) { return .perChannel }
            return op.kernel == .square(1) && op.groups == 1 ? .pointwiseSum : .mixes
        case .fused(let op):
            return op.base.channelRole(inputChannels: inputChannels)
        case .activation: return .perChannel
        case .normalization(let op): return op.method == .batch ? .perChannel : .mixes
        case .pooling: return .perChannel
        case .input, .transposedConvolution, .transposedConvolutionND, .convolutionND, .dynamicConvolution, .linear, .matmul,
             .einsum, .lstm, .softmax, .poolingND, .globalPooling, .adaptivePooling, .reduction, .elementwise, .select,
             .cumulativeSum, .concat, .repeating, .take, .embedding, .gather, .gatherND, .scatterND, .elementIndexing, .slice,
             .channelShuffle, .reshape, .transpose, .identity, .upsample, .pad, .fold, .constant, .unsupported:
            return .mixes
        }
    }
}

extension Operation {
    /// A convolution's groups (1 for every other op, and for a fused layer's non-convolution base).
    public var groups: Int {
        switch self {
        case .convolution(let op): op.groups
        case .transposedConvolution(let op): op.groups
        case .convolutionND(let op): op.groups
        case .transposedConvolutionND(let op): op.groups
        case .dynamicConvolution(let op): op.groups
        case .fused(let op): op.base.groups
        case .input, .linear, .matmul, .einsum, .lstm, .normalization, .activation, .softmax, .pooling, .poolingND,
             .globalPooling, .adaptivePooling, .reduction, .elementwise, .select, .cumulativeSum, .concat, .repeating, .take,
             .embedding, .gather, .gatherND, .scatterND, .elementIndexing, .slice, .channelShuffle, .reshape, .transpose,
             .identity, .upsample, .pad, .fold, .constant, .unsupported:
            1
        }
    }
}
