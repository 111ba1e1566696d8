import NetCost
import Testing

/// What each op says it is (Ops/OpTraits.swift): the op table's families come from the
/// types its decoders build, and the fusion roles, storage and depthwise-ness the checks,
/// `--fuse`, the reports and the executor's memory plan read.
@Suite("Op traits")
struct OpTraitsTests {
    /// The fewest fields each table op decodes from.
    static let minimalFields: [String: JSONObject] = [
        "conv2d": JSONObject([("out", .integer(4)), ("kernel", .integer(3))]),
        "conv_transpose2d": JSONObject([("out", .integer(4)), ("kernel", .integer(2))]),
        "conv1d": JSONObject([("out", .integer(4)), ("kernel", .integer(3))]),
        "conv3d": JSONObject([("out", .integer(4)), ("kernel", .integer(3))]),
        "conv_transpose1d": JSONObject([("out", .integer(4)), ("kernel", .integer(2))]),
        "conv_transpose3d": JSONObject([("out", .integer(4)), ("kernel", .integer(2))]),
        "maxpool1d": JSONObject([("kernel", .integer(2))]),
        "avgpool1d": JSONObject([("kernel", .integer(2))]),
        "maxpool3d": JSONObject([("kernel", .integer(2))]),
        "avgpool3d": JSONObject([("kernel", .integer(2))]),
        "linear": JSONObject([("out", .integer(5))]),
        "groupnorm": JSONObject([("groups", .integer(2))]),
        "maxpool": JSONObject([("kernel", .integer(2))]),
        "avgpool": JSONObject([("kernel", .integer(2))]),
        "adaptive_avgpool": JSONObject([("output_size", .integer(1))]),
        "adaptive_maxpool": JSONObject([("output_size", .integer(1))]),
        "split": JSONObject([("index", .integer(0))]),
        "channel_shuffle": JSONObject([("groups", .integer(2))]),
        "reshape": JSONObject([("shape", .array([.integer(-1)]))]),
        "transpose": JSONObject([("perm", .array([.integer(0), .integer(2), .integer(1)]))]),
        "upsample": JSONObject([("scale", .integer(2))]),
        "pad": JSONObject([("pads", .integer(1))]),
        "fold": JSONObject([("output_size", .integer(4)), ("kernel", .integer(2))]),
        "expand": JSONObject([("shape", .array([.integer(4), .integer(8), .integer(8)]))]),
        "tile": JSONObject([("repeats", .array([.integer(1), .integer(2), .integer(2)]))]),
        "take": JSONObject([("indices", .array([.integer(0), .integer(3)]))]),
        "embedding": JSONObject([("vocabulary", .integer(10)), ("features", .integer(4))]),
        "einsum": JSONObject([("equation", .string("cij,cjk->cik"))]),
        "lstm": JSONObject([("hidden", .integer(3))]),
    ]

    /// Second inputs other than a copy of the first: a dynamic convolution's weight,
    /// `[C_out, C_in]` and a kernel of 3 per axis.
    static let minimalWeights: [String: [Int]] = [
        "dynamic_conv1d": [4, 4, 3], "dynamic_conv2d": [4, 4, 3, 3], "dynamic_conv3d": [4, 4, 3, 3, 3],
    ]

    /// Every table op, decoded on a `[1, 4, 8, 8]` input (two of them for the binary ops).
    static func decoded() throws -> [(entry: OpTable.Entry, operation: Operation)] {
        let input = try TensorShape([1, 4, 8, 8], batchAxis: 0)
        return try OpTable.entries.map { entry in
            var fields = LayerFields(minimalFields[entry.name] ?? JSONObject(), layer: entry.name, context: SpecContext())
            let second = try minimalWeights[entry.name].map { try TensorShape($0) } ?? input
            return (entry, try entry.decode(&fields, [input, second]))
        }
    }

    @Test func eachRowNamesTheTypeItsDecoderBuilds() throws {
        for (entry, operation) in try Self.decoded() {
            #expect(ObjectIdentifier(type(of: operation.rules)) == ObjectIdentifier(entry.op), "\(entry.name)")
            #expect(operation.rules.family == entry.family, "\(entry.name)")
        }
    }

