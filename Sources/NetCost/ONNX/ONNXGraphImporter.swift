/// Walks an ONNX graph in node order and builds netcost's layer graph, inferring
/// shapes as it goes.
///
/// Layers keep ONNX's whole shapes, batch included, and ops take ONNX's axes as they
/// are: nothing is shifted or guessed. The graph input's axis 0 is the batch
/// (`TensorShape.batchAxis`); the ops carry it along for the reports' per-sample view.
struct ONNXGraphImporter {
    let graph: ONNXGraph
    let opset: Int
    var builder: GraphBuilder
    /// What each tensor name stands for.
    var values: [String: ONNXValue] = [:]
    var names = ONNXLayerNames()
    /// Stored tensors each layer reads, by layer index (finished in `finishStoredTensors`).
    var stored: [Int: [StoredTensor]] = [:]
    /// Names of the tensors in `stored`.
    var storedNames: Set<String> = []
    /// Unsupported nodes in order: op type, why (when the op is known but this use is not), layer.
    var unsupported: [(opType: String, reason: String?, layer: String)] = []
    /// Layers whose shape is a guess (an unsupported op's, with no declared shape),
    /// and the layers computed from them.
    var guessed: Set<Int> = []
    /// The samples the graph runs: the first input's batch (axis 0), and the size a
    /// symbolic leading axis stands for elsewhere.
    var graphBatch = 1
    var constantLayers: [String: Int] = [:]
    var warnings: [String] = []
    /// Unsupported ops whose output shape was assumed from their input.
    var guessedUnsupported = 0
    /// Elements that folded constants may still hold, so that shape arithmetic in a
    /// hostile file cannot allocate without bound; past it, folded values are dropped.
    var foldBudget = 1 << 22
    /// Nodes imported from Loop bodies and If branches so far (see `ONNXOps.unrolledNodeLimit`).
    var unrolledNodes = 0
    /// Consumer node indices of each tensor.
    let consumers: [String: [Int]]
    /// The node producing each tensor.
    let producers: [String: Int]
    let graphOutputs: Set<String>
    /// Declared ONNX dims of tensors (value_info and graph outputs).
    let declared: [String: [Int?]]
    /// Rewrites found before the walk (see `ONNXPatterns`), by the index of their first node.
    var fusionsByStart: [Int: ONNXFusion] = [:]
    /// Nodes that belong to a fusion that was carried out, so they add nothing themselves.
    var absorbed: Set<Int> = []
    /// The node each layer came from, by layer index; −1 for a stored tensor no node counted.
    var layerNodes: [Int: Int] = [:]
    /// Nodes whose work a layer shown at another node of theirs stands for (a fusion, a
    /// channel shuffle), mapped to that layer.
    var mergedInto: [Int: Int] = [:]
    /// Module scopes of a TorchScript export (`/layer1/layer1.0`) that hold other scopes:
    /// containers, whose own nodes came from function calls in their forward.
    let containerScopes: Set<Substring>
    /// Module scopes that hold a Transpose node (see `pytorchCall`).
    let transposingScopes: Set<Substring>

    init(graph: ONNXGraph, opset: Int, name: String, limits: ModelLimits) {
        self.graph = graph
        self.opset = opset
        self.builder = GraphBuilder(name: name, limits: limits)
        var consumers: [String: [Int]] = [:]
        var producers: [String: Int] = [:]
        for (index, node) in graph.nodes.enumerated() {
            // A Loop or If reads what its nested nodes read: those count as its inputs.
            for nested in Self.nodes(in: node) {
                for input in nested.inputs where !input.isEmpty { consumers[input, default: []].append(index) }
            }
            for output in node.outputs where !output.isEmpty { producers[output] = index }
        }
        self.consumers = consumers
        self.producers = producers
        var containers = Set<Substring>()
        for node in graph.nodes where node.name.hasPrefix("/") {
            guard let last = node.name.lastIndex(of: "/") else { continue }
            var scope = node.name[..<last]
            // Every scope above the node's own holds another: a container.
            while let slash = scope.lastIndex(of: "/") {
                scope = scope[..<slash]
                if !containers.insert(scope).inserted { break }
            }
        }
        containerScopes = containers
        transposingScopes = Set(graph.nodes.compactMap { node in
            node.opType == "Transpose" && node.name.hasPrefix("/") ? node.name.lastIndex(of: "/").map { node.name[..<$0] } : nil
        })
        self.graphOutputs = Set(graph.outputs.map(\.name))
        var declared: [String: [Int?]] = [:]
        for info in Self.graphs(in: graph).flatMap({ $0.valueInfo + $0.outputs }) {
            if let dims = info.dims { declared[info.name] = dims }
        }
        self.declared = declared
    }

    /// The node and every node of the graphs in its attributes, at any depth.
    static func nodes(in node: ONNXNode) -> [ONNXNode] {
        [node] + node.attributes.flatMap(\.graphs).flatMap { $0.nodes.flatMap(nodes(in:)) }
    }

