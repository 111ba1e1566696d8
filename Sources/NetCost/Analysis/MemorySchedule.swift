/// Activation memory over an execution order (`netcost memory`): the buffers alive at
/// each step, and the peak.
///
/// A layer's output buffer is allocated when the layer runs and freed once the last
/// layer that reads it, or reads a view of it, has run; the graph's outputs stay to the
/// end, and the graph inputs are there from the start. During a step the layer's inputs
/// and its output are alive together, so a step's live bytes are everything allocated
/// and not yet freed, its output included. Views cost nothing: they share their
/// source's buffer and keep it alive. Stored tensors (constant layers) are weights, not
/// activations, and are left out. With `inPlace`, a layer whose op may overwrite an
/// input (`InPlaceRole.overwritesInput`) writes over an input buffer of its output's
/// size that nothing reads afterwards and that is not a graph input: it allocates nothing.
public struct MemorySchedule: Sendable {
    /// One activation buffer: allocated at step `first`, freed after step `last`.
    public struct Buffer: Sendable, Equatable {
        /// The layer that allocated it.
        public let layer: Int
        public let bytes: Int
        public let first: Int
        public internal(set) var last: Int

        public init(layer: Int, bytes: Int, first: Int, last: Int) {
            self.layer = layer
            self.bytes = bytes
            self.first = first
            self.last = last
        }
    }

    public struct Step: Sendable, Equatable {
        public let layer: Int
        /// The buffer this step allocates, nil for a view, an in-place op or a constant.
        public let allocated: Int?
        /// The buffer the output was written over (`--in-place`), if any.
        public let reused: Int?
        /// Buffers freed after this step.
        public let freed: [Int]
        /// Bytes alive while the step runs.
        public let liveBytes: Int
    }

    /// The layers in the order they run.
    public let order: [Int]
    public let buffers: [Buffer]
    public let steps: [Step]
    /// The buffer holding each layer's output (a view's is its source's); nil for constants.
    public let bufferOfLayer: [Int?]
    public let peakBytes: Int
    /// The step at which the peak is reached first.
    public let peakStep: Int

    /// Whose rules decide when a buffer is freed and what runs in place.
    public enum Rules: String, Sendable, CaseIterable {
        /// netcost's, an inference runtime's: freed after the last reader; in place only with `inPlace`.
        case netcost
        /// PyTorch's eager forward under `torch.no_grad()`: a tensor lives while Python
        /// holds it. A module's `forward` holds its input until it returns, so a tensor
        /// read by a module (a group) it does not come from stays alive until that module's
        /// last layer has run; the caller holds the graph input to the end; activations
        /// run in place (torchvision's `inplace=True`), sharing their input's storage.
        case pytorch
    }

    /// The schedule of `graph` in `order` (a topological order; the graph's own by
    /// default), at `bytesPerElement` per activation element, under `rules`.
    /// With `splitExpansions`, an inverted residual block (MobileNetV2's bottleneck) is
    /// computed in `t` splits, `t` its expansion factor (MobileNetV2, Section 5.1): a
    /// tensor of the block `t` times wider than its input is never whole, only one split
    /// of it at a time, so its buffer is a `t`-th of the whole, rounded up. With `firstLayerTrick`, the first
    /// convolution and the per-channel layers after it run one channel at a time, summed
    /// into the 1×1 convolution that reads them (`firstLayerRun`): their buffers hold one channel.
    public init(_ graph: Graph, order given: [Int]? = nil, bytesPerElement: Int, inPlace: Bool = false,
                rules: Rules = .netcost, splitExpansions: Bool = false, firstLayerTrick: Bool = false) throws(SizeOverflow) {
        let layers = graph.layers
        let order = given ?? Array(layers.indices)
        // Who reads what, in steps.
        var lastRead = Array(repeating: -1, count: layers.count)
        for (step, layer) in order.enumerated() {
            for input in layers[layer].inputs { lastRead[input] = max(lastRead[input], step) }
        }
        let outputs = Set(graph.outputs)
        if rules == .pytorch { Self.holdModuleInputs(graph, order, &lastRead) }

        let oneChannel = firstLayerTrick ? Self.firstLayerRun(graph) : []
        var buffers: [Buffer] = []
        var bufferOfLayer = [Int?](repeating: nil, count: layers.count)
        var reusedBy: [Int?] = Array(repeating: nil, count: order.count)
        var allocatedBy: [Int?] = Array(repeating: nil, count: order.count)
        for (step, index) in order.enumerated() {
            let layer = layers[index]
            let opRules = layer.operation.rules
            switch ActivationRole(layer) {
            case .stored: continue
            case .view:
                bufferOfLayer[index] = layer.inputs.first.flatMap { bufferOfLayer[$0] }
                continue
            case .allocates: break
            }
            var bytes = try layer.outputBytes(orElse: bytesPerElement)
            if splitExpansions, let splits = Self.expansion(of: index, in: graph) { bytes = (bytes + splits - 1) / splits }
            if oneChannel.contains(index) {
                let channels = max(layer.outputShape.dims[1], 1)
                bytes = (bytes + channels - 1) / channels
            }
            // PyTorch's in-place activations write over their input whoever still holds it.
            let torchInPlace = rules == .pytorch && opRules.inPlace == .overwritesInput && type(of: opRules).family == .activation
            if (inPlace && rules == .netcost && opRules.inPlace == .overwritesInput) || torchInPlace,
               let target = layer.inputs.first(where: { input in
                   // The buffer must hold the whole output: one split or one channel of it does not.
                   guard let buffer = bufferOfLayer[input], layers[input].outputShape.elements == layer.outputShape.elements,
                         buffers[buffer].bytes >= bytes, torchInPlace || buffers[buffer].last <= step else { return false }
                   if case .input = layers[buffers[buffer].layer].operation { return false }
                   return torchInPlace || !outputs.contains(input)
               }), let buffer = bufferOfLayer[target] {
                bufferOfLayer[index] = buffer
                reusedBy[step] = buffer
            } else {
                bufferOfLayer[index] = buffers.count
                allocatedBy[step] = buffers.count
                buffers.append(Buffer(layer: index, bytes: bytes, first: step, last: step))
            }
            // The buffer lives as long as anything reads this layer's output.
            if let buffer = bufferOfLayer[index] {
                buffers[buffer].last = max(buffers[buffer].last, outputs.contains(index) ? order.count - 1 : lastRead[index])
            }
        }
        // A view's readers keep its source alive.
        for (step, index) in order.enumerated() {
            guard let buffer = bufferOfLayer[index] else { continue }
            let end = outputs.contains(index) ? order.count - 1 : lastRead[index]
            buffers[buffer].last = max(buffers[buffer].last, end, step)
        }

        var freedAfter = Array(repeating: [Int](), count: order.count)
        for (id, buffer) in buffers.enumerated() { freedAfter[buffer.last].append(id) }
        var live = 0, peak = 0, peakStep = 0
        var steps: [Step] = []
        for (step, index) in order.enumerated() {
            if let id = allocatedBy[step] { live = try live.adding(buffers[id].bytes) }
            if live > peak { (peak, peakStep) = (live, step) }
            steps.append(Step(layer: index, allocated: allocatedBy[step], reused: reusedBy[step], freed: freedAfter[step], liveBytes: live))
            for id in freedAfter[step] { live -= buffers[id].bytes }
        }
        self.order = order
        self.buffers = buffers
        self.steps = steps
        self.bufferOfLayer = bufferOfLayer
        self.peakBytes = peak
        self.peakStep = peakStep
    }

