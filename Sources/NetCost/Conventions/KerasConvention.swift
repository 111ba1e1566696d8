/// Keras 3.15 on TensorFlow 2.21, counted the way Keras users count: TensorFlow's profiler
/// (`tf.compat.v1.profiler` with `float_operation()`, which keras-flops and most answers
/// use) over the model's frozen graph. The profiler adds the `flops` statistic each
/// TensorFlow op registers (tensorflow/python/profiler/internal/flops_registry.py and the
/// `RegisterStatistics` calls in nn_ops.py); an op that registers none counts zero. So a
/// layer counts what the TensorFlow ops Keras lowers it to register:
///
/// - Convolution, depthwise convolution and Dense: 2 per multiply-accumulate, and one per
///   bias add. A grouped convolution (1 < groups < channels) counts zero: Keras runs it
///   as a compiled function call, whose inside the profiler does not see. A transposed
///   convolution counts 2 · output elements · kernel elements / (output channels ·
///   stride area), the registered formula.
/// - Batch norm, computed by Keras as `x · inv + (shift − mean · inv)` with
///   `inv = rsqrt(var + ε) · scale`: 2 per element plus 6 per channel (5 without a scale).
///   Layer norm: 9 per element plus 4 per normalized row. Group norm: 6 per element, 3 per
///   channel and 4 per group.
/// - Activations: ReLU, ReLU6, leaky ReLU, sigmoid and tanh zero (those ops register
///   nothing); swish 2 per element, hard sigmoid 2, hard swish 3, GELU 4; softmax 5.
/// - Pooling: the window's area per output element (average and max); global average
///   pooling and mean one per input element; global max pooling zero; sum one per input
///   element less one per output element.
/// - Element-wise add, sub, mul, div, max, min, pow and comparisons one per output element;
///   log, reciprocal and neg one per element; other unary ops zero.
/// - Nearest upsampling 2 (the output-size arithmetic); bilinear zero. Reshape, padding,
///   concatenation, dropout and other data movement zero.
///
/// Each rule was measured on a one-layer Keras model (scripts/keras_truth.py); the
/// figures for whole models are in Tests/NetCostTests/Fixtures/keras_totals.json.
enum KerasConvention: ConventionRules {
    static let tool = "TensorFlow 2.21 profiler on Keras 3.15 (float_operation)"
    static let unit = "FLOPs"

    /// nil where the ops a layer lowers to register no count.
    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        let flops = try count(layer.operation, layer)
        return flops == 0 ? nil : flops
    }

    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? { nil }

    private static func count(_ operation: Operation, _ layer: ConventionLayer) throws(SizeOverflow) -> Int {
        let elements = layer.output.elements
        let channels = layer.output.channels
        switch operation {
        case .convolution(let op):
            let depthwise = op.isDepthwise(inputChannels: layer.inputs.first?.channels)
            if op.groups > 1 && !depthwise { return 0 }
            return try product(layer)
        case .convolutionND(let op):
            let depthwise = op.isDepthwise(inputChannels: layer.inputs.first?.channels)
            if op.groups > 1 && !depthwise { return 0 }
            return try product(layer)
        case .dynamicConvolution, .linear, .matmul:
            return try product(layer)
        case .transposedConvolution(let op):
            let kernelElements = try op.kernel.height.multiplied(by: op.kernel.width)
                .multiplied(by: layer.inputs.first?.channels ?? 0).multiplied(by: op.outChannels / max(op.groups, 1))
            let strideArea = try op.stride.height.multiplied(by: op.stride.width).multiplied(by: op.outChannels)
            let convolution = try elements.multiplied(by: 2).multiplied(by: kernelElements) / max(strideArea, 1)
            return try convolution.adding(op.bias ? elements : 0)
        case .normalization(let norm):
            let perElement: Int, perChannel: Int, perGroup: Int
            switch norm.method {
            case .batch, .dynamicBatch:
                (perElement, perChannel, perGroup) = (2, norm.affine ? 6 : 5, 0)
            case .layer(let axes):
                let rowLength = layer.output.dims.suffix(axes).reduce(1) { $0 &* $1 }
                let rows = rowLength == 0 ? 0 : elements / rowLength
                return try elements.multiplied(by: 9).adding(try rows.multiplied(by: 4))
            case .group(let groups):
                (perElement, perChannel, perGroup) = (6, 3, try groups.multiplied(by: 4))
            }
            return try elements.multiplied(by: perElement)
                .adding(try channels.multiplied(by: perChannel)).adding(perGroup)
        case .activation(let op):
            return try elements.multiplied(by: activationFlops(op.function))
        case .softmax:
            return try elements.multiplied(by: 5)
        case .pooling(let op):
            return try elements.multiplied(by: try op.kernel.height.multiplied(by: op.kernel.width))
        case .globalPooling(let op):
            return op.mode == .average ? layer.inputElements : 0
        case .adaptivePooling:
            // Keras has no adaptive pooling: an equal-sized output is no layer at all, any
            // other is an AveragePooling2D / MaxPooling2D of the window that fits.
            guard layer.inputElements != elements, elements > 0 else { return 0 }
            return try elements.multiplied(by: layer.inputElements / elements)
        case .reduction(let op):
            switch op.mode {
            case .mean: return layer.inputElements
            case .sum: return layer.inputElements - elements
            case .max, .min, .l2: return 0
            }
        case .elementwise(let op):
            switch op.op {
            case .and, .or: return 0
            default: return elements
            }
        case .upsample(let op):
            return op.mode == .nearest ? 2 : 0
        case .fused(let op):
            var total = try count(op.base, layer)
            if op.foldedNorm, !layer.hasBias { total = try total.adding(elements) }
            for activation in op.activations {
                total = try total.adding(try elements.multiplied(by: activationFlops(activation.function)))
            }
            return total
        // 3-D transposed convolutions and 3-D pooling lower to ops that register no count.
        case .transposedConvolutionND, .poolingND:
            return 0
        case .input, .einsum, .lstm, .select, .cumulativeSum, .concat, .repeating, .take, .embedding,
             .gather, .gatherND, .scatterND, .elementIndexing, .slice, .channelShuffle, .reshape,
             .transpose, .identity, .pad, .fold, .constant, .unsupported:
            return 0
        }
    }

    /// Two per multiply-accumulate, and one per bias add.
    private static func product(_ layer: ConventionLayer) throws(SizeOverflow) -> Int {
        try layer.cost.macs.multiplied(by: 2).adding(layer.biasAdds)
    }

    private static func activationFlops(_ function: Activation.Function) -> Int {
        switch function {
        case .swish, .hardSigmoid: 2
        case .hardSwish: 3
        case .gelu: 4
        case .log, .reciprocal, .neg, .pow: 1
        case .relu, .relu6, .sigmoid, .tanh, .leakyRelu, .exp, .sqrt, .abs, .sin, .cos, .erf, .not, .clip: 0
        }
    }
}
