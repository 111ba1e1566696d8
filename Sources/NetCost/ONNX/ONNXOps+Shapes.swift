// Handlers of the ops that only compute constants: Constant, Shape, Size and the
// shape arithmetic around them.

extension ONNXOps {
    // MARK: Constants

    static func constant(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        importer.defineConstant(context, try constantNodeValue(context.node, label: context.name))
    }

    /// The tensor a Constant node holds, from whichever `value*` attribute it has.
    /// Constant nodes are not initializers: their floats are not counted as parameters.
    static func constantNodeValue(_ node: ONNXNode, label: String) throws(InputError) -> ONNXConstant {
        let context = ONNXNodeContext(node: node, index: -1, name: label, opset: 0)
        if let tensor = node.attribute("value")?.tensor {
            return ONNXConstant(dims: tensor.dims, dataType: tensor.dataType, values: tensor.values, label: label)
        }
        if let value = node.attribute("value_float")?.float {
            return ONNXConstant(dims: [], dataType: ONNXDataType.float, values: .floats([value]), label: label)
        }
        if let values = node.attribute("value_floats")?.floats {
            return ONNXConstant(dims: [values.count], dataType: ONNXDataType.float, values: .floats(values), label: label)
        }
        if let value = node.attribute("value_int")?.int {
            return ONNXConstant(dims: [], dataType: ONNXDataType.int64, values: .integers([value]), label: label)
        }
        if let values = node.attribute("value_ints")?.ints {
            return ONNXConstant(dims: [values.count], dataType: ONNXDataType.int64, values: .integers(values), label: label)
        }
        if node.attribute("value_string") != nil || node.attribute("value_strings") != nil {
            let count = node.attribute("value_strings")?.strings.count
            return ONNXConstant(dims: count.map { [$0] } ?? [], dataType: ONNXDataType.string, values: nil, label: label)
        }
        throw context.error("has no value attribute netcost can read (value, value_float(s), value_int(s))", field: "value")
    }

    // MARK: Shapes of tensors

    /// The ONNX dims of any tensor (batch first for activations), optionally cut to `start..<end` (opset 15).
    static func shape(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.readsGuessedShape(context) { return try importer.addUnsupported(context, reason: "the shape of a tensor whose shape is unknown") }
        guard let dims = try importer.onnxDims(context, 0) else { throw context.error("input 0 is required", field: "input") }
        let rank = dims.count
        func clamp(_ value: Int) -> Int { min(max(value < 0 ? value + rank : value, 0), rank) }
        let start = clamp(try context.int("start", default: 0))
        let end = clamp(try context.int("end", default: rank))
        let picked = start < end ? Array(dims[start..<end]) : []
        importer.defineConstant(context, ONNXConstant(dims: [picked.count], dataType: ONNXDataType.int64, values: .integers(picked), label: context.name))
    }

    static func size(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.readsGuessedShape(context) { return try importer.addUnsupported(context, reason: "the size of a tensor whose shape is unknown") }
        guard let dims = try importer.onnxDims(context, 0) else { throw context.error("input 0 is required", field: "input") }
        guard let count = ONNXConstantMath.count(dims) else { throw context.error("the input has too many elements", field: "input") }
        importer.defineConstant(context, ONNXConstant(dims: [], dataType: ONNXDataType.int64, values: .integers([count]), label: context.name))
    }

    static func constantOfShape(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        try foldOnly(&importer, context)
    }

    static func range(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        try foldOnly(&importer, context)
    }

    /// `ScatterElements(data, indices, updates)` with `axis` and `reduction`: folded on
    /// constants; on run-time tensors → `scatter_elements`.
    static func scatterElements(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        try elementIndexing(&importer, context, .scatter(try scatterReduction(context)), inputs: 3)
    }

    /// `GatherElements(data, indices)` with `axis`: folded on constants (BERT's token
    /// types); on run-time tensors → `gather_elements`.
    static func gatherElements(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        try elementIndexing(&importer, context, .gather, inputs: 2)
    }

    private static func elementIndexing(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext, _ mode: ElementIndexing.Mode,
                                        inputs count: Int) throws(InputError) {
        let rank = try importer.onnxDims(context, 0)?.count ?? 0
        let requested = try context.int("axis", default: 0)
        if !(-rank..<rank).contains(requested), try importer.readsGuessedShape(context) {
            return try importer.addUnsupported(context, reason: "input shapes unknown after an unsupported op")
        }
        let axis = try context.resolveAxis(requested, rank: rank)
        var inputs: [Int] = []
        for position in 0..<count { inputs.append(try importer.activation(context, position)) }
        let layer = try importer.addLayer(context.name, .elementIndexing(ElementIndexing(mode, axis: axis)), inputs: inputs, context)
        importer.define(context, .activation(layer))
    }

    /// A scatter's `reduction`: none, add, mul (opset 16), max, min (18).
    static func scatterReduction(_ context: ONNXNodeContext) throws(InputError) -> ScatterND.Reduction {
        let name = try context.string("reduction", default: "none")
        guard let reduction = ScatterND.Reduction(rawValue: name) else {
            throw context.error("reduction \"\(name)\" is not none, add, mul, max or min", field: "reduction")
        }
        return reduction
    }