    /// The expansion factor `t` when layer `index` sits in an inverted residual block and
    /// its output is `t` times as wide as the block's input (t ≥ 2); nil otherwise.
    private static func expansion(of index: Int, in graph: Graph) -> Int? {
        guard let block = graph.groups.ancestors(ofLayer: index).last(where: { graph.groups[$0].kind == .block(.invertedResidual) }),
              let input = graph.layers[graph.groups[block].firstLayer].inputs.first else { return nil }
        let inner = graph.layers[index].outputShape, outer = graph.layers[input].outputShape
        guard inner.rank == 4, outer.rank == 4 else { return nil }
        let (wide, narrow) = (inner.channels, outer.channels)
        guard narrow > 0, wide >= 2 * narrow, wide % narrow == 0 else { return nil }
        return wide / narrow
    }

    /// MobileNetV2's first-layer trick (its Section 5 and Table 3): the graph's first
    /// convolution, and the chain of per-channel layers after it (depthwise convolution,
    /// batch norm, activations, windowed pooling), each read by the next alone, can run
    /// one channel at a time when the chain ends in a 1×1 convolution, which sums its
    /// output over them channel by channel. Returns the layers of that chain; a chain
    /// that meets anything else (a second reader, a layer that mixes channels) keeps its
    /// last tensor whole.
    static func firstLayerRun(_ graph: Graph) -> Set<Int> {
        let layers = graph.layers
        guard var current = layers.indices.first(where: { index in
            let family = type(of: layers[index].operation.rules).family
            return (family == .convolution || family == .fused) && layers[index].outputShape.rank == 4
        }) else { return [] }
        let readers = graph.consumers()
        let outputs = Set(graph.outputs)
        var run: Set<Int> = []
        while readers[current].count == 1, !outputs.contains(current), layers[current].outputShape.rank == 4 {
            let reader = readers[current][0]
            switch layers[reader].operation.channelRole(inputChannels: layers[current].outputShape.dims[1]) {
            case .perChannel:
                run.insert(current)
                current = reader
            case .pointwiseSum:
                run.insert(current)
                return run
            case .mixes:
                return run
            }
        }
        return run
    }

    /// PyTorch's holds: a tensor read by a layer inside a group (a module) that does not
    /// hold its producer lives until the outermost such group's last layer; the graph
    /// inputs live to the end.
    private static func holdModuleInputs(_ graph: Graph, _ order: [Int], _ lastRead: inout [Int]) {
        var groupEnd = Array(repeating: -1, count: graph.groups.count)
        for (step, layer) in order.enumerated() {
            for group in graph.groups.ancestors(ofLayer: layer) { groupEnd[group] = max(groupEnd[group], step) }
        }
        for layer in order {
            let readers = graph.groups.ancestors(ofLayer: layer)
            for input in graph.layers[layer].inputs {
                let producers = graph.groups.ancestors(ofLayer: input)
                var shared = 0
                while shared < readers.count, shared < producers.count, readers[shared] == producers[shared] { shared += 1 }
                if shared < readers.count { lastRead[input] = max(lastRead[input], groupEnd[readers[shared]]) }
            }
        }
        for (index, layer) in graph.layers.enumerated() {
            if case .input = layer.operation { lastRead[index] = order.count - 1 }
        }
    }
}

/// How a layer's output takes activation memory: a buffer of its own (the graph inputs
/// and every computed layer), its source's (a view), or none (a stored tensor: weights).
enum ActivationRole {
    case allocates, view, stored

    init(_ layer: Layer) {
        let rules = layer.operation.rules
        if type(of: rules).family == .source {
            if case .input = layer.operation { self = .allocates } else { self = .stored }
        } else {
            self = rules.storage == .view ? .view : .allocates
        }
    }
}
