/// Rewrites a training graph into the graph an inference engine runs (`--fuse`).
///
/// - A batch norm whose only input is a convolution or linear layer that feeds nothing
///   else is folded into that layer's weights and bias (`w′ = w·γ/σ`, `b′ = (b − μ)·γ/σ + β`).
/// - Activations that follow such a layer (or its folded norm), again as its only
///   reader, are applied to its output before it is written.
/// Everything else is kept as it was. The fused layer keeps the base layer's name.
/// Which op plays which part is the op's `fusion` role (`FusionRole`), not a list here.
public enum Fusion {
    public static func deploy(_ graph: Graph) throws(InputError) -> Graph {
        let consumers = graph.consumers()
        // For each layer, the layer of the new graph whose output stands for its output.
        var representative = Array(graph.layers.indices)
        var absorbed = Array(repeating: false, count: graph.layers.count)
        var foldedNorms: Set<Int> = []
        var replacements: [Int: Operation] = [:]

        for (index, layer) in graph.layers.enumerated() where !absorbed[index] {
            guard case .base(let withBias) = layer.operation.rules.fusion else { continue }
            var base = layer.operation
            var tail = index
            var foldedNorm = false
            var activations: [Activation] = []
            if let next = soleReader(of: tail, consumers, graph), case .foldsIntoBase = graph.layers[next].operation.rules.fusion {
                foldedNorm = true
                absorbed[next] = true
                tail = next
                base = withBias
            }
            while let next = soleReader(of: tail, consumers, graph), case .fusesIntoBase(let activation) = graph.layers[next].operation.rules.fusion {
                activations.append(activation)
                absorbed[next] = true
                tail = next
            }
            guard tail != index else { continue }
            if foldedNorm { foldedNorms.insert(index) }
            replacements[index] = .fused(Fused(base: base, foldedNorm: foldedNorm, activations: activations))
            representative[tail] = index
        }

        var builder = GraphBuilder(name: graph.name, limits: .unlimited)
        builder.setKinds(from: graph.groups)
        var newIndex = Array(repeating: -1, count: graph.layers.count)
        for (index, layer) in graph.layers.enumerated() where !absorbed[index] {
            let inputs = layer.inputs.map { newIndex[representative[$0]] }
            newIndex[index] = try builder.add(name: layer.name, operation: replacements[index] ?? layer.operation, inputs: inputs)
            builder.setPyTorchCall(layer.pytorchCall, ofLayer: newIndex[index])
            builder.setStoredElementBits(layer.storedElementBits, ofLayer: newIndex[index])
            // A folded norm makes the weights this layer's own: they are no longer the stored,
            // possibly shared, tensors, and count by the fused layer's formula.
            if let storedParameters = layer.storedParameters, !foldedNorms.contains(index) {
                try builder.setStoredParameters(storedParameters, of: newIndex[index])
            }
        }
        builder.declaredOutputs = graph.declaredOutputs?.map { newIndex[representative[$0]] }
        return builder.build()
    }

    /// The layer that alone reads `index`'s output, if it reads nothing else.
    private static func soleReader(of index: Int, _ consumers: [[Int]], _ graph: Graph) -> Int? {
        guard consumers[index].count == 1, let reader = consumers[index].first, graph.layers[reader].inputs == [index] else { return nil }
        return reader
    }
}
