// Reading a node's inputs as layers or constants, and adding layers.

extension ONNXGraphImporter {
    // MARK: Reading inputs

    /// The value of input `position`, or nil when it is omitted.
    func value(_ context: ONNXNodeContext, _ position: Int) throws(InputError) -> ONNXValue? {
        guard let name = context.node.input(position) else { return nil }
        guard let value = values[name] else {
            throw context.error("reads \"\(name)\", which no earlier node produces and which is neither an initializer nor a graph input (nodes must be in topological order)", field: "input")
        }
        return value
    }

    /// Input `position` as a constant, or nil when it is omitted or computed at run time.
    func constant(_ context: ONNXNodeContext, _ position: Int) throws(InputError) -> ONNXConstant? {
        if case .constant(let constant)? = try value(context, position) { return constant }
        return nil
    }

    /// Input `position` as integers: absent, known at import time, or computed at run time.
    func integerInput(_ context: ONNXNodeContext, _ position: Int) throws(InputError) -> ONNXArgument<[Int]> {
        guard context.node.input(position) != nil else { return .absent }
        guard let integers = try constant(context, position)?.integers else { return .unknown }
        return .known(integers)
    }

    /// Input `position` as numbers: absent, known at import time, or computed at run time.
    func numberInput(_ context: ONNXNodeContext, _ position: Int) throws(InputError) -> ONNXArgument<[Double]> {
        guard context.node.input(position) != nil else { return .absent }
        guard let doubles = try constant(context, position)?.doubles else { return .unknown }
        return .known(doubles)
    }

    /// The ONNX dims of input `position`: a layer's whole shape, as the file's tensor has it.
    func onnxDims(_ context: ONNXNodeContext, _ position: Int) throws(InputError) -> [Int]? {
        guard let value = try value(context, position) else { return nil }
        return onnxDims(of: value)
    }

    func onnxDims(of value: ONNXValue) -> [Int] {
        switch value {
        case .activation(let index): return builder.shape(of: index).dims
        case .constant(let constant): return constant.dims
        case .deferred(let view): return view.dims
        case .sequence: return []
        }
    }

    /// Adds a reshape of `input` to the ONNX dims `output` (a scalar becomes `[1]`).
    @discardableResult
    mutating func addReshape(_ base: String, input: Int, output: [Int], _ context: ONNXNodeContext) throws(InputError) -> Int {
        try addLayer(base, .reshape(Reshape(.shape(output.isEmpty ? [1] : output))), inputs: [input], context)
    }

    /// Input `position` as a layer; a constant becomes a constant layer, a deferred view is added.
    mutating func activation(_ context: ONNXNodeContext, _ position: Int) throws(InputError) -> Int {
        guard let value = try value(context, position) else {
            throw context.error("input \(position) is required", field: "input")
        }
        return try layer(for: value, context)
    }

    mutating func layer(for value: ONNXValue, _ context: ONNXNodeContext) throws(InputError) -> Int {
        switch value {
        case .activation(let index): return index
        case .deferred(let view): return try materialize(view, context)
        case .constant(let constant):
            return try constantLayer(constant, dims: constant.dims.isEmpty ? [1] : constant.dims, context)
        case .sequence:
            throw context.error("reads a sequence where a tensor is expected", field: "input")
        }
    }

    /// True when input `position` is computed at run time.
    func isActivation(_ context: ONNXNodeContext, _ position: Int) throws(InputError) -> Bool {
        switch try value(context, position) {
        case .activation?, .deferred?: true
        default: false
        }
    }

    /// The declared shape of a tensor (its value_info dims), when every axis has a size;
    /// a symbolic first axis is the graph's batch.
    func declaredShape(_ name: String) -> [Int]? {
        guard let dims = declared[name] else { return nil }
        var shape: [Int] = []
        for (axis, dim) in dims.enumerated() {
            if axis == 0, dim == nil, dims.count > 1 { shape.append(graphBatch); continue }
            guard let dim else { return nil }
            shape.append(dim)
        }
        return shape.isEmpty ? [1] : shape
    }

    func shapeOf(_ dims: [Int], _ context: ONNXNodeContext) throws(InputError) -> TensorShape {
        do {
            let shape = try TensorShape(dims)
            try checkSize(shape, layer: context.name)
            return shape
        } catch {
            throw context.error(error.message)
        }
    }

    // MARK: Adding layers

    /// Adds a layer named after `base` (made unique) and records the stored tensors it reads.
    ///
    /// When the op's shape rule rejects inputs whose shapes were guessed after an
    /// unsupported op, the layer becomes unsupported too instead of failing the import.
    @discardableResult
    mutating func addLayer(_ base: String, _ operation: Operation, inputs: [Int], stored tensors: [StoredTensor] = [],
                           _ context: ONNXNodeContext) throws(InputError) -> Int {
        let name = names.unique(base)
        let fromGuess = inputs.contains { guessed.contains($0) }
        let index: Int
        do {
            index = try builder.add(name: name, operation: operation, inputs: inputs)
        } catch {
            guard fromGuess else {
                let label = context.node.name.isEmpty ? "" : " \"\(context.node.name)\""
                throw InputError("\(context.opType) node\(label): \(error.message)", layer: name, field: error.field)
            }
            var shape = try shapeOf([1], context)
            if let first = inputs.first { shape = builder.shape(of: first) }
            index = try builder.add(name: name, operation: .unsupported(UnsupportedOperation(opType: context.opType, shape: shape)), inputs: inputs)
            unsupported.append((context.opType, "input shapes unknown after an unsupported op", name))
        }
        try checkSize(builder.shape(of: index), layer: name)
        builder.setPyTorchCall(Self.pytorchCall(nodeName: context.node.name, opType: context.opType, containers: containerScopes,
                                                transposing: transposingScopes), ofLayer: index)
        layerNodes[index] = context.index
        if fromGuess { guessed.insert(index) }
        if !tensors.isEmpty {
            stored[index, default: []].append(contentsOf: tensors)
            storedNames.formUnion(tensors.map(\.name))
        }
        return index
    }

