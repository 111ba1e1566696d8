/// Reads one op's spec fields, given the shapes of its inputs (depthwise convolutions
/// and splits need them), and returns the operation.
public typealias OpDecoder = @Sendable (inout LayerFields, [TensorShape]) throws(InputError) -> Operation

/// The op table: every op a spec may name, in one immutable list. Adding an op is one
/// struct in its family's file and one row here. A name that is not in this table is
/// an error, never a layer counted as zero.
public enum OpTable {
    public struct Entry: Sendable {
        public let name: String
        public let family: String
        public let summary: String
        public let decode: OpDecoder
    }

    public static let entries: [Entry] = [
        // MARK: Convolutions
        Entry(name: "conv2d", family: "convolution", summary: "2-D convolution: grouped, depthwise, dilated, asymmetric.", decode: Convolution.decode),
        Entry(name: "conv_transpose2d", family: "convolution", summary: "2-D transposed convolution.", decode: TransposedConvolution.decode),

        // MARK: Linear algebra
        Entry(name: "linear", family: "linear", summary: "Fully connected layer on the last axis.", decode: Linear.decode),
        Entry(name: "matmul", family: "linear", summary: "Matrix product of two activations.", decode: MatMul.decode),

        // MARK: Normalization
        Entry(name: "batchnorm", family: "normalization", summary: "Batch normalization at inference.", decode: Normalization.decodeBatch),
        Entry(name: "groupnorm", family: "normalization", summary: "Group normalization.", decode: Normalization.decodeGroup),
        Entry(name: "layernorm", family: "normalization", summary: "Layer normalization over the last axes.", decode: Normalization.decodeLayer),

        // MARK: Activations
        Entry(name: "relu", family: "activation", summary: "max(x, 0).", decode: Activation.decoder(.relu)),
        Entry(name: "relu6", family: "activation", summary: "min(max(x, 0), 6).", decode: Activation.decoder(.relu6)),
        Entry(name: "leaky_relu", family: "activation", summary: "max(x, a·x).", decode: Activation.decoder(.leakyRelu(slope: 0.01))),
        Entry(name: "sigmoid", family: "activation", summary: "1 / (1 + exp(−x)).", decode: Activation.decoder(.sigmoid)),
        Entry(name: "swish", family: "activation", summary: "x · sigmoid(x).", decode: Activation.decoder(.swish)),
        Entry(name: "silu", family: "activation", summary: "Another name for swish.", decode: Activation.decoder(.swish)),
        Entry(name: "hardsigmoid", family: "activation", summary: "min(max(x/6 + 1/2, 0), 1).", decode: Activation.decoder(.hardSigmoid)),
        Entry(name: "hardswish", family: "activation", summary: "x · hardsigmoid(x).", decode: Activation.decoder(.hardSwish)),
        Entry(name: "gelu", family: "activation", summary: "x/2 · (1 + erf(x/√2)).", decode: Activation.decoder(.gelu)),
        Entry(name: "tanh", family: "activation", summary: "Hyperbolic tangent.", decode: Activation.decoder(.tanh)),
        Entry(name: "softmax", family: "activation", summary: "Softmax along one axis.", decode: Softmax.decode),

        // MARK: Pooling
        Entry(name: "maxpool", family: "pooling", summary: "Max pooling over a sliding window.", decode: Pooling.decoder(.max)),
        Entry(name: "avgpool", family: "pooling", summary: "Average pooling over a sliding window.", decode: Pooling.decoder(.average)),
        Entry(name: "global_avgpool", family: "pooling", summary: "Average over the whole map.", decode: GlobalPooling.decoder(.average)),
        Entry(name: "global_maxpool", family: "pooling", summary: "Max over the whole map.", decode: GlobalPooling.decoder(.max)),
        Entry(name: "adaptive_avgpool", family: "pooling", summary: "Average pooling to a fixed output size.", decode: AdaptivePooling.decoder(.average)),
        Entry(name: "adaptive_maxpool", family: "pooling", summary: "Max pooling to a fixed output size.", decode: AdaptivePooling.decoder(.max)),

        // MARK: Element-wise
        Entry(name: "add", family: "elementwise", summary: "Sum of two or more inputs, broadcast.", decode: Elementwise.decoder(.add)),
        Entry(name: "sub", family: "elementwise", summary: "Difference of two inputs, broadcast.", decode: Elementwise.decoder(.sub)),
        Entry(name: "mul", family: "elementwise", summary: "Product of two or more inputs, broadcast (squeeze-excite's scale).", decode: Elementwise.decoder(.mul)),
        Entry(name: "div", family: "elementwise", summary: "Quotient of two inputs, broadcast.", decode: Elementwise.decoder(.div)),

        // MARK: Reshaping and copies
        Entry(name: "concat", family: "joining", summary: "Join inputs along an axis (a copy).", decode: Concat.decode),
        Entry(name: "split", family: "joining", summary: "One chunk of a split along an axis (a view).", decode: Slice.decodeSplit),
        Entry(name: "slice", family: "joining", summary: "A strided range of one axis (a view).", decode: Slice.decodeSlice),
        Entry(name: "channel_shuffle", family: "joining", summary: "ShuffleNet's channel shuffle (a copy).", decode: ChannelShuffle.decode),
        Entry(name: "flatten", family: "reshaping", summary: "Merge axes into one (a view).", decode: Reshape.decodeFlatten),
        Entry(name: "reshape", family: "reshaping", summary: "A new shape for the same elements (a view).", decode: Reshape.decodeReshape),
        Entry(name: "transpose", family: "reshaping", summary: "Permute axes (a copy).", decode: Transpose.decode),
        Entry(name: "identity", family: "reshaping", summary: "Pass the input through.", decode: Identity.decoder("identity")),
        Entry(name: "dropout", family: "reshaping", summary: "Identity at inference.", decode: Identity.decoder("dropout")),

        // MARK: Resampling
        Entry(name: "upsample", family: "resampling", summary: "Nearest or bilinear resize.", decode: Upsample.decode),
        Entry(name: "pad", family: "resampling", summary: "Constant padding of the borders (a copy).", decode: Pad.decode),
    ]

    public static let byName: [String: Entry] = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })

    public static var names: [String] { entries.map(\.name) }
}
