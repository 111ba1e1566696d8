// MARK: Activations

/// Element-wise activation functions.
///
/// No parameters. Memory: reads the input and writes the output once each (a fused
/// or in-place kernel saves this; `--fuse` shows by how much). Flops per element count
/// each add, multiply, divide, compare and each evaluation of exp, erf or tanh as one:
///
/// | function | flops | as |
/// |---|---|---|
/// | relu | 1 | max(x, 0) |
/// | relu6 | 2 | min(max(x, 0), 6) |
/// | leaky_relu | 2 | max(x, a·x) |
/// | sigmoid | 4 | 1 / (1 + exp(−x)) |
/// | swish (silu) | 5 | x · sigmoid(x) |
/// | hardsigmoid | 4 | min(max(x/6 + 1/2, 0), 1) |
/// | hardswish | 5 | x · hardsigmoid(x) |
/// | gelu | 5 | x/2 · (1 + erf(x/√2)) |
/// | tanh | 1 | tanh(x) |
///
/// The element-wise math functions of exported graphs (position codes, norms written
/// out, GELU's erf) are functions of this family too, one flop each: exp, log, sqrt,
/// reciprocal 1/x, abs, neg −x, sin, cos, erf, pow xᶜ with a constant exponent, and
/// logical not; clip to any bounds is 2 (compare with each).
public struct Activation: OperationRules, Hashable {
    public enum Function: Hashable, Sendable {
        case relu, relu6, sigmoid, swish, hardSigmoid, hardSwish, gelu, tanh
        case leakyRelu(slope: Double)
        case exp, log, sqrt, reciprocal, abs, neg, sin, cos, erf
        /// Logical not: 1 where x is 0, else 0.
        case not
        /// `min(max(x, low), high)`; either bound may be infinite.
        case clip(low: Double, high: Double)
        case pow(exponent: Double)

        public var name: String {
            switch self {
            case .relu: "relu"
            case .relu6: "relu6"
            case .sigmoid: "sigmoid"
            case .swish: "swish"
            case .hardSigmoid: "hardsigmoid"
            case .hardSwish: "hardswish"
            case .gelu: "gelu"
            case .tanh: "tanh"
            case .leakyRelu: "leaky_relu"
            case .exp: "exp"
            case .log: "log"
            case .sqrt: "sqrt"
            case .reciprocal: "reciprocal"
            case .abs: "abs"
            case .neg: "neg"
            case .sin: "sin"
            case .cos: "cos"
            case .erf: "erf"
            case .not: "not"
            case .clip: "clip"
            case .pow: "pow"
            }
        }

        /// Bounds the value and nothing else (relu, relu6, clip): a kernel applies it in
        /// registers as it stores, and clamps compose to one clamp.
        public var isClamp: Bool {
            switch self {
            case .relu, .relu6, .clip: true
            case .sigmoid, .swish, .hardSigmoid, .hardSwish, .gelu, .tanh, .leakyRelu, .exp, .log, .sqrt, .reciprocal, .abs, .neg,
                 .sin, .cos, .erf, .not, .pow: false
            }
        }

        public var flopsPerElement: Int {
            switch self {
            case .relu, .tanh, .exp, .log, .sqrt, .reciprocal, .abs, .neg, .sin, .cos, .erf, .pow, .not: 1
            case .relu6, .leakyRelu, .clip: 2
            case .sigmoid, .hardSigmoid: 4
            case .swish, .hardSwish, .gelu: 5
            }
        }

        /// Spec names, aliases included: `silu` is `swish`.
        public static let byName: [String: Function] = [
            "relu": .relu, "relu6": .relu6, "sigmoid": .sigmoid, "swish": .swish, "silu": .swish,
            "hardsigmoid": .hardSigmoid, "hardswish": .hardSwish, "gelu": .gelu, "tanh": .tanh,
            "leaky_relu": .leakyRelu(slope: 0.01),
            "exp": .exp, "log": .log, "sqrt": .sqrt, "reciprocal": .reciprocal, "abs": .abs, "neg": .neg,
            "sin": .sin, "cos": .cos, "erf": .erf, "pow": .pow(exponent: 2), "not": .not,
            "clip": .clip(low: -.infinity, high: .infinity),
        ]
    }

    public var function: Function

    public init(_ function: Function) {
        self.function = function
    }

    public var kind: String { function.name }
    public var arity: Arity { .one }
    public static var family: OpFamily { .activation }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .fusesIntoBase(self) }
    public var inPlace: InPlaceRole { .overwritesInput }
    /// ReLU and the functions whose derivative is read off their result keep the output;
    /// the rest keep the input (run in place, PyTorch copies it first).
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule {
        switch function {
        // PyTorch's in-place leaky ReLU reads its result back (its slope is positive).
        case .relu, .leakyRelu, .sigmoid, .tanh, .exp, .sqrt, .reciprocal: .output
        case .neg, .not: .nothing
        case .relu6, .swish, .hardSigmoid, .hardSwish, .gelu, .log, .abs, .sin, .cos, .erf, .clip, .pow: .input
        }
    }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape { inputs[0] }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: function.flopsPerElement)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String {
        if case .leakyRelu(let slope) = function { return "a=\(JSONWriter.format(slope))" }
        if case .pow(let exponent) = function { return "^\(JSONWriter.format(exponent))" }
        if case .clip(let low, let high) = function { return "[\(JSONWriter.format(low)), \(JSONWriter.format(high))]" }
        return ""
    }
}

// MARK: Softmax

/// Softmax along one axis: per element 5 flops (max, subtract, exp, add to the sum,
/// divide). Memory: input and output once.
public struct Softmax: OperationRules, Hashable {
    /// Axis of the whole tensor (1 = a feature map's channels).
    public var axis: Int

    public init(axis: Int = 1) {
        self.axis = axis
    }

    public var kind: String { "softmax" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .activation }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .output }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        _ = try ShapeCheck.axis(axis, rank: inputs[0].rank)
        return inputs[0]
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 5)
    }

    /// A normalization of values, over whichever axis: the field passes through.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .pointwise }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }
}

// MARK: Spec fields

extension Activation {
    /// A decoder for one function; `leaky_relu` reads `slope` (0.01, PyTorch's default),
    /// `pow` its `exponent` (2).
    static func decoder(_ function: Function) -> OpDecoder {
        { (fields: inout LayerFields, _: [TensorShape]) throws(InputError) -> Operation in
            if case .leakyRelu = function {
                return .activation(Activation(.leakyRelu(slope: try fields.double("slope", default: 0.01))))
            }
            if case .pow = function {
                return .activation(Activation(.pow(exponent: try fields.double("exponent", default: 2))))
            }
            if case .clip = function {
                let low = try fields.double("min", default: -.infinity), high = try fields.double("max", default: .infinity)
                guard low <= high else { throw InputError("min \(low) is above max \(high)", field: "min") }
                return .activation(Activation(.clip(low: low, high: high)))
            }
            return .activation(Activation(function))
        }
    }
}

extension Softmax {
    /// `axis` (0, the channels).
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .softmax(Softmax(axis: SampleAxis.whole(try fields.int("axis", default: 0, minimum: -8), of: inputs.first)))
    }
}