    /// The graph and the graphs nested in its nodes' attributes.
    static func graphs(in graph: ONNXGraph) -> [ONNXGraph] {
        [graph] + graph.nodes.flatMap(\.attributes).flatMap(\.graphs).flatMap(graphs(in:))
    }

    // MARK: The walk

    /// Imports every node; `inputShape` replaces the first graph input's per-sample
    /// shape, and `batch`, when given, its batch.
    mutating func run(inputShape: [Int]?, batch: Int?) throws(InputError) {
        try addInitializers()
        try addInputs(override: inputShape, batch: batch)
        for fusion in ONNXPatterns.find(in: graph, constants: staticConstants(), consumers: consumers, producers: producers) {
            fusionsByStart[fusion.nodes[0]] = fusion
        }
        for (index, node) in graph.nodes.enumerated() {
            let context = ONNXNodeContext(node: node, index: index, name: ONNXLayerNames.dotted(node, scopes: node.scopes), opset: opset)
            do {
                try importNode(context)
            } catch {
                throw error.inLayer(context.name)
            }
        }
        let assumed = guessedUnsupported
        if assumed > 0 {
            warnings.append("\(assumed) unsupported op\(assumed == 1 ? "" : "s") had no declared output shape; the shape of \(assumed == 1 ? "its" : "their") first input was assumed")
        }
        // No view is left deferred here: a view is held back only while its one reader,
        // a Reshape or Transpose, is still to come, and that reader takes it over.
        try attachUnreadInitializers()
        try finishStoredTensors()
        markMultiheadAttention()
    }

    /// `nn.MultiheadAttention` runs its projections, both products and the softmax in its
    /// own forward, with no submodule called: a leaf module scope that holds a softmax and a
    /// product of two activations is one, and its layers are marked `.attention`.
    mutating func markMultiheadAttention() {
        var layersOfScope: [Substring: [Int]] = [:]
        for (layer, node) in layerNodes where graph.nodes.indices.contains(node) {
            let name = graph.nodes[node].name
            guard name.hasPrefix("/"), let slash = name.lastIndex(of: "/") else { continue }
            let scope = name[..<slash]
            guard !scope.isEmpty, !containerScopes.contains(scope) else { continue }
            layersOfScope[scope, default: []].append(layer)
        }
        for layers in layersOfScope.values {
            let operations = layers.map { builder.layers[$0].operation }
            let hasSoftmax = operations.contains { if case .softmax = $0 { true } else { false } }
            let hasProduct = operations.contains { if case .matmul = $0 { true } else { false } }
            guard hasSoftmax, hasProduct else { continue }
            for layer in layers { builder.setPyTorchCall(.attention, ofLayer: layer) }
        }
    }

    private mutating func importNode(_ context: ONNXNodeContext) throws(InputError) {
        if absorbed.contains(context.index) { return }
        let before = builder.layers.count
        if let fusion = fusionsByStart[context.index], try apply(fusion, context) {
            absorbed.formUnion(fusion.nodes)
            recordMerged(fusion.nodes, into: builder.layers.count - 1)
            attachReadInitializers(of: fusion.nodes, addedFrom: before)
            return
        }
        try importWithHandler(context)
        attachReadInitializers(of: [context.index], addedFrom: before)
    }

    /// Imports a node by its op's handler (or as unsupported), without the graph-wide
    /// rewrites: also how a Loop's body and an If's branch are read.
    mutating func importWithHandler(_ context: ONNXNodeContext) throws(InputError) {
        let node = context.node
        guard node.domain.isEmpty || node.domain == "ai.onnx", let handler = ONNXOps.table[node.opType] else {
            try addUnsupported(context)
            return
        }
        do {
            try handler(&self, context)
        } catch {
            // A node whose inputs' shapes were guessed after an unsupported op may find
            // them impossible (an empty slice, a reshape that does not divide): it is not
            // counted either, and the import goes on.
            guard try readsGuessedShape(context) else { throw error }
            try addUnsupported(context, reason: "input shapes unknown after an unsupported op")
        }
        for (position, output) in node.outputs.enumerated() where !output.isEmpty && values[output] == nil {
            // An extra output the mapping does not produce (MaxPool's indices,
            // Dropout's mask): unsupported if anything reads it.
            guard consumers[output] != nil || graphOutputs.contains(output) else { continue }
            let shape = declaredShape(output) ?? [1]
            let layer = try addLayer(context.name + "_output\(position)",
                                     .unsupported(UnsupportedOperation(opType: node.opType, shape: try shapeOf(shape, context))),
                                     inputs: [], context)
            if declaredShape(output) == nil { guessed.insert(layer) }
            unsupported.append((node.opType, "output \(position)", builder.layers[layer].name))
            values[output] = .activation(layer)
        }
    }

    /// Whether a run-time input of the node has a shape guessed after an unsupported op.
    func readsGuessedShape(_ context: ONNXNodeContext) throws(InputError) -> Bool {
        for position in context.node.inputs.indices {
            if let value = try value(context, position), isGuessed(value) { return true }
        }
        return false
    }

