/// A graph with every layer's cost and receptive field, and the totals.
///
/// Computed in one pass in topological order: linear in the number of layers.
public struct Analysis: Sendable {
    public let graph: Graph
    /// Per layer, in graph order; zero for inputs.
    public let costs: [LayerCost]
    /// Per layer; nil where the input has no spatial axes to trace back to.
    public let receptiveFields: [ReceptiveField?]
    /// Layers whose input branches see differently placed fields (see `Misalignment`).
    public let misalignments: [Misalignment]
    public let totals: Totals
    /// Layers whose op netcost cannot cost: when not empty, the totals are partial.
    public let unsupported: [Int]
    /// Layers that reuse the stored weights of an earlier layer (a spec's `"share"`, an
    /// ONNX initializer read twice), mapped to the first layer that holds them.
    public let sharedWeights: [Int: Int]
    /// For layers that read stored tensors: the parameters and buffers they hold first,
    /// which the totals count (a layer that reuses another's holds none).
    public let ownedWeights: [Int: (params: Int, buffers: Int)]

    public var isPartial: Bool { !unsupported.isEmpty }
    /// Samples per pass, as the first graph input's batch axis holds them: every count is
    /// taken on the whole tensors, so MACs, FLOPs and activations are for this many, and
    /// weights are read once.
    public var batch: Int {
        graph.batch
    }

    /// Analyses `graph`: its shapes hold the whole tensors, so nothing is multiplied by a batch.
    public init(_ graph: Graph) throws(InputError) {
        // A graph built by hand may not be in order; one read before its producer is an error, not a trap.
        for (index, layer) in graph.layers.enumerated() where layer.inputs.contains(where: { $0 < 0 || $0 >= index }) {
            throw InputError("reads a layer that does not come before it", layer: layer.name, field: "inputs")
        }
        self.graph = graph
        var costs: [LayerCost] = []
        var fields: [ReceptiveField?] = []
        var misalignments: [Misalignment] = []
        costs.reserveCapacity(graph.layers.count)
        fields.reserveCapacity(graph.layers.count)
        var totals = Totals()
        var tensorOwners: [String: Int] = [:]
        var sharedWeights: [Int: Int] = [:]
        var ownedWeights: [Int: (params: Int, buffers: Int)] = [:]
        var unsupported: [Int] = []
        for (index, layer) in graph.layers.enumerated() {
            let inputs = layer.inputs.map { graph.layers[$0].outputShape }
            let rules = layer.operation.rules
            let cost: LayerCost
            do {
                cost = try rules.cost(inputs, layer.outputShape)
                _ = try sum(cost.inputReads, cost.weightReads, cost.outputWrites)
            } catch {
                throw SizeOverflow().inputError(layer: layer.name)
            }
            costs.append(cost)

            let (field, misalignment) = Self.receptiveField(of: index, in: graph, inputFields: layer.inputs.map { fields[$0] })
            fields.append(field)
            if let misalignment { misalignments.append(misalignment) }

            // Stored tensors (ONNX) count once each, however many layers read them.
            var stored: (params: Int, buffers: Int)?
            if let storedParameters = layer.storedParameters {
                var counted = (params: 0, buffers: 0)
                do {
                    for tensor in storedParameters {
                        if let owner = tensorOwners[tensor.name] {
                            if owner != index, sharedWeights[index] == nil { sharedWeights[index] = owner }
                            continue
                        }
                        tensorOwners[tensor.name] = index
                        if tensor.isBuffer {
                            counted.buffers = try counted.buffers.adding(tensor.elements)
                        } else {
                            counted.params = try counted.params.adding(tensor.elements)
                        }
                    }
                } catch {
                    throw SizeOverflow().inputError(layer: layer.name)
                }
                stored = counted
                ownedWeights[index] = counted
            }
            if case .unsupported = layer.operation { unsupported.append(index) }
            do {
                try totals.add(cost, stored: stored, isView: rules.storage == .view)
            } catch {
                throw InputError("with this layer the model's totals pass 2⁶⁰ − 1 (about 1.15 × 10¹⁸), the most netcost counts", layer: layer.name)
            }
        }
        self.costs = costs
        self.receptiveFields = fields
        self.misalignments = misalignments
        self.totals = totals
        self.unsupported = unsupported
        self.sharedWeights = sharedWeights
        self.ownedWeights = ownedWeights
    }

    /// Bytes written by the layers that produce new tensors (`Totals.activations` in
    /// bytes) and by the graph's inputs: each output at its stored element type (a
    /// `.tflite` file's tensors), else at `bytesPerElement`.
    public func activationBytes(orElse bytesPerElement: Int) throws(SizeOverflow) -> (input: Int, forward: Int) {
        var input = 0, forward = 0
        for (layer, cost) in zip(graph.layers, costs) {
            if case .input = layer.operation {
                input = try input.adding(try layer.outputBytes(orElse: bytesPerElement))
            } else if layer.operation.rules.storage != .view {
                forward = try forward.adding(try layer.bytes(of: cost.outputWrites, orElse: bytesPerElement))
            }
        }
        return (input, forward)
    }

