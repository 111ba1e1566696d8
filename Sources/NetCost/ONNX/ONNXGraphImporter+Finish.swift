// Fusions, deferred views, and the bookkeeping that makes every stored float tensor
// count exactly once.

extension ONNXGraphImporter {
    // MARK: Fusions

    /// Adds the layer a fusion stands for; false (and nothing added) when the walk
    /// finds it does not apply after all, so its nodes are imported one by one.
    mutating func apply(_ fusion: ONNXFusion, _ context: ONNXNodeContext) throws(InputError) -> Bool {
        guard let input = values[fusion.input] else { return false }
        if case .constant = input { return false }
        switch fusion.kind {
        case .activation(let function):
            let index = try addLayer(fusion.name, .activation(Activation(function)), inputs: [try layer(for: input, context)], context)
            values[fusion.output] = .activation(index)
        case let .linear(weightName, biasName):
            guard case .constant(let weight)? = values[weightName], case .constant(let bias)? = values[biasName],
                  weight.dims.count == 2, bias.dims == [weight.dims[1]],
                  onnxDims(of: input).count >= 2, onnxDims(of: input).last == weight.dims[0] else { return false }
            let index = try addLayer(fusion.name, .linear(Linear(outFeatures: weight.dims[1], bias: true)),
                                     inputs: [try layer(for: input, context)], stored: weight.sources + bias.sources, context)
            values[fusion.output] = .activation(index)
        case let .layerNorm(axes, scaleName, shiftName):
            // Only over trailing axes.
            let dims = onnxDims(of: input)
            let resolved = Set(axes.map { $0 < 0 ? $0 + dims.count : $0 })
            let count = resolved.count
            guard count >= 1, resolved == Set((dims.count - count)..<dims.count) else { return false }
            var tensors: [StoredTensor] = []
            for name in [scaleName, shiftName].compactMap({ $0 }) {
                guard case .constant(let constant)? = values[name] else { return false }
                tensors += constant.sources
            }
            let index = try addLayer(fusion.name, .normalization(Normalization(.layer(axes: count))),
                                     inputs: [try layer(for: input, context)], stored: tensors, context)
            values[fusion.output] = .activation(index)
        }
        return true
    }

    // MARK: Deferred views

    /// Whether the node's output may be held back as a view: its only reader is a
    /// Reshape or Transpose that may extend it (see `ONNXValue.deferred`).
    func canDefer(_ context: ONNXNodeContext) -> Bool {
        guard let output = context.node.outputs.first, !graphOutputs.contains(output),
              let readers = consumers[output], readers.count == 1 else { return false }
        let reader = graph.nodes[readers[0]]
        return (reader.domain.isEmpty || reader.domain == "ai.onnx") && (reader.opType == "Reshape" || reader.opType == "Transpose")
            && reader.input(0) == output
    }

    /// Extends a view by one step, or starts one from a layer; collapses ShuffleNet's
    /// `[N,C,H,W] → [N,g,C/g,H,W] → transpose(0,2,1,3,4) → [N,C,H,W]` into a channel shuffle.
    mutating func extendView(_ input: ONNXValue, _ step: DeferredView.Step, dims: [Int], _ context: ONNXNodeContext) throws(InputError) {
        var view: DeferredView
        switch input {
        case .deferred(let existing): view = existing
        default:
            let base = try layer(for: input, context)
            view = DeferredView(base: base, steps: [], dims: builder.shape(of: base).dims)
        }
        view.steps.append((step, context.name, context.index))
        view.dims = dims
        if let shuffle = shuffleGroups(view) {
            let transpose = view.steps[1].name
            let name = context.node.name.hasPrefix("/") || context.node.scopes != nil ? Self.renamed(transpose, last: "channel_shuffle") : transpose
            let index = try addLayer(name, .channelShuffle(ChannelShuffle(groups: shuffle)), inputs: [view.base], context)
            recordMerged(view.steps.map(\.node), into: index)
            define(context, .activation(index))
        } else if canDefer(context), view.steps.count < 3 {
            define(context, .deferred(view))
        } else {
            define(context, .activation(try materialize(view, context)))
        }
    }

