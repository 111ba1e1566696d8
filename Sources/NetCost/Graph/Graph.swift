/// A network as a list of layers in topological order: every layer's inputs come
/// before it. Graph inputs are layers too, with the `input` operation.
public struct Graph: Sendable {
    public var name: String
    public var layers: [Layer]
    /// What each block or group name stands for (`features.3` → `inverted_residual`),
    /// so reports can label the rows that fold a block's layers.
    public var groupKinds: [String: String]

    public init(name: String, layers: [Layer], groupKinds: [String: String] = [:]) {
        self.name = name
        self.layers = layers
        self.groupKinds = groupKinds
    }

    /// The input layers' shapes.
    public var inputShapes: [TensorShape] {
        layers.filter { if case .input = $0.operation { return true } else { return false } }.map(\.outputShape)
    }

    /// Input shapes of the layer at `index`.
    public func inputShapes(of index: Int) -> [TensorShape] {
        layers[index].inputs.map { layers[$0].outputShape }
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
