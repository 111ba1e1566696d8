/// Reads one op's spec fields, given the shapes of its inputs (depthwise convolutions
/// and splits need them), and returns the operation.
public typealias OpDecoder = @Sendable (inout LayerFields, [TensorShape]) throws(InputError) -> Operation

/// The op table: every op a spec may name, in one immutable list. A name that is not in
/// this table is an error, never a layer counted as zero.
///
/// Adding an op is one struct in its family's file (`OperationRules`: the compiler asks
/// for every rule and trait), one case of `Operation`, one row here and one kernel in the
/// executor's dispatch: docs/adding-an-op.md.
public enum OpTable {
    public struct Entry: Sendable {
        public let name: String
        /// The rules type the decoder builds; the row's family is its family.
        public let op: any OperationRules.Type
        public let summary: String
        public let decode: OpDecoder

        public var family: OpFamily { op.family }
    }

    public static let entries: [Entry] = [
        // MARK: Convolutions
        Entry(name: "conv2d", op: Convolution.self, summary: "2-D convolution: grouped, depthwise, dilated, asymmetric.", decode: Convolution.decode),
        Entry(name: "conv1d", op: ConvolutionND.self, summary: "1-D convolution of [N, C, L]: grouped, depthwise, dilated.", decode: ConvolutionND.decoder(rank: 1)),
        Entry(name: "conv3d", op: ConvolutionND.self, summary: "3-D convolution of [N, C, T, H, W] (video): grouped, depthwise, dilated.", decode: ConvolutionND.decoder(rank: 3)),
        Entry(name: "dynamic_conv1d", op: DynamicConvolution.self, summary: "1-D convolution by a weight computed at run time (the second input).", decode: DynamicConvolution.decoder(rank: 1)),
        Entry(name: "dynamic_conv2d", op: DynamicConvolution.self, summary: "2-D convolution by a weight computed at run time (the second input).", decode: DynamicConvolution.decoder(rank: 2)),
        Entry(name: "dynamic_conv3d", op: DynamicConvolution.self, summary: "3-D convolution by a weight computed at run time (the second input).", decode: DynamicConvolution.decoder(rank: 3)),
        Entry(name: "conv_transpose2d", op: TransposedConvolution.self, summary: "2-D transposed convolution.", decode: TransposedConvolution.decode),
        Entry(name: "conv_transpose1d", op: TransposedConvolutionND.self, summary: "1-D transposed convolution of [N, C, L].", decode: TransposedConvolutionND.decoder(rank: 1)),
        Entry(name: "conv_transpose3d", op: TransposedConvolutionND.self, summary: "3-D transposed convolution of [N, C, T, H, W].", decode: TransposedConvolutionND.decoder(rank: 3)),

        // MARK: Linear algebra
        Entry(name: "linear", op: Linear.self, summary: "Fully connected layer on the last axis.", decode: Linear.decode),
        Entry(name: "matmul", op: MatMul.self, summary: "Matrix product of two activations.", decode: MatMul.decode),
        Entry(name: "lstm", op: LSTM.self, summary: "Long short-term memory over a sequence: forward or bidirectional.", decode: LSTM.decode),
        Entry(name: "einsum", op: Einsum.self, summary: "Einstein summation over lettered axes (`equation`).", decode: Einsum.decode),

        // MARK: Normalization
        Entry(name: "batchnorm", op: Normalization.self, summary: "Batch normalization at inference.", decode: Normalization.decodeBatch),
        Entry(name: "dynamic_batchnorm", op: Normalization.self, summary: "Batch normalization by a mean and variance computed at run time (the second and third inputs).", decode: Normalization.decodeDynamicBatch),
        Entry(name: "groupnorm", op: Normalization.self, summary: "Group normalization.", decode: Normalization.decodeGroup),
        Entry(name: "layernorm", op: Normalization.self, summary: "Layer normalization over the last axes.", decode: Normalization.decodeLayer),

        // MARK: Activations
        Entry(name: "relu", op: Activation.self, summary: "max(x, 0).", decode: Activation.decoder(.relu)),
        Entry(name: "relu6", op: Activation.self, summary: "min(max(x, 0), 6).", decode: Activation.decoder(.relu6)),
        Entry(name: "leaky_relu", op: Activation.self, summary: "max(x, a·x).", decode: Activation.decoder(.leakyRelu(slope: 0.01))),
        Entry(name: "sigmoid", op: Activation.self, summary: "1 / (1 + exp(−x)).", decode: Activation.decoder(.sigmoid)),
        Entry(name: "swish", op: Activation.self, summary: "x · sigmoid(x).", decode: Activation.decoder(.swish)),
        Entry(name: "silu", op: Activation.self, summary: "Another name for swish.", decode: Activation.decoder(.swish)),
        Entry(name: "hardsigmoid", op: Activation.self, summary: "min(max(x/6 + 1/2, 0), 1).", decode: Activation.decoder(.hardSigmoid)),
        Entry(name: "hardswish", op: Activation.self, summary: "x · hardsigmoid(x).", decode: Activation.decoder(.hardSwish)),
        Entry(name: "gelu", op: Activation.self, summary: "x/2 · (1 + erf(x/√2)).", decode: Activation.decoder(.gelu)),
        Entry(name: "tanh", op: Activation.self, summary: "Hyperbolic tangent.", decode: Activation.decoder(.tanh)),
        Entry(name: "exp", op: Activation.self, summary: "eˣ.", decode: Activation.decoder(.exp)),
        Entry(name: "log", op: Activation.self, summary: "Natural logarithm.", decode: Activation.decoder(.log)),
        Entry(name: "sqrt", op: Activation.self, summary: "√x.", decode: Activation.decoder(.sqrt)),
        Entry(name: "reciprocal", op: Activation.self, summary: "1/x.", decode: Activation.decoder(.reciprocal)),
        Entry(name: "abs", op: Activation.self, summary: "|x|.", decode: Activation.decoder(.abs)),
        Entry(name: "neg", op: Activation.self, summary: "−x.", decode: Activation.decoder(.neg)),
        Entry(name: "sin", op: Activation.self, summary: "Sine (position codes).", decode: Activation.decoder(.sin)),
        Entry(name: "cos", op: Activation.self, summary: "Cosine (position codes).", decode: Activation.decoder(.cos)),
        Entry(name: "erf", op: Activation.self, summary: "The error function (GELU written out).", decode: Activation.decoder(.erf)),
        Entry(name: "pow", op: Activation.self, summary: "xᶜ for a constant `exponent` (2).", decode: Activation.decoder(.pow(exponent: 2))),
        Entry(name: "clip", op: Activation.self, summary: "min(max(x, `min`), `max`); either bound may be left out.", decode: Activation.decoder(.clip(low: -.infinity, high: .infinity))),
        Entry(name: "not", op: Activation.self, summary: "1 where x is 0, else 0.", decode: Activation.decoder(.not)),
        Entry(name: "softmax", op: Softmax.self, summary: "Softmax along one axis.", decode: Softmax.decode),

        // MARK: Pooling
        Entry(name: "maxpool", op: Pooling.self, summary: "Max pooling over a sliding window.", decode: Pooling.decoder(.max)),
        Entry(name: "avgpool", op: Pooling.self, summary: "Average pooling over a sliding window.", decode: Pooling.decoder(.average)),
        Entry(name: "maxpool1d", op: PoolingND.self, summary: "Max pooling over a sliding window of [N, C, L].", decode: PoolingND.decoder(.max, rank: 1)),
        Entry(name: "avgpool1d", op: PoolingND.self, summary: "Average pooling over a sliding window of [N, C, L].", decode: PoolingND.decoder(.average, rank: 1)),
        Entry(name: "maxpool3d", op: PoolingND.self, summary: "Max pooling over a sliding window of [N, C, T, H, W].", decode: PoolingND.decoder(.max, rank: 3)),
        Entry(name: "avgpool3d", op: PoolingND.self, summary: "Average pooling over a sliding window of [N, C, T, H, W].", decode: PoolingND.decoder(.average, rank: 3)),
        Entry(name: "global_avgpool", op: GlobalPooling.self, summary: "Average over the whole map.", decode: GlobalPooling.decoder(.average)),
        Entry(name: "global_maxpool", op: GlobalPooling.self, summary: "Max over the whole map.", decode: GlobalPooling.decoder(.max)),
        Entry(name: "adaptive_avgpool", op: AdaptivePooling.self, summary: "Average pooling to a fixed output size.", decode: AdaptivePooling.decoder(.average)),
        Entry(name: "adaptive_maxpool", op: AdaptivePooling.self, summary: "Max pooling to a fixed output size.", decode: AdaptivePooling.decoder(.max)),
        Entry(name: "reduce_mean", op: Reduction.self, summary: "Mean over any axes.", decode: Reduction.decoder(.mean)),
        Entry(name: "reduce_sum", op: Reduction.self, summary: "Sum over any axes.", decode: Reduction.decoder(.sum)),
        Entry(name: "reduce_max", op: Reduction.self, summary: "Largest value over any axes.", decode: Reduction.decoder(.max)),
        Entry(name: "reduce_min", op: Reduction.self, summary: "Smallest value over any axes.", decode: Reduction.decoder(.min)),
        Entry(name: "reduce_l2", op: Reduction.self, summary: "L2 norm, √Σx², over any axes.", decode: Reduction.decoder(.l2)),

        // MARK: Element-wise
        Entry(name: "add", op: Elementwise.self, summary: "Sum of two or more inputs, broadcast.", decode: Elementwise.decoder(.add)),
        Entry(name: "sub", op: Elementwise.self, summary: "Difference of two inputs, broadcast.", decode: Elementwise.decoder(.sub)),
        Entry(name: "mul", op: Elementwise.self, summary: "Product of two or more inputs, broadcast (squeeze-excite's scale).", decode: Elementwise.decoder(.mul)),
        Entry(name: "div", op: Elementwise.self, summary: "Quotient of two inputs, broadcast.", decode: Elementwise.decoder(.div)),
        Entry(name: "max", op: Elementwise.self, summary: "The largest of two or more inputs, broadcast.", decode: Elementwise.decoder(.max)),
        Entry(name: "min", op: Elementwise.self, summary: "The smallest of two or more inputs, broadcast.", decode: Elementwise.decoder(.min)),
        Entry(name: "pow_tensor", op: Elementwise.self, summary: "x to the power y, both tensors, broadcast.", decode: Elementwise.decoder(.pow)),
        Entry(name: "equal", op: Elementwise.self, summary: "1 where x = y, else 0; broadcast.", decode: Elementwise.decoder(.equal)),
        Entry(name: "less", op: Elementwise.self, summary: "1 where x < y, else 0; broadcast.", decode: Elementwise.decoder(.less)),
        Entry(name: "greater", op: Elementwise.self, summary: "1 where x > y, else 0; broadcast.", decode: Elementwise.decoder(.greater)),
        Entry(name: "less_equal", op: Elementwise.self, summary: "1 where x ≤ y, else 0; broadcast.", decode: Elementwise.decoder(.lessOrEqual)),
        Entry(name: "greater_equal", op: Elementwise.self, summary: "1 where x ≥ y, else 0; broadcast.", decode: Elementwise.decoder(.greaterOrEqual)),
        Entry(name: "and", op: Elementwise.self, summary: "1 where both are non-zero, else 0; broadcast.", decode: Elementwise.decoder(.and)),
        Entry(name: "where", op: Select.self, summary: "x where the condition is non-zero, else y; broadcast.", decode: Select.decode),
        Entry(name: "cumsum", op: CumulativeSum.self, summary: "Running sum along an axis.", decode: CumulativeSum.decode),
        Entry(name: "or", op: Elementwise.self, summary: "1 where either is non-zero, else 0; broadcast.", decode: Elementwise.decoder(.or)),

        // MARK: Reshaping and copies
        Entry(name: "concat", op: Concat.self, summary: "Join inputs along an axis (a copy).", decode: Concat.decode),
        Entry(name: "split", op: Slice.self, summary: "One chunk of a split along an axis (a view).", decode: Slice.decodeSplit),
        Entry(name: "slice", op: Slice.self, summary: "A strided range of one axis (a view).", decode: Slice.decodeSlice),
        Entry(name: "embedding", op: Embedding.self, summary: "Rows of a stored [vocabulary, features] table at the input's indices.", decode: Embedding.decode),
        Entry(name: "gather", op: Gather.self, summary: "Entries of one axis at the positions the second input holds (a copy).", decode: Gather.decode),
        Entry(name: "gather_nd", op: GatherND.self, summary: "Slices at the positions the rows of the second input name (a copy).", decode: GatherND.decode),
        Entry(name: "scatter_nd", op: ScatterND.self, summary: "The data with the slices the second input names set from the third (a copy).", decode: ScatterND.decode),
        Entry(name: "gather_elements", op: ElementIndexing.self, summary: "Elements along one axis at the positions the second input holds, in its shape (a copy).", decode: ElementIndexing.decodeGather),
        Entry(name: "scatter_elements", op: ElementIndexing.self, summary: "The data with elements along one axis set from the third input at the second's positions (a copy).", decode: ElementIndexing.decodeScatter),
        Entry(name: "take", op: Take.self, summary: "Chosen entries of one axis, in order (a copy).", decode: Take.decode),
        Entry(name: "expand", op: Repeat.self, summary: "Broadcast to a larger shape (a copy).", decode: Repeat.decodeExpand),
        Entry(name: "tile", op: Repeat.self, summary: "Repeat along each axis (a copy).", decode: Repeat.decodeTile),
        Entry(name: "channel_shuffle", op: ChannelShuffle.self, summary: "ShuffleNet's channel shuffle (a copy).", decode: ChannelShuffle.decode),
        Entry(name: "flatten", op: Reshape.self, summary: "Merge axes into one (a view).", decode: Reshape.decodeFlatten),
        Entry(name: "reshape", op: Reshape.self, summary: "A new shape for the same elements (a view).", decode: Reshape.decodeReshape),
        Entry(name: "transpose", op: Transpose.self, summary: "Permute axes (a copy).", decode: Transpose.decode),
        Entry(name: "identity", op: Identity.self, summary: "Pass the input through.", decode: Identity.decoder("identity")),
        Entry(name: "dropout", op: Identity.self, summary: "Identity at inference; `p` (0.5) matters to training memory.", decode: Identity.decoder("dropout")),
        Entry(name: "stochastic_depth", op: Identity.self, summary: "Drops a residual branch per sample in training (DropPath); identity at inference.", decode: Identity.decoder("stochastic_depth")),

        // MARK: Resampling
        Entry(name: "upsample", op: Upsample.self, summary: "Nearest or bilinear resize.", decode: Upsample.decode),
        Entry(name: "pad", op: Pad.self, summary: "Constant padding of the borders (a copy).", decode: Pad.decode),
        Entry(name: "fold", op: Fold.self, summary: "Sums sliding blocks [C·k², L] back into an image (PyTorch's nn.Fold, ONNX's Col2Im).", decode: Fold.decode),
    ]

    public static let byName: [String: Entry] = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })

    public static var names: [String] { entries.map(\.name) }
}
