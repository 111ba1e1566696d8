/// Imports one node: reads its inputs and attributes, adds layers or folds constants,
/// and defines its outputs.
typealias ONNXOpHandler = @Sendable (inout ONNXGraphImporter, ONNXNodeContext) throws(InputError) -> Void

/// The ONNX op table: every op type netcost maps, in one immutable list. An op type
/// that is not here is imported as an unsupported layer, listed by name and count,
/// and the totals are marked partial; nothing is counted as zero silently.
///
/// Ops whose inputs are all known at import time (the Shape → Gather → Unsqueeze →
/// Concat chains that compute a Reshape's target) are folded to constants and add no
/// layer. docs/onnx.md lists what each op maps to.
enum ONNXOps {
    static let entries: [(opType: String, handler: ONNXOpHandler)] = [
        // MARK: Convolutions and linear algebra
        ("Conv", convolution),
        ("ConvTranspose", transposedConvolution),
        ("Gemm", gemm),
        ("MatMul", matmul),
        ("Einsum", einsum),

        // MARK: Normalization
        ("BatchNormalization", batchNormalization),
        ("LayerNormalization", layerNormalization),
        ("InstanceNormalization", instanceNormalization),
        ("GroupNormalization", groupNormalization),

        // MARK: Activations
        ("Relu", activation(.relu)),
        ("Sigmoid", activation(.sigmoid)),
        ("Tanh", activation(.tanh)),
        ("HardSigmoid", activation(.hardSigmoid)),
        ("HardSwish", activation(.hardSwish)),
        ("Gelu", activation(.gelu)),
        ("LeakyRelu", leakyRelu),
        ("Clip", clip),
        ("Softmax", softmax),
        ("Erf", math(.erf)),
        ("Exp", math(.exp)),
        ("Log", math(.log)),
        ("Sqrt", math(.sqrt)),
        ("Reciprocal", math(.reciprocal)),
        ("Abs", math(.abs)),
        ("Neg", math(.neg)),
        ("Sin", math(.sin)),
        ("Cos", math(.cos)),
        ("Pow", pow),

        // MARK: Element-wise arithmetic
        ("Add", elementwise(.add)),
        ("Sub", elementwise(.sub)),
        ("Mul", elementwise(.mul)),
        ("Div", elementwise(.div)),
        ("Sum", elementwise(.add)),
        ("Max", elementwise(.max)),
        ("Min", elementwise(.min)),
        ("Equal", elementwise(.equal)),
        ("Less", elementwise(.less)),
        ("Greater", elementwise(.greater)),
        ("LessOrEqual", elementwise(.lessOrEqual)),
        ("GreaterOrEqual", elementwise(.greaterOrEqual)),
        ("And", elementwise(.and)),
        ("Or", elementwise(.or)),
        ("Not", math(.not)),

        // MARK: Pooling and reductions
        ("MaxPool", pooling(.max)),
        ("AveragePool", pooling(.average)),
        ("GlobalAveragePool", globalPooling(.average)),
        ("GlobalMaxPool", globalPooling(.max)),
        ("ReduceMean", reduce(.mean)),
        ("ReduceMax", reduce(.max)),
        ("ReduceSum", reduce(.sum)),
        ("ReduceMin", reduce(.min)),
        ("ReduceL2", reduce(.l2)),

        // MARK: Resampling and padding
        ("Resize", resize),
        ("Upsample", resize),
        ("Pad", pad),
        ("Col2Im", col2im),

        // MARK: Reshaping and copies
        ("Concat", concat),
        ("Split", split),
        ("Slice", slice),
        ("Reshape", reshape),
        ("Flatten", flatten),
        ("Transpose", transpose),
        ("Squeeze", squeeze),
        ("Unsqueeze", unsqueeze),
        ("Identity", identity("identity")),
        ("Dropout", identity("dropout")),
        ("Cast", identity("cast")),
        ("CastLike", identity("cast")),
        ("Gather", gather),
        ("Expand", expand),
        ("Tile", tile),
        ("CumSum", cumulativeSum),
        ("Where", select),
        ("ScatterND", scatterND),
        ("ScatterElements", scatterElements),
        // Opsets 9 and 10: ScatterElements by its old name, without a reduction.
        ("Scatter", scatterElements),
        ("GatherElements", gatherElements),
        ("GatherND", gatherND),
        ("EyeLike", eyeLike),
        ("LSTM", lstm),

        // MARK: Shape arithmetic, folded at import time
        ("Constant", constant),
        ("Shape", shape),
        ("Size", size),
        ("ConstantOfShape", constantOfShape),
        ("Range", range),
        ("Floor", foldOnly),
        ("Ceil", foldOnly),
        ("Mod", foldOnly),
        ("ReduceProd", foldOnly),

        // MARK: Control flow and sequences, unrolled when their counts are known
        ("Loop", loop),
        ("If", ifBranch),
        ("SequenceEmpty", sequenceEmpty),
        ("SequenceConstruct", sequenceConstruct),
        ("SequenceInsert", sequenceInsert),
        ("SequenceAt", sequenceAt),
        ("SequenceErase", sequenceErase),
        ("SequenceLength", sequenceLength),
        ("ConcatFromSequence", concatFromSequence),
        ("SplitToSequence", splitToSequence),
    ]

    static let table: [String: ONNXOpHandler] = Dictionary(entries.map { ($0.opType, $0.handler) }, uniquingKeysWith: { first, _ in first })

    /// The op types netcost maps (some only when their inputs are known at import time).
    static var opTypes: [String] { entries.map(\.opType) }
}