    /// `ScatterND(data, indices, updates)`: folded on constants (Swin's shifted-window
    /// mask); on run-time tensors → `scatter_nd`, with its `reduction` (opset 16, 18).
    static func scatterND(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        let reduction = try scatterReduction(context)
        var inputs: [Int] = []
        for position in 0..<3 { inputs.append(try importer.activation(context, position)) }
        let layer = try importer.addLayer(context.name, .scatterND(ScatterND(reduction: reduction)), inputs: inputs, context)
        importer.define(context, .activation(layer))
    }

    /// `GatherND(data, indices)` with `batch_dims`: folded on constants (the dims); on
    /// run-time data or indices → `gather_nd`.
    static func gatherND(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        guard let data = try importer.value(context, 0), let indices = try importer.value(context, 1) else {
            throw context.error("needs data and indices", field: "inputs")
        }
        let dims: [Int]
        do {
            dims = try gatherNDDims(context, data: importer.onnxDims(of: data), indices: importer.onnxDims(of: indices))
        } catch {
            // Indices after NonZero (a detector's post-processing) have a guessed shape.
            guard try importer.readsGuessedShape(context) else { throw error }
            return try importer.addUnsupported(context, reason: "input shapes unknown after an unsupported op")
        }
        let op = GatherND(batchDims: try context.int("batch_dims", default: 0))
        var layer = try importer.addLayer(context.name, .gatherND(op),
                                          inputs: [try importer.layer(for: data, context), try importer.layer(for: indices, context)], context)
        if dims != importer.onnxDims(of: .activation(layer)) {
            layer = try importer.addReshape(context.name + "_reshape", input: layer, output: dims, context)
        }
        importer.define(context, .activation(layer))
    }

    /// GatherND's output dims, `indices[…−1) + data[batch_dims + k…]`, or an error naming
    /// what does not fit.
    static func gatherNDDims(_ context: ONNXNodeContext, data: [Int], indices: [Int]) throws(InputError) -> [Int] {
        let batchDims = try context.int("batch_dims", default: 0)
        guard let depth = indices.last, batchDims >= 0, batchDims < indices.count, depth >= 1, batchDims + depth <= data.count,
              Array(data[..<batchDims]) == Array(indices[..<batchDims]) else {
            throw context.error("indices \(TensorShape.format(indices)) with batch_dims \(batchDims) do not address data \(TensorShape.format(data))", field: "indices")
        }
        return Array(indices.dropLast()) + Array(data[(batchDims + depth)...])
    }

    /// `EyeLike`: ones on a diagonal, in the input's shape whatever its values: a constant.
    static func eyeLike(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        guard let dims = try importer.onnxDims(context, 0), dims.count == 2 else {
            return try importer.addUnsupported(context, reason: "an input of rank other than 2")
        }
        let offset = try context.int("k", default: 0)
        var values: TensorValues?
        if ONNXFolding.isSmall(dims) {
            values = .floats((0..<(dims[0] * dims[1])).map { $0 % dims[1] - $0 / dims[1] == offset ? 1 : 0 })
        }
        importer.defineConstant(context, ONNXConstant(dims: dims, dataType: ONNXDataType.float, values: values, label: context.name))
    }

