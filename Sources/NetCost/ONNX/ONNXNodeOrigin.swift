/// What one node of an ONNX file became in netcost's layer graph, so that netcost's
/// numbers can be shown on the file's own nodes (`report --format netron`).
///
/// The importer names layers after nodes but not one for one: a node may add several
/// layers (a Split's slices, a Gemm's transpose and product, the constant layer of a
/// stored operand it reads), several nodes may become one layer (MatMul + Add as a
/// `linear`, a written-out GELU or LayerNorm, ShuffleNet's Reshape → Transpose →
/// Reshape), and a node computed from constants adds none.
public struct ONNXNodeOrigin: Sendable, Equatable {
    public enum Fate: Sendable, Equatable {
        /// The node added these layers (indices into the graph, in order): their costs are its costs.
        /// `outputs` are those among them that its output tensors stand for.
        case layers([Int], outputs: [Int])
        /// The node is part of a pattern of several nodes that became one layer, shown at
        /// the pattern's first node, `shownAt` (an index into the file's nodes).
        case merged(layer: Int, shownAt: Int)
        /// Computed at import time from constants (shape arithmetic, a Constant node): no layer, no cost.
        case folded
        /// Adds no layer: its output is one of its inputs, unchanged (an Expand to the
        /// same shape, a Slice of a whole axis, a Dropout's identity at inference…).
        case passedThrough
    }

    /// The node's `name` in the file; empty when it has none.
    public var name: String
    /// Its op type, qualified by its domain outside the default one.
    public var opType: String
    public var fate: Fate
}

extension ONNXGraphImporter {
    /// Marks `nodes` as one layer: shown at the first of them, the others merged into it.
    mutating func recordMerged(_ nodes: [Int], into layer: Int) {
        guard let first = nodes.min() else { return }
        layerNodes[layer] = first
        for node in nodes where node != first { mergedInto[node] = layer }
    }

    /// Every node of the file in order, with what it became. Call after `run`.
    func nodeOrigins() -> [ONNXNodeOrigin] {
        var added = Array(repeating: [Int](), count: graph.nodes.count)
        for (layer, node) in layerNodes.sorted(by: { $0.key < $1.key }) where added.indices.contains(node) {
            added[node].append(layer)
        }
        return graph.nodes.enumerated().map { index, node in
            let fate: ONNXNodeOrigin.Fate
            if !added[index].isEmpty {
                let own = Set(added[index])
                let outputs = node.outputs.compactMap { output -> Int? in
                    guard case .activation(let layer)? = values[output], own.contains(layer) else { return nil }
                    return layer
                }
                fate = .layers(added[index], outputs: outputs.isEmpty ? [added[index][added[index].count - 1]] : outputs)
            } else if let layer = mergedInto[index], let shownAt = layerNodes[layer] {
                fate = .merged(layer: layer, shownAt: shownAt)
            } else if node.outputs.filter({ !$0.isEmpty }).allSatisfy({ if case .constant? = values[$0] { true } else { false } }) {
                fate = .folded
            } else {
                fate = .passedThrough
            }
            return ONNXNodeOrigin(name: node.name, opType: node.qualifiedOpType, fate: fate)
        }
    }
}
