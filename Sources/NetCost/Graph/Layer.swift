/// One node of the layer graph: a named operation applied to the outputs of earlier layers.
public struct Layer: Sendable {
    /// Hierarchical name, parts separated by dots: `features.3.expand.conv`.
    public var name: String
    public var operation: Operation
    /// Indices of the producing layers in `Graph.layers`, in argument order.
    public var inputs: [Int]
    public var outputShape: TensorShape
    /// The stored tensors this layer reads as parameters or buffers, when they come from
    /// a file that may share one tensor between layers (ONNX). When present, even empty,
    /// the totals count these, each tensor once, instead of the layer's own formula; nil
    /// for specs.
    public var storedParameters: [StoredTensor]?
    /// How PyTorch's forward computes the layer, as a spec written after a PyTorch model
    /// records it (`"pytorch"`): the counters that hook modules see only modules.
    public var pytorchCall: PyTorchCall = .module
    /// Bits per element of the output as the file stores it (a TensorFlow Lite tensor's
    /// type: 8 for int8, 32 for its int32 accumulators); nil for the command's `--dtype`.
    public var storedElementBits: Int?

    public init(name: String, operation: Operation, inputs: [Int], outputShape: TensorShape) {
        self.name = name
        self.operation = operation
        self.inputs = inputs
        self.outputShape = outputShape
    }

    /// The output's bytes: at its stored element type when the file gives one, else at
    /// `bytesPerElement`.
    public func outputBytes(orElse bytesPerElement: Int) throws(SizeOverflow) -> Int {
        try bytes(of: outputShape.elements, orElse: bytesPerElement)
    }

    /// `elements` values of the output's element type, in bytes.
    public func bytes(of elements: Int, orElse bytesPerElement: Int) throws(SizeOverflow) -> Int {
        guard let bits = storedElementBits else { return try elements.multiplied(by: bytesPerElement) }
        // elements × bits / 8 rounded up, without a product eight times the result.
        return try (elements / 8).multiplied(by: bits).adding(((elements % 8) * bits + 7) / 8)
    }
}

/// A tensor as stored in a model file, so that a tensor shared by several layers is
/// counted once in the totals.
public struct StoredTensor: Sendable, Hashable {
    public var name: String
    public var elements: Int
    /// Stored state that is not learned (batch-norm running mean and variance).
    public var isBuffer: Bool

    public init(name: String, elements: Int, isBuffer: Bool = false) {
        self.name = name
        self.elements = elements
        self.isBuffer = isBuffer
    }
}

/// How a PyTorch model's forward computes a layer: by calling a module (`nn.Conv2d`), a
/// function (`F.adaptive_avg_pool2d`) or a tensor method or operator (`x.mean([2, 3])`,
/// `x + y`), or inside a subclass of a module type with a forward of its own
/// (torchvision's `LayerNorm2d`, an `nn.LayerNorm` that permutes around `F.layer_norm`).
/// Counters differ in which of these they see (docs/conventions.md): those that look a
/// module's exact type up in a table see a subclass as unknown. `attention` is a layer of
/// `nn.MultiheadAttention`'s own forward (its projections, the scores' and the values'
/// products, the softmax), which each counter sees its own way.
public enum PyTorchCall: String, Sendable, CaseIterable {
    case module, function, method, subclass, attention
}
