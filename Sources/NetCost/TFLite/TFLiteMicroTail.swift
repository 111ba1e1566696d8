/// An estimate of TensorFlow Lite Micro's arena "tail": what `MicroAllocator` keeps for
/// the model's life, from the arena's end. The sizes are tflite-micro's structs on a
/// 64-bit build with its reference kernels (as its Python package measures them) and
/// the same structs with 4-byte pointers for a 32-bit target; docs/tflite.md lists them.
/// What it assumes: the plain `MicroInterpreter` (no recording allocator), reference
/// kernels (CMSIS-NN and other optimized kernels keep other data), per-tensor
/// quantization of activations, per-channel quantization of convolution weights, and no
/// alignment padding beyond each kernel buffer's 16 bytes.
struct TailEstimate {
    let bytes: Int

    init(_ model: TFLiteModel, pointerBytes: Int) {
        let wide = pointerBytes == 8
        // The allocator, its planner and its arena buffer; the builtin data allocator; one
        // subgraph's allocation record.
        var total = wide ? 216 + 16 + 24 : 116 + 8 + 12
        // One evaluation tensor per tensor, one node and registration per operator.
        total = total.saturatingPlus(model.tensors.count.saturatingTimes(wide ? 24 : 12)).saturatingPlus(model.operators.count.saturatingTimes(wide ? 64 : 32))
        for op in model.operators {
            total = total.saturatingPlus(Self.builtinParameters(op.name))
            for buffer in Self.kernelData(op, model) { total = total.saturatingPlus(TFLiteMicroArena.aligned(buffer)) }
        }
        // The graph's inputs and outputs: a pointer array (16-aligned) and a full tensor
        // each, with its quantization when it is quantized.
        for list in [model.inputs, model.outputs] {
            total = total.saturatingPlus(TFLiteMicroArena.aligned(list.count.saturatingTimes(pointerBytes)))
            for index in list where index >= 0 {
                total = total.saturatingPlus(wide ? 64 : 40)
                let tensor = model.tensors[index]
                if tensor.scaleCount > 0 { total = total.saturatingPlus((wide ? 24 : 12) + 4).saturatingPlus(tensor.scaleCount.saturatingTimes(4)) }
            }
        }
        bytes = total
    }

    /// The parsed options struct an operator keeps (tflite-micro's `TfLite*Params`).
    static func builtinParameters(_ name: String) -> Int {
        switch name {
        case "CONV_2D", "DEPTHWISE_CONV_2D": 28
        case "AVERAGE_POOL_2D", "MAX_POOL_2D": 40
        case "FULLY_CONNECTED": 32
        case "RESHAPE", "SQUEEZE": 36
        case "STRIDED_SLICE": 24
        case "TRANSPOSE_CONV": 20
        case "CONCATENATION", "ADD", "SUB", "PACK", "GATHER": 8
        case "SOFTMAX", "MUL", "LEAKY_RELU", "SPLIT", "SHAPE": 4
        case "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR": 4
        case "MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN": 4
        default: 0
        }
    }

    /// The buffers a reference kernel allocates for good in Init and Prepare (its op data
    /// and per-channel arrays), before 16-byte rounding.
    static func kernelData(_ op: TFLiteModel.Operator, _ model: TFLiteModel) -> [Int] {
        let outputChannels = op.outputs.first.flatMap { $0 >= 0 ? model.tensors[$0].shape.last : nil } ?? 0
        switch op.name {
        case "CONV_2D", "DEPTHWISE_CONV_2D": return [80, outputChannels.saturatingTimes(4), outputChannels.saturatingTimes(4)]
        case "TRANSPOSE_CONV": return [88, outputChannels.saturatingTimes(4), outputChannels.saturatingTimes(4)]
        case "FULLY_CONNECTED":
            // Per-channel multipliers and shifts only for per-channel quantized weights.
            let weights = op.inputs.count > 1 && op.inputs[1] >= 0 ? model.tensors[op.inputs[1]] : nil
            let perChannel = weights.map { $0.scaleCount > 1 } ?? false
            return [72] + (perChannel ? [outputChannels.saturatingTimes(4), outputChannels.saturatingTimes(4)] : [])
        case "ADD": return [60]
        case "SUB": return [52]
        case "MUL": return [36]
        case "CONCATENATION": return [80]
        case "SOFTMAX":
            // With int16 input, two lookup tables of 513 int16 entries (exp and 1/(1+x)).
            let input = op.inputs.first.flatMap { $0 >= 0 ? model.tensors[$0] : nil }
            return input?.type == .int16 ? [80, 513 * 2, 513 * 2] : [80]
        case "AVERAGE_POOL_2D", "MAX_POOL_2D": return [32]
        case "MEAN", "SUM": return [44]
        case "PAD", "PADV2": return [56]
        case "RELU": return [28]
        case "LEAKY_RELU": return [24]
        case "HARD_SWISH": return [20]
        case "LOGISTIC", "TANH": return [16]
        case "RELU6": return [8]
        default: return []
        }
    }
}