    /// The group count when the view is exactly a channel shuffle of its base.
    private func shuffleGroups(_ view: DeferredView) -> Int? {
        let base = builder.shape(of: view.base).dims
        guard view.steps.count == 3, base.count == 4, view.dims == base,
              case .reshape(let split) = view.steps[0].step, case .transpose(let permutation) = view.steps[1].step,
              case .reshape = view.steps[2].step,
              split.count == 5, permutation == [0, 2, 1, 3, 4], split[0] == base[0], split[1] > 1, split[1] * split[2] == base[1],
              Array(split[3...]) == Array(base[2...]) else { return nil }
        return split[1]
    }

    /// Adds a view's steps as layers and returns the last.
    mutating func materialize(_ view: DeferredView, _ context: ONNXNodeContext) throws(InputError) -> Int {
        var current = view.base
        for (step, name, node) in view.steps {
            switch step {
            case .reshape(let dims): current = try addLayer(name, .reshape(Reshape(.shape(dims))), inputs: [current], context)
            case .transpose(let permutation): current = try addLayer(name, .transpose(Transpose(permutation: permutation)), inputs: [current], context)
            }
            layerNodes[current] = node
        }
        return current
    }

    /// `a.b.transpose` → `a.b.channel_shuffle`.
    static func renamed(_ name: String, last: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return last }
        return name[..<dot] + "." + last
    }

    // MARK: Stored tensors

    /// Float initializers that nodes read but no layer counted (one that only feeds a
    /// Shape, or folded constant arithmetic) become constant layers, so that the totals
    /// hold every stored float tensor the graph reads.
    mutating func attachUnreadInitializers() throws(InputError) {
        for tensor in graph.initializers where tensor.isFloatingPoint && consumers[tensor.name] != nil && !storedNames.contains(tensor.name) {
            guard let elements = tensor.elements, elements > 0 else { continue }
            var node = ONNXNode()
            node.opType = "initializer"
            node.name = tensor.name
            let context = ONNXNodeContext(node: node, index: -1, name: tensor.name, opset: opset)
            let dims = tensor.dims.isEmpty ? [1] : tensor.dims
            _ = try addLayer(Self.layerName(forTensor: tensor.name), .constant(ConstantTensor(shape: try shapeOf(dims, context))), inputs: [],
                             stored: [StoredTensor(name: tensor.name, elements: elements)], context)
        }
    }

    /// Sets each layer's stored tensors. A tensor is a buffer only when every layer
    /// reads it as batch-norm statistics: exporters share one stored tensor between a
    /// norm's running variance and its scale when their values are equal.
    ///
    /// A file that stores floats as initializers marks its learned weights so, and a layer
    /// that reads none has no parameters, even when a Constant node gives it a filter
    /// (TResNet's fixed blur); in a file with none (paddle2onnx writes every weight as a
    /// Constant node) the layers' own formulas count the weights.
    mutating func finishStoredTensors() throws(InputError) {
        if graph.initializers.contains(where: { $0.isFloatingPoint && ($0.elements ?? 0) > 0 }) {
            for index in builder.layers.indices where stored[index] == nil { stored[index] = [] }
        }
        let learned = Set(stored.values.flatMap { $0.filter { !$0.isBuffer }.map(\.name) })
        for (index, tensors) in stored.sorted(by: { $0.key < $1.key }) {
            var seen: Set<String> = []
            var unique: [StoredTensor] = []
            for var tensor in tensors where seen.insert(tensor.name).inserted {
                tensor.isBuffer = !learned.contains(tensor.name)
                unique.append(tensor)
            }
            try builder.setStoredParameters(unique, of: index)
        }
    }
}