    /// The layer's field: its inputs' fields merged (their union where they disagree),
    /// then carried through its window.
    private static func receptiveField(of index: Int, in graph: Graph, inputFields: [ReceptiveField?]) -> (ReceptiveField?, Misalignment?) {
        let layer = graph.layers[index]
        // The input image starts a field of one pixel. Other layers without inputs (stored
        // constants) have none: the merge below finds no field to carry.
        if case .input = layer.operation { return (layer.outputShape.isFeatureMap ? .pixel : nil, nil) }
        // A broadcast operand with no spatial extent (squeeze-excite's [C, 1, 1] scale)
        // carries global context, not a window: the field follows the spatial inputs.
        let spatial = layer.outputShape.spatialElements > 1
        let known = zip(layer.inputs, inputFields).compactMap { input, field in
            spatial && graph.layers[input].outputShape.spatialElements == 1 ? nil : field
        }
        guard var merged = known.first else { return (nil, nil) }
        var misalignment: Misalignment?
        for other in known.dropFirst() {
            if !other.isAligned(with: merged) { misalignment = Misalignment(layer: index, fields: known) }
            merged = merged.union(other)
        }
        let window = layer.operation.rules.window(graph.inputShapes(of: index), layer.outputShape)
        return (merged.through(window, input: graph.layers[layer.inputs[0]].outputShape), misalignment)
    }

    /// The field of the network's final feature map: the largest field of any map that
    /// still has spatial extent (H·W > 1) and leads to an output. Fields never shrink along
    /// a path, so in a chain this is the last such map; among layers that share it (a conv
    /// and its activation, two heads on one level) the one no other of them reads, then the
    /// first by name, so that the order of the layers in a file never changes the answer.
    public var finalReceptiveField: (layer: Int, field: ReceptiveField)? {
        // The outputs and every layer they read from, directly or not.
        var feedsOutput = Array(repeating: false, count: graph.layers.count)
        for output in graph.outputs { feedsOutput[output] = true }
        for index in graph.layers.indices.reversed() where feedsOutput[index] {
            for input in graph.layers[index].inputs { feedsOutput[input] = true }
        }
        var best: [Int] = []
        var bestArea = 0.0
        for (index, layer) in graph.layers.enumerated() where feedsOutput[index] {
            guard layer.outputShape.isFeatureMap, layer.outputShape.spatialElements > 1, let field = receptiveFields[index] else { continue }
            let area = field.height.size * field.width.size
            if area > bestArea {
                (best, bestArea) = ([index], area)
            } else if area == bestArea {
                best.append(index)
            }
        }
        guard !best.isEmpty else { return nil }
        let candidates = Set(best)
        let consumers = graph.consumers()
        let sinks = best.filter { !consumers[$0].contains(where: candidates.contains) }
        let chosen = (sinks.isEmpty ? best : sinks).min { graph.layers[$0].name < graph.layers[$1].name } ?? best[0]
        return receptiveFields[chosen].map { (chosen, $0) }
    }

    /// The largest jump of any layer's field: how many input pixels one step of the
    /// coarsest map spans (32 for ResNet, 128 for a RetinaNet with P7). Input sizes that
    /// are multiples of it keep every join of the network aligned.
    public var totalStride: Int {
        let jump = receptiveFields.compactMap { $0.map { max($0.height.jump, $0.width.jump) } }.max() ?? 1
        return jump.isFinite && jump >= 1 && jump < 1e9 ? Int(jump.rounded(.up)) : 1
    }

    /// The graph's outputs (`Graph.outputs`) with their fields.
    public var outputs: [(layer: Int, field: ReceptiveField?)] {
        graph.outputs.map { ($0, receptiveFields[$0]) }
    }
}

/// A layer whose inputs come through branches with differently placed receptive
/// fields (different centres or jumps), so its output mixes misaligned pixels.
public struct Misalignment: Sendable, Equatable {
    public var layer: Int
    public var fields: [ReceptiveField]
}

/// Whole-network sums.
///
/// Each stays at most `maximum` (2⁶⁰ − 1): a model past that is refused as it is
/// analysed, so that any total times a byte width of up to 8 fits in `Int` wherever
/// a report prints it in bytes.
public struct Totals: Sendable, Equatable {
    public static let maximum = Int.max >> 3

    public var params = 0
    public var buffers = 0
    public var macs = 0
    public var flops = 0
    public var memoryAccess = 0
    /// Elements written by layers that produce new tensors (views excluded).
    public var activations = 0

    public init() {}

    /// Adds a layer; `stored` replaces its params and buffers when it reads stored tensors.
    mutating func add(_ cost: LayerCost, stored: (params: Int, buffers: Int)?, isView: Bool) throws(SizeOverflow) {
        params = try params.adding(stored?.params ?? cost.params)
        buffers = try buffers.adding(stored?.buffers ?? cost.buffers)
        macs = try macs.adding(cost.macs)
        flops = try flops.adding(cost.flops)
        memoryAccess = try memoryAccess.adding(cost.memoryAccess)
        if !isView { activations = try activations.adding(cost.outputWrites) }
        guard max(params, buffers, macs, flops, memoryAccess, activations) <= Self.maximum else { throw SizeOverflow() }
    }
}
