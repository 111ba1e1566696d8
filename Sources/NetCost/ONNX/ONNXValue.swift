/// What an ONNX tensor name stands for while the graph is imported.
enum ONNXValue {
    /// Computed at run time: the output of a layer of the graph being built.
    case activation(Int)
    /// Known at import time: an initializer, a Constant node, or folded shape arithmetic.
    case constant(ONNXConstant)
    /// A chain of reshapes and transposes of a layer's output, held back until a
    /// consumer needs it, so that ShuffleNet's Reshape→Transpose→Reshape can become
    /// one channel shuffle instead of a rank change.
    case deferred(DeferredView)
    /// An ONNX sequence (SequenceEmpty, SequenceInsert, a Loop's carried list): tensors
    /// known by position at import time, each one of the other cases.
    case sequence([ONNXValue])
}

/// A tensor known at import time. Its dims are ONNX's, with no batch axis to strip:
/// constants are the same for every sample.
struct ONNXConstant {
    var dims: [Int]
    var dataType: Int
    /// The values, when they are known and small (see `ONNXLimits`).
    var values: TensorValues?
    /// The stored float tensors this value was computed from: a layer that reads the
    /// value as a weight or operand counts them as its parameters (each tensor once).
    var sources: [StoredTensor] = []
    /// The name a constant layer made from it takes.
    var label: String

    /// The values as integers (floats truncated toward zero when whole), or nil.
    var integers: [Int]? {
        switch values {
        case .integers(let values)?: return values
        case .floats(let values)?:
            var result: [Int] = []
            for value in values {
                guard value.isFinite, value.rounded(.towardZero) == value, abs(value) < 9.0e15 else { return nil }
                result.append(Int(value))
            }
            return result
        case nil: return nil
        }
    }

    /// The values as floating-point numbers, or nil.
    var doubles: [Double]? {
        switch values {
        case .integers(let values)?: values.map(Double.init)
        case .floats(let values)?: values
        case nil: nil
        }
    }

    /// The single value of a one-element tensor, as a double.
    var scalar: Double? {
        guard let doubles, doubles.count == 1 else { return nil }
        return doubles[0]
    }
}

/// Reshapes and transposes of a layer's output that have not been added to the graph yet.
struct DeferredView {
    enum Step {
        /// A reshape to these dims.
        case reshape([Int])
        /// A transpose with this permutation.
        case transpose([Int])
    }

    /// The layer whose output is being viewed.
    var base: Int
    /// Steps in order, each with the layer name it takes if it is added and the index
    /// of the node it comes from.
    var steps: [(step: Step, name: String, node: Int)]
    /// Dims after the last step.
    var dims: [Int]
}
