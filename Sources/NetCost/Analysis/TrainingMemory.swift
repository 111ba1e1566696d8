/// The memory of one training step (`netcost memory --training`): the activations
/// autograd keeps from the forward pass for the backward one, per layer, plus the
/// weights, their gradients and the optimizer's state.
///
/// Saved tensors follow PyTorch's rules on CPU, each op's `TrainingRule`, over storages
/// as PyTorch eager makes them: a view shares its source's, an activation that is the
/// only reader of a computed tensor runs in place on it (torchvision's `inplace=True`),
/// and every other layer writes a storage of its own. A storage kept by several layers
/// counts once, for the first. An in-place activation that keeps its input keeps a copy
/// of it, taken before it writes. The graph input counts when a layer keeps it (the
/// first convolution does); stored tensors are weights, never saved activations.
public struct TrainingMemory: Sendable {
    /// What one layer keeps that no layer before it kept.
    public struct Saved: Sendable, Equatable {
        public let layer: Int
        /// `input`, `output`, `copy of input`, or the op's own tensor (`indices`, `mask`…).
        public let what: String
        public let bytes: Int
    }

    public enum Optimizer: String, Sendable, CaseIterable {
        case sgd, momentum, adam

        /// Tensors of the parameters' size the optimizer keeps: none for plain SGD, the
        /// velocity for momentum, the two moment estimates for Adam (and AdamW).
        public var statesPerParameter: Int {
            switch self {
            case .sgd: 0
            case .momentum: 1
            case .adam: 2
            }
        }
    }

    public let saved: [Saved]

    /// What each layer keeps, by layer index, in graph order.
    public var savedByLayer: [(layer: Int, saved: [Saved])] {
        var byLayer: [Int: [Saved]] = [:]
        for entry in saved { byLayer[entry.layer, default: []].append(entry) }
        return byLayer.keys.sorted().map { ($0, byLayer[$0] ?? []) }
    }
    /// Layers whose op netcost has no training rule for: the total is partial.
    public let unknownLayers: [Int]
    public let savedActivationBytes: Int
    public let parameterBytes: Int
    public let bufferBytes: Int
    public let gradientBytes: Int
    public let optimizerBytes: Int
    public let optimizer: Optimizer
    public let totalBytes: Int

    /// The training memory of `graph` at `bytesPerElement` per activation, parameter and
    /// gradient element, with `optimizer`'s state; `params` and `buffers` are the graph's
    /// stored elements (`Analysis.totals`).
    public init(_ graph: Graph, bytesPerElement: Int, params: Int, buffers: Int, optimizer: Optimizer) throws(SizeOverflow) {
        let layers = graph.layers
        let readers = graph.consumers().map(\.count)

        // The storage each layer's output lives in, and each storage's bytes.
        var storageOf = [Int?](repeating: nil, count: layers.count)
        var storageBytes: [Int] = []
        var runsInPlace = Array(repeating: false, count: layers.count)
        func newStorage(_ bytes: Int) -> Int {
            storageBytes.append(bytes)
            return storageBytes.count - 1
        }
        var saved: [Saved] = []
        var kept = Set<Int>()
        var unknown: [Int] = []
        let carriesGradient = graph.gradientCarriers()
        for (index, layer) in layers.enumerated() {
            let rules = layer.operation.rules
            let rule = rules.training(graph.inputShapes(of: index), layer.outputShape)
            let outputBytes = try layer.outputBytes(orElse: bytesPerElement)
            switch ActivationRole(layer) {
            case .stored: break
            case .view where !rule.outputIsCopy:
                storageOf[index] = layer.inputs.first.flatMap { storageOf[$0] }
            case .view, .allocates:
                if let source = layer.inputs.first, let shared = storageOf[source], Self.runsInPlace(layer, source: source, graph: graph, readers: readers) {
                    storageOf[index] = shared
                    runsInPlace[index] = true
                } else {
                    storageOf[index] = newStorage(outputBytes)
                }
            }
            guard rule.known else {
                unknown.append(index)
                continue
            }
            for tensor in rule.saves {
                switch tensor {
                case .input(let position):
                    guard layer.inputs.indices.contains(position), let storage = storageOf[layer.inputs[position]] else { continue }
                    if runsInPlace[index] && position == 0 {
                        // Written over, so kept as a copy taken first.
                        let bytes = storageBytes[storage]
                        kept.insert(newStorage(bytes))
                        saved.append(Saved(layer: index, what: "copy of input", bytes: bytes))
                    } else if kept.insert(storage).inserted {
                        saved.append(Saved(layer: index, what: layer.inputs.count > 1 ? "input \(position + 1)" : "input", bytes: storageBytes[storage]))
                    }
                case .operand(let position):
                    let othersCarry = layer.inputs.enumerated().contains { $0.offset != position && carriesGradient[$0.element] }
                    guard othersCarry, layer.inputs.indices.contains(position), let storage = storageOf[layer.inputs[position]] else { continue }
                    if kept.insert(storage).inserted {
                        saved.append(Saved(layer: index, what: "input \(position + 1)", bytes: storageBytes[storage]))
                    }
                case .output:
                    guard let storage = storageOf[index] else { continue }
                    if kept.insert(storage).inserted { saved.append(Saved(layer: index, what: "output", bytes: storageBytes[storage])) }
                case let .own(name, elements, bytes):
                    saved.append(Saved(layer: index, what: name, bytes: try elements.multiplied(by: bytes ?? bytesPerElement)))
                }
            }
        }
        self.saved = saved
        unknownLayers = unknown
        var savedBytes = 0
        for entry in saved { savedBytes = try savedBytes.adding(entry.bytes) }
        savedActivationBytes = savedBytes
        parameterBytes = try params.multiplied(by: bytesPerElement)
        bufferBytes = try buffers.multiplied(by: bytesPerElement)
        gradientBytes = parameterBytes
        optimizerBytes = try parameterBytes.multiplied(by: optimizer.statesPerParameter)
        self.optimizer = optimizer
        totalBytes = try sum(savedActivationBytes, parameterBytes, bufferBytes, gradientBytes, optimizerBytes)
    }

    /// PyTorch's in-place activations (`inplace=True`): an activation whose input is a
    /// computed tensor that nothing else reads writes over it.
    private static func runsInPlace(_ layer: Layer, source: Int, graph: Graph, readers: [Int]) -> Bool {
        let rules = layer.operation.rules
        guard type(of: rules).family == .activation, rules.inPlace == .overwritesInput, readers[source] == 1,
              graph.layers[source].outputShape.elements == layer.outputShape.elements,
              ActivationRole(graph.layers[source]) == .allocates, !graph.outputs.contains(source) else { return false }
        if case .input = graph.layers[source].operation { return false }
        return true
    }
}

extension Graph {
    /// Autograd's `requires_grad`, per layer: a tensor computed with a learned weight, or
    /// from one that is; the input image and constants carry no gradient.
    public func gradientCarriers() -> [Bool] {
        var carries = Array(repeating: false, count: layers.count)
        for (index, layer) in layers.enumerated() {
            let learns = layer.operation.rules.parameterShapes(inputShapes(of: index)).contains { !$0.role.isBuffer }
                || (layer.storedParameters?.contains { !$0.isBuffer } ?? false)
            carries[index] = learns || layer.inputs.contains { carries[$0] }
        }
        return carries
    }
}