    @Test func viewsAreTheOpsThatMoveNoData() throws {
        let views = try Self.decoded().filter { $0.operation.rules.storage == .view }.map(\.entry.name)
        #expect(views == ["split", "slice", "flatten", "reshape", "identity", "dropout", "stochastic_depth"])
    }

    /// What an inference runtime may write over its input (`memory --in-place`): every
    /// activation function, batch norm (not the norms that gather statistics first), and
    /// element-wise arithmetic and comparisons; not softmax, `where`, or anything that
    /// changes the layout.
    @Test func inPlaceOps() throws {
        let inPlace = try Self.decoded().filter { $0.operation.rules.inPlace == .overwritesInput }.map(\.entry.name)
        #expect(inPlace == ["batchnorm", "relu", "relu6", "leaky_relu", "sigmoid", "swish", "silu", "hardsigmoid", "hardswish", "gelu",
                            "tanh", "exp", "log", "sqrt", "reciprocal", "abs", "neg", "sin", "cos", "erf", "pow", "clip", "not",
                            "add", "sub", "mul", "div", "max", "min", "pow_tensor", "equal", "less", "greater", "less_equal",
                            "greater_equal", "and", "or"])
    }

    /// Convolutions and linear layers take a norm and activations; batch norm folds, the
    /// statistics norms stay; activations fuse, softmax does not.
    @Test func fusionRoles() throws {
        var roles: [String: String] = [:]
        for (entry, operation) in try Self.decoded() {
            roles[entry.name] = switch operation.rules.fusion {
            case .base(let withBias): withBias.kind == operation.kind ? "base" : "base of another kind"
            case .foldsIntoBase: "folds"
            case .fusesIntoBase(let activation): activation.kind == operation.kind ? "fuses" : "fuses another function"
            case .standalone: "standalone"
            }
        }
        #expect(roles["conv2d"] == "base" && roles["conv_transpose2d"] == "base" && roles["linear"] == "base")
        #expect(roles["conv1d"] == "base" && roles["conv3d"] == "base" && roles["maxpool3d"] == "standalone")
        #expect(roles["conv_transpose1d"] == "base" && roles["conv_transpose3d"] == "base")
        #expect(roles["batchnorm"] == "folds" && roles["groupnorm"] == "standalone" && roles["layernorm"] == "standalone")
        #expect(roles["relu"] == "fuses" && roles["hardswish"] == "fuses" && roles["softmax"] == "standalone")
        #expect(roles["matmul"] == "standalone" && roles["add"] == "standalone" && roles["concat"] == "standalone")
        // A weight or statistics computed at run time leave nothing stored to fold into.
        #expect(roles["dynamic_conv2d"] == "standalone" && roles["dynamic_batchnorm"] == "standalone")
    }

    /// A base's `withBias` is the same layer with a bias: what a folded norm's shift becomes.
    @Test func folding() throws {
        let conv = Convolution(outChannels: 8, kernel: .square(3), bias: false)
        guard case .base(let withBias) = conv.fusion, case .convolution(let biased) = withBias else {
            Issue.record("a convolution is a fusion base")
            return
        }
        #expect(biased.bias && biased.kernel == conv.kernel && biased.outChannels == 8)
    }

    /// One group per input channel, of more than one channel; a fused layer is what its base is.
    @Test func depthwise() {
        let depthwise = Convolution(outChannels: 8, kernel: .square(3), groups: 8)
        #expect(depthwise.isDepthwise(inputChannels: 8))
        #expect(!depthwise.isDepthwise(inputChannels: 16))
        #expect(!Convolution(outChannels: 1, kernel: .square(3), groups: 1).isDepthwise(inputChannels: 1))
        #expect(!TransposedConvolution(outChannels: 8, kernel: .square(2), groups: 8).isDepthwise(inputChannels: 8))
        let fused = Fused(base: .convolution(depthwise), foldedNorm: true, activations: [Activation(.relu6)])
        #expect(fused.isDepthwise(inputChannels: 8))
        #expect(Fused.family == .fused)
    }
}