    /// How PyTorch called what a node came from, read off a TorchScript export's node name
    /// (`/features/features.0/Conv`: the module path, then the op): a node whose scope
    /// holds other scopes (the root, or a block like GoogLeNet's `BasicConv2d`) ran in that
    /// module's own forward, so it was a function call (`F.relu`, `F.adaptive_avg_pool2d`)
    /// or, for a reduction, a tensor method (`x.mean([2, 3])`); a node in a leaf scope was
    /// the leaf module's call. Names of other exporters read as modules. A normalization
    /// whose leaf module also transposes is a subclass with a forward of its own: a plain
    /// `nn.LayerNorm` exports one node, torchvision's `LayerNorm2d` permutes around it.
    static func pytorchCall(nodeName: String, opType: String, containers: Set<Substring>,
                            transposing: Set<Substring> = []) -> PyTorchCall {
        guard nodeName.hasPrefix("/"), let slash = nodeName.lastIndex(of: "/") else { return .module }
        let scope = nodeName[..<slash]
        guard scope.isEmpty || containers.contains(scope) else {
            let isNormalization = ["LayerNormalization", "BatchNormalization", "GroupNormalization", "InstanceNormalization"].contains(opType)
            return isNormalization && transposing.contains(scope) ? .subclass : .module
        }
        return opType.hasPrefix("Reduce") ? .method : .function
    }

    /// The layer for a constant operand with the given dims, added once per name and shape.
    mutating func constantLayer(_ constant: ONNXConstant, dims: [Int], _ context: ONNXNodeContext) throws(InputError) -> Int {
        let key = constant.label + TensorShape.format(dims)
        if let index = constantLayers[key] { return index }
        let shape = try shapeOf(dims, context)
        let index = try addLayer(Self.layerName(forTensor: constant.label), .constant(ConstantTensor(shape: shape)), inputs: [],
                                 stored: constant.sources, context)
        constantLayers[key] = index
        return index
    }

    /// Tensor names as layer names: `onnx::Conv_123` and `/a/b/Constant_output_0` stay readable.
    static func layerName(forTensor name: String) -> String {
        name.hasPrefix("/") ? ONNXLayerNames.fromTorchScope(name) : name
    }

    mutating func define(_ context: ONNXNodeContext, _ value: ONNXValue, output position: Int = 0) {
        guard context.node.outputs.indices.contains(position) else { return }
        let name = context.node.outputs[position]
        guard !name.isEmpty else { return }
        values[name] = value
    }

    // MARK: Unsupported ops

    /// Adds the node as an unsupported layer per output, reading its run-time inputs.
    ///
    /// The output shape is the declared one (value_info), else `shape` when the caller
    /// could infer it, else the first run-time input's (a guess, marked so). Stored
    /// tensors the node reads are still counted.
    mutating func addUnsupported(_ context: ONNXNodeContext, reason: String? = nil, shape computed: [Int]? = nil,
                                 outputShapes: [[Int]] = []) throws(InputError) {
        var inputs: [Int] = []
        var tensors: [StoredTensor] = []
        for position in context.node.inputs.indices {
            switch try value(context, position) {
            case .activation?, .deferred?: inputs.append(try activation(context, position))
            case .constant(let constant)?: tensors.append(contentsOf: constant.sources)
            case .sequence(let items)?:
                for item in items {
                    if case .constant(let constant) = item { tensors.append(contentsOf: constant.sources) } else { inputs.append(try layer(for: item, context)) }
                }
            case nil: break
            }
        }
        var first = true
        for (position, output) in context.node.outputs.enumerated() where !output.isEmpty || position == 0 {
            let declaredDims = declaredShape(output)
            let known = first ? computed : (outputShapes.indices.contains(position) ? outputShapes[position] : nil)
            let dims = declaredDims ?? known ?? inputs.first.map { builder.shape(of: $0).dims } ?? [1]
            // The batch stays where an input has it when the rank is kept, or in front
            // when both lead with the batch's size (an embedding lookup).
            var shape = try shapeOf(dims, context)
            let shapes = inputs.map { builder.shape(of: $0) }
            let leading = shapes.contains { $0.batchAxis == 0 && $0.dims[0] == dims[0] } ? 0 : nil
            shape = shape.withBatchAxis(BatchAxis.kept(shapes, shape) ?? leading)
            let base = first ? context.name : context.name + "_output\(position)"
            let index = try addLayer(base, .unsupported(UnsupportedOperation(opType: context.node.qualifiedOpType, shape: shape, reason: reason)),
                                     inputs: inputs, stored: first ? tensors : [], context)
            if declaredDims == nil && known == nil {
                guessed.insert(index)
                if first { guessedUnsupported += 1 }
            }
            if first { unsupported.append((context.node.qualifiedOpType, reason, builder.layers[index].name)) }
            if !output.isEmpty { values[output] = .activation(index) }
            first = false
        }
    }
}

/// An optional input that may be given, and whose values may not be known until run time.
enum ONNXArgument<Value> {
    case absent
    /// Computed from data: the values are not known at import time.
    case unknown
    case known(Value)
}
