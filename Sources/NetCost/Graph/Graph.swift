/// A network as a list of layers in topological order: every layer's inputs come
/// before it. Graph inputs are layers too, with the `input` operation.
public struct Graph: Sendable {
    public var name: String
    public var layers: [Layer]
    /// The blocks, stages and modules the layers' names form, each with its kind.
    public var groups: GroupTree
    /// The outputs a spec lists under `"outputs"`; nil means every layer nothing reads.
    public var declaredOutputs: [Int]?

    /// A graph made here from bare layers has no groups; `GraphBuilder` makes them.
    public init(name: String, layers: [Layer], groups: GroupTree = GroupTree(), declaredOutputs: [Int]? = nil) {
        self.name = name
        self.layers = layers
        self.groups = groups
        self.declaredOutputs = declaredOutputs
    }

    /// The graph's outputs: the declared ones in their order, or else every layer whose
    /// output no layer reads (inputs and constants left out), by name, so that the order
    /// of the layers in a file changes neither which they are nor how they are listed.
    public var outputs: [Int] {
        if let declaredOutputs { return declaredOutputs }
        var read = Array(repeating: false, count: layers.count)
        for layer in layers { for input in layer.inputs { read[input] = true } }
        return layers.indices.filter { !read[$0] && layers[$0].operation.rules.family != .source }
            .sorted { layers[$0].name < layers[$1].name }
    }

    /// The input layers' shapes.
    public var inputShapes: [TensorShape] {
        layers.filter { if case .input = $0.operation { return true } else { return false } }.map(\.outputShape)
    }

    /// Samples per pass: the first graph input's batch axis (1 without one).
    public var batch: Int {
        layers.first { if case .input = $0.operation { true } else { false } }?.outputShape.batch ?? 1
    }

    /// Input shapes of the layer at `index`.
    public func inputShapes(of index: Int) -> [TensorShape] {
        layers[index].inputs.map { layers[$0].outputShape }
    }

    /// Whether some layer's output has an element type stored in the file (a `.tflite`).
    public var hasStoredElementTypes: Bool { layers.contains { $0.storedElementBits != nil } }

    /// Forgets the element types stored in the file, so that every output is counted at
    /// the element type a command is given (`--dtype`).
    public mutating func forgetStoredElementTypes() {
        for index in layers.indices { layers[index].storedElementBits = nil }
    }

    /// For each layer, the indices of the layers that read its output.
    public func consumers() -> [[Int]] {
        var result = Array(repeating: [Int](), count: layers.count)
        for (index, layer) in layers.enumerated() {
            for input in layer.inputs { result[input].append(index) }
        }
        return result
    }
}