    /// `LSTM(X, W, R, B, sequence_lens, initial_h, initial_c, P)` → `lstm`: forward,
    /// reverse or bidirectional, `layout` 0 or 1, the default activations, stored W, R and
    /// B, initial states optional. Unsupported, with its outputs' exact shapes, when it
    /// reads `sequence_lens` or peepholes, clips, couples its input and forget gates or
    /// names other activations. Y_h, when read, is the last step of each direction in Y
    /// (`lastHiddenState`); Y_c, the cell state, is not in Y and stays unsupported.
    static func lstm(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let dims = try importer.onnxDims(context, 0) ?? []
        let hidden = try context.int("hidden_size", default: 0)
        let direction = try context.string("direction", default: "forward")
        let batchFirst = try context.int("layout", default: 0) == 1
        guard dims.count == 3, hidden >= 1, hidden <= LayerFields.maximumSize, let lstmDirection = LSTM.Direction(rawValue: direction) else {
            return try importer.addUnsupported(context)
        }
        let directions = lstmDirection == .bidirectional ? 2 : 1
        let (steps, batch) = batchFirst ? (dims[1], dims[0]) : (dims[0], dims[1])
        let y = batchFirst ? [batch, steps, directions, hidden] : [steps, directions, batch, hidden]
        let state = batchFirst ? [batch, directions, hidden] : [directions, batch, hidden]
        func unsupported(_ reason: String) throws(InputError) {
            try importer.addUnsupported(context, reason: reason, shape: y, outputShapes: [y, state, state])
        }
        let activations = context.node.attribute("activations")?.strings ?? []
        if !activations.isEmpty && activations != Array(repeating: ["Sigmoid", "Tanh", "Tanh"], count: directions).flatMap({ $0 }) {
            return try unsupported("activations \(activations.joined(separator: ", "))")
        }
        if context.has("clip") { return try unsupported("a clipped cell") }
        if try context.flag("input_forget", default: false) { return try unsupported("coupled input and forget gates") }
        if context.node.input(4) != nil { return try unsupported("sequence lengths") }
        if context.node.input(7) != nil { return try unsupported("peepholes") }
        if context.node.input(6) != nil, context.node.input(5) == nil { return try unsupported("an initial cell state without a hidden state") }
        guard let w = try importer.constant(context, 1), let r = try importer.constant(context, 2) else {
            return try unsupported("weights computed at run time")
        }
        let b = try importer.constant(context, 3)
        if context.node.input(3) != nil, b == nil { return try unsupported("biases computed at run time") }
        guard w.dims == [directions, 4 * hidden, dims[2]], r.dims == [directions, 4 * hidden, hidden],
              b.map({ $0.dims == [directions, 8 * hidden] }) ?? true else {
            throw context.error("W \(TensorShape.format(w.dims)), R \(TensorShape.format(r.dims))\(b.map { ", B " + TensorShape.format($0.dims) } ?? "") do not fit hidden_size \(hidden), \(directions) direction\(directions == 1 ? "" : "s") and \(dims[2]) input features", field: "inputs")
        }
        var inputs = [try importer.activation(context, 0)]
        for position in [5, 6] where context.node.input(position) != nil { inputs.append(try importer.activation(context, position)) }
        let operation = LSTM(hiddenSize: hidden, direction: lstmDirection, batchFirst: batchFirst, bias: b != nil)
        let layer = try importer.addLayer(context.name, .lstm(operation), inputs: inputs, stored: w.sources + r.sources + (b?.sources ?? []), context)
        importer.define(context, .activation(layer))
        let (consumers, graphOutputs) = (importer.consumers, importer.graphOutputs)
        let read = { (position: Int) -> Bool in
            guard context.node.outputs.indices.contains(position), !context.node.outputs[position].isEmpty else { return false }
            let output = context.node.outputs[position]
            return consumers[output] != nil || graphOutputs.contains(output)
        }
        if read(1) {
            importer.define(context, .activation(try lastHiddenState(&importer, context, y: layer, operation, steps: steps, state: state)), output: 1)
        }
        if read(2) {
            let index = try importer.addLayer(context.name + "_Y_c", .unsupported(UnsupportedOperation(opType: context.opType, shape: try importer.shapeOf(state, context))),
                                              inputs: [layer], context)
            importer.unsupported.append((context.opType, "its last cell state Y_c", importer.builder.layers[index].name))
            importer.define(context, .activation(index), output: 2)
        }
    }

    /// Y_h from Y: per direction the step it ends on (the last going forward, the first
    /// in reverse), slices of Y (views); two directions are joined (a copy of `2·N·H`),
    /// then shaped `[D, N, H]` (`[N, D, H]` batch first).
    private static func lastHiddenState(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext, y: Int, _ lstm: LSTM,
                                        steps: Int, state: [Int]) throws(InputError) -> Int {
        let (time, direction) = lstm.batchFirst ? (1, 2) : (0, 1)
        var parts: [Int] = []
        for d in 0..<lstm.directions {
            let backward = lstm.direction == .reverse || d == 1
            let step = backward ? 0 : steps - 1
            var part = try importer.addLayer(context.name + "_Y_h_step", .slice(Slice(axis: time, start: step, end: step + 1)), inputs: [y], context)
            if lstm.directions > 1 {
                part = try importer.addLayer(context.name + "_Y_h_direction", .slice(Slice(axis: direction, start: d, end: d + 1)), inputs: [part], context)
            }
            parts.append(part)
        }
        let joined = parts.count == 1 ? parts[0] : try importer.addLayer(context.name + "_Y_h_join", .concat(Concat(axis: direction)), inputs: parts, context)
        return try importer.addReshape(context.name + "_Y_h", input: joined, output: state, context)
    }

    static func foldOnly(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        try importer.addUnsupported(context, reason: "on tensors computed at run time")
    }
}

extension ONNXGraphImporter {
    /// Folds the node if every input it reads is a constant; false when one is computed
    /// at run time or the op cannot be folded.
    mutating func fold(_ context: ONNXNodeContext) throws(InputError) -> Bool {
        var inputs: [ONNXConstant?] = []
        for position in context.node.inputs.indices {
            switch try value(context, position) {
            case nil: inputs.append(nil)
            case .constant(let constant)?: inputs.append(constant)
            case .activation?, .deferred?, .sequence?: return false
            }
        }
        guard !ONNXFolding.isRunTimeArithmetic(context, inputs), let outputs = try ONNXFolding.fold(context, inputs) else { return false }
        for (position, output) in outputs.enumerated() { defineConstant(context, output, output: position) }
        return true
    }

    /// Defines a folded constant, dropping its values once the fold budget is spent.
    mutating func defineConstant(_ context: ONNXNodeContext, _ constant: ONNXConstant, output position: Int = 0) {
        var constant = constant
        if let values = constant.values {
            if values.count <= foldBudget {
                foldBudget -= values.count
            } else {
                constant.values = nil
            }
        }
        define(context, .constant(constant), output: position)
    }
}
