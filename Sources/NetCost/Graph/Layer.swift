/// One node of the layer graph: a named operation applied to the outputs of earlier layers.
public struct Layer: Sendable {
    /// Hierarchical name, parts separated by dots: `features.3.expand.conv`.
    public var name: String
    public var operation: Operation
    /// Indices of the producing layers in `Graph.layers`, in argument order.
    public var inputs: [Int]
    public var outputShape: TensorShape
    /// Names of the stored tensors that hold this layer's parameters, when they come
    /// from a file that may share one tensor between layers (ONNX); empty otherwise.
    public var storedParameters: [StoredTensor] = []

    public init(name: String, operation: Operation, inputs: [Int], outputShape: TensorShape) {
        self.name = name
        self.operation = operation
        self.inputs = inputs
        self.outputShape = outputShape
    }
}

/// A parameter tensor as stored in a model file, so that a tensor shared by several
/// layers is counted once in the totals.
public struct StoredTensor: Sendable, Hashable {
    public var name: String
    public var elements: Int

    public init(name: String, elements: Int) {
        self.name = name
        self.elements = elements
    }
}