    func isGuessed(_ value: ONNXValue) -> Bool {
        switch value {
        case .activation(let index): guessed.contains(index)
        case .deferred(let view): guessed.contains(view.base)
        case .constant: false
        case .sequence(let items): items.contains(where: isGuessed)
        }
    }

    /// Float initializers that the nodes read as arguments rather than weights (Clip's
    /// bounds, Resize's scales, GELU's √2) count with the last layer the nodes added,
    /// so that every stored float tensor a layer depends on is counted once.
    private mutating func attachReadInitializers(of nodes: [Int], addedFrom first: Int) {
        guard builder.layers.count > first else { return }
        var tensors: [StoredTensor] = []
        for index in nodes {
            for input in graph.nodes[index].inputs {
                guard case .constant(let constant)? = values[input] else { continue }
                tensors += constant.sources.filter { !storedNames.contains($0.name) }
            }
        }
        guard !tensors.isEmpty else { return }
        let layer = builder.layers.count - 1
        stored[layer, default: []].append(contentsOf: tensors)
        storedNames.formUnion(tensors.map(\.name))
    }

    // MARK: Initializers and inputs

    private mutating func addInitializers() throws(InputError) {
        for tensor in graph.initializers {
            guard !tensor.name.isEmpty else { throw InputError("an initializer has no name", field: "initializer") }
            guard values[tensor.name] == nil else {
                throw InputError("two initializers are named \"\(tensor.name)\"", field: "initializer")
            }
            values[tensor.name] = .constant(Self.constant(from: tensor, label: tensor.name))
        }
    }

    /// An initializer or a Constant node's tensor as a constant; float tensors count as stored parameters.
    static func constant(from tensor: ONNXTensor, label: String) -> ONNXConstant {
        var constant = ONNXConstant(dims: tensor.dims, dataType: tensor.dataType, values: tensor.values, label: label)
        if tensor.isFloatingPoint, let elements = tensor.elements, elements > 0, !tensor.name.isEmpty {
            constant.sources = [StoredTensor(name: tensor.name, elements: elements)]
        }
        return constant
    }

    private mutating func addInputs(override: [Int]?, batch: Int?) throws(InputError) {
        var first = true
        for input in graph.inputs where values[input.name] == nil {
            guard !input.name.isEmpty else { throw InputError("a graph input has no name", field: "input") }
            // The first is the input an override replaces (`ONNXGraph.declaredInput`);
            // its batch is the graph's, which a symbolic batch of the others takes.
            let declared = ONNXDeclaredInput(name: input.name, dims: input.shape)
            let symbolicBatch = declared.dims?.first?.size == nil
            let dims = try declared.wholeShape(given: first ? override : nil, batch: first ? batch : (symbolicBatch ? graphBatch : nil))
            if first { graphBatch = dims[0] }
            // Axis 0 holds the samples when the file leaves it open or fixes it at 1, or
            // when a fixed size leads a [N, C, …] map; a detector's [3, H, W] image has
            // no batch axis. For the per-sample view only: counts take the dims as they are.
            let leading = declared.dims?.first?.size
            let batchAxis: Int? = leading == nil || leading == 1 || (first && batch != nil) || dims.count >= 4 ? 0 : nil
            let tensorShape: TensorShape
            do {
                tensorShape = try TensorShape(dims, batchAxis: batchAxis)
            } catch {
                throw InputError("graph input \"\(input.name)\": \(error.message)", field: "input")
            }
            try checkSize(tensorShape, layer: input.name)
            let index = try builder.addInput(name: names.unique(input.name), shape: tensorShape)
            values[input.name] = .activation(index)
            first = false
        }
        guard !first else { throw InputError("the graph has no input besides its initializers", field: "input") }
    }

    /// Dims past `LayerFields.maximumSize` are refused, so that no op rule's sum of sizes can overflow.
    func checkSize(_ shape: TensorShape, layer: String) throws(InputError) {
        if let large = shape.dims.first(where: { $0 > LayerFields.maximumSize }) {
            throw InputError("dimension \(large) of shape \(TensorShape.format(shape.dims)) is larger than \(LayerFields.maximumSize)", layer: layer)
        }
    }

    /// Initializers and Constant nodes, resolved through Identity, for pattern matching.
    private func staticConstants() -> [String: ONNXConstant] {
        var constants: [String: ONNXConstant] = [:]
        for (name, value) in values { if case .constant(let constant) = value { constants[name] = constant } }
        for node in graph.nodes where node.domain.isEmpty || node.domain == "ai.onnx" {
            guard let output = node.outputs.first else { continue }
            if node.opType == "Constant", let constant = try? ONNXOps.constantNodeValue(node, label: output) {
                constants[output] = constant
            } else if node.opType == "Identity", let input = node.input(0), let constant = constants[input] {
                constants[output] = constant
            }
        }
        return constants
    }
}
