// Control flow and sequences, read by unrolling: a Loop whose trip count is known when
// the file is read runs its body that many times, an If whose condition is known takes
// its branch, and a sequence is a list of tensors known by position. Anything that
// depends on data (a run-time trip count or condition, a position computed at run time)
// stays an unsupported node, named as control flow.

extension ONNXOps {
    /// Nodes that unrolled Loops and taken If branches may add in all, so that nested
    /// loops in a hostile file cannot make the import run without bound.
    static let unrolledNodeLimit = 1 << 16

    // MARK: Loop and If

    /// `Loop(M, cond, v…)` with a known trip count `M` and a condition that stays known
    /// (absent, a constant, or passed through the body): the body's nodes imported once
    /// per iteration, its carried values fed to the next; scan outputs stacked on a new
    /// first axis.
    static func loop(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        guard let body = context.node.attribute("body")?.graph else {
            throw context.error("has no body graph", field: "body")
        }
        let carriedCount = max(context.node.inputs.count - 2, 0)
        guard body.inputs.count == carriedCount + 2, body.outputs.count >= carriedCount + 1 else {
            throw context.error("its body takes \(body.inputs.count) inputs and gives \(body.outputs.count) outputs for \(carriedCount) carried values",
                                field: "body")
        }
        guard case .known(let trips) = try importer.integerInput(context, 0), trips.count == 1 else {
            return try importer.addUnsupported(context, reason: "a trip count computed at run time")
        }
        var running = true
        if context.node.input(1) != nil {
            guard let condition = try importer.constant(context, 1)?.scalar else {
                return try importer.addUnsupported(context, reason: "a condition computed at run time")
            }
            running = condition != 0
        }
        guard Self.conditionStaysKnown(body, importer) else {
            return try importer.addUnsupported(context, reason: "a condition computed at run time")
        }
        let iterations = max(trips[0], 0)
        let bodyNodes = max(body.nodes.flatMap(ONNXGraphImporter.nodes(in:)).count, 1)
        guard iterations <= unrolledNodeLimit, iterations * bodyNodes <= unrolledNodeLimit - importer.unrolledNodes else {
            return try importer.addUnsupported(context, reason: "\(iterations) iterations of \(bodyNodes) nodes: too many to unroll")
        }
        var carried: [ONNXValue] = []
        for position in 0..<carriedCount {
            guard let value = try importer.value(context, position + 2) else { throw context.error("carried value \(position) is required", field: "input") }
            carried.append(value)
        }
        var scans = Array(repeating: [ONNXValue](), count: body.outputs.count - 1 - carriedCount)
        var iteration = 0
        while running && iteration < iterations {
            importer.values[body.inputs[0].name] = .constant(ONNXConstant(dims: [], dataType: ONNXDataType.int64, values: .integers([iteration]),
                                                                          label: body.inputs[0].name))
            importer.values[body.inputs[1].name] = .constant(ONNXConstant(dims: [], dataType: ONNXDataType.bool, values: .integers([1]),
                                                                          label: body.inputs[1].name))
            for (position, value) in carried.enumerated() { importer.values[body.inputs[position + 2].name] = value }
            let results = try importer.importSubgraph(body, of: context, label: "iteration \(iteration)")
            guard let condition = results[0], case .constant(let known) = condition, let flag = known.scalar else {
                throw context.error("iteration \(iteration): the body's condition is not known", field: "body")
            }
            running = flag != 0
            for position in 0..<carriedCount {
                guard let value = results[position + 1] else { throw context.error("iteration \(iteration): carried value \(position) is not produced", field: "body") }
                carried[position] = value
            }
            for scan in scans.indices {
                guard let value = results[1 + carriedCount + scan] else { throw context.error("iteration \(iteration): scan output \(scan) is not produced", field: "body") }
                scans[scan].append(value)
            }
            iteration += 1
        }
        for (position, value) in carried.enumerated() { importer.define(context, value, output: position) }
        for (scan, items) in scans.enumerated() {
            let position = carriedCount + scan
            guard context.node.outputs.indices.contains(position), !context.node.outputs[position].isEmpty else { continue }
            guard !items.isEmpty else {
                throw context.error("scan output \(scan) of a loop that ran no iteration is empty", field: "body")
            }
            importer.define(context, try importer.stack(items, context, name: context.name + "_scan\(scan)"), output: position)
        }
    }

    /// Whether the body's condition output is the condition it was given or a constant
    /// (of the body or from around it), through Identity nodes: then every iteration's
    /// condition is known when the file is read.
    private static func conditionStaysKnown(_ body: ONNXGraph, _ importer: ONNXGraphImporter) -> Bool {
        var known: Set<String> = [body.inputs[1].name]
        let isKnown = { (name: String) -> Bool in
            if known.contains(name) { return true }
            if case .constant? = importer.values[name] { return true }
            return false
        }
        for node in body.nodes where node.domain.isEmpty || node.domain == "ai.onnx" {
            if node.opType == "Constant" || (node.opType == "Identity" && node.input(0).map(isKnown) == true) {
                known.formUnion(node.outputs)
            }
        }
        return isKnown(body.outputs[0].name)
    }

    /// `If(cond)` with a condition known when the file is read: the branch it takes.
    static func ifBranch(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        guard let condition = try importer.constant(context, 0)?.scalar else {
            return try importer.addUnsupported(context, reason: "a condition computed at run time")
        }
        let attribute = condition != 0 ? "then_branch" : "else_branch"
        guard let branch = context.node.attribute(attribute)?.graph else { throw context.error("has no \(attribute) graph", field: attribute) }
        guard branch.outputs.count >= context.node.outputs.filter({ !$0.isEmpty }).count else {
            throw context.error("its \(attribute) gives \(branch.outputs.count) outputs for \(context.node.outputs.count)", field: attribute)
        }
        guard importer.unrolledNodes + branch.nodes.count <= unrolledNodeLimit else {
            return try importer.addUnsupported(context, reason: "more nested nodes than netcost unrolls")
        }
        let results = try importer.importSubgraph(branch, of: context, label: attribute)
        for (position, value) in results.enumerated() {
            if let value { importer.define(context, value, output: position) }
        }
    }

    // MARK: Sequences

    static func sequenceEmpty(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        importer.define(context, .sequence([]))
    }

    static func sequenceConstruct(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        var items: [ONNXValue] = []
        for position in context.node.inputs.indices {
            guard let value = try importer.value(context, position) else { continue }
            items.append(value)
        }
        importer.define(context, .sequence(items))
    }

    /// `SequenceInsert(S, T, position)`: T at `position` (the end when absent; negative counts from it).
    static func sequenceInsert(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        var items = try sequence(importer, context)
        guard let item = try importer.value(context, 1) else { throw context.error("input 1 (the tensor) is required", field: "input") }
        guard let position = try position(importer, context, input: 2, count: items.count, inclusive: true) else {
            return try importer.addUnsupported(context, reason: "a position computed at run time")
        }
        items.insert(item, at: position ?? items.count)
        importer.define(context, .sequence(items))
    }

    /// `SequenceAt(S, position)`.
    static func sequenceAt(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let items = try sequence(importer, context)
        guard let given = try position(importer, context, input: 1, count: items.count, inclusive: false) else {
            return try importer.addUnsupported(context, reason: "a position computed at run time")
        }
        guard let position = given else { throw context.error("input 1 (the position) is required", field: "input") }
        importer.define(context, items[position])
    }

    /// `SequenceErase(S, position)`: the last when absent.
    static func sequenceErase(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        var items = try sequence(importer, context)
        guard let given = try position(importer, context, input: 1, count: items.count, inclusive: false) else {
            return try importer.addUnsupported(context, reason: "a position computed at run time")
        }
        guard !items.isEmpty else { throw context.error("erases from an empty sequence", field: "input") }
        items.remove(at: given ?? items.count - 1)
        importer.define(context, .sequence(items))
    }

    static func sequenceLength(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let items = try sequence(importer, context)
        importer.defineConstant(context, ONNXConstant(dims: [], dataType: ONNXDataType.int64, values: .integers([items.count]), label: context.name))
    }

    /// `ConcatFromSequence(S)` with `axis` and `new_axis`: a Concat of the items, each
    /// first given a new axis of 1 at `axis` when `new_axis` is 1.
    static func concatFromSequence(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let items = try sequence(importer, context)
        guard !items.isEmpty else { throw context.error("joins an empty sequence", field: "input") }
        let newAxis = try context.int("new_axis", default: 0) != 0
        var axis = try context.int("axis", default: 0)
        var names: [String] = []
        for (index, item) in items.enumerated() {
            var value = item
            if newAxis {
                let dims = importer.onnxDims(of: item)
                let position = try context.resolveAxis(axis, rank: dims.count + 1)
                var expanded = dims
                expanded.insert(1, at: position)
                value = try importer.reshaped(item, to: expanded, context, name: context.name + "_item\(index)")
            }
            let name = context.node.outputs[0] + "#\(index)"
            importer.values[name] = value
            names.append(name)
        }
        if newAxis { axis = try context.resolveAxis(axis, rank: importer.onnxDims(of: items[0]).count + 1) }
        var node = ONNXNode()
        node.opType = "Concat"
        node.name = context.node.name
        node.inputs = names
        node.outputs = [context.node.outputs[0]]
        var attribute = ONNXAttribute()
        attribute.name = "axis"
        attribute.int = axis
        node.attributes = [attribute]
        try concat(&importer, ONNXNodeContext(node: node, index: context.index, name: context.name, opset: context.opset))
    }

    /// `SplitToSequence(x, split)` with `axis` and `keepdims`: slices of the sizes given
    /// (one size: equal parts, the last shorter), or of 1 without the axis when `split` is absent
    /// and `keepdims` is 0.
    static func splitToSequence(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let dims = try importer.onnxDims(context, 0) ?? []
        let axis = try context.resolveAxis(try context.int("axis", default: 0), rank: dims.count)
        let length = dims[axis]
        var sizes: [Int]
        var squeeze = false
        let scalarSplit = try importer.constant(context, 1)?.dims.isEmpty ?? false
        switch try importer.integerInput(context, 1) {
        case .absent:
            sizes = Array(repeating: 1, count: length)
            squeeze = try context.int("keepdims", default: 1) == 0
        case .unknown:
            return try importer.addUnsupported(context, reason: "sizes computed at run time")
        case .known(let given) where given.count == 1 && scalarSplit:
            // A scalar: parts of that size.
            guard given[0] >= 1 else { throw context.error("split size \(given[0]) is below 1", field: "split") }
            sizes = Array(repeating: given[0], count: length / given[0])
            if length % given[0] != 0 { sizes.append(length % given[0]) }
        case .known(let given):
            guard given.allSatisfy({ $0 >= 0 }), given.reduce(0, +) == length else {
                throw context.error("split sizes \(TensorShape.format(given)) do not add up to the axis's \(length)", field: "split")
            }
            sizes = given
        }
        guard sizes.count <= unrolledNodeLimit else { return try importer.addUnsupported(context, reason: "\(sizes.count) parts: too many to unroll") }
        let input = try importer.activation(context, 0)
        var items: [ONNXValue] = []
        var start = 0
        for (index, size) in sizes.enumerated() {
            defer { start += size }
            var layer = try importer.addLayer(context.name + (index == 0 ? "" : "_\(index)"),
                                              .slice(Slice(axis: axis, start: start, end: start + size, label: "split")), inputs: [input], context)
            if squeeze {
                var squeezed = dims
                squeezed.remove(at: axis)
                layer = try importer.addReshape(context.name + "_squeeze\(index)", input: layer, output: squeezed, context)
            }
            items.append(.activation(layer))
        }
        importer.define(context, .sequence(items))
    }

    /// Input 0 as a sequence.
    private static func sequence(_ importer: ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) -> [ONNXValue] {
        guard case .sequence(let items)? = try importer.value(context, 0) else {
            throw context.error("input 0 is not a sequence", field: "input")
        }
        return items
    }

    /// Input `input` as a position in a sequence of `count` (up to `count` itself when
    /// `inclusive`, for an insert), negative ones counted from the end: `.some(nil)` when
    /// absent, nil when computed at run time.
    private static func position(_ importer: ONNXGraphImporter, _ context: ONNXNodeContext, input: Int, count: Int,
                                 inclusive: Bool) throws(InputError) -> Int?? {
        switch try importer.integerInput(context, input) {
        case .absent: return .some(nil)
        case .unknown: return nil
        case .known(let values):
            guard values.count == 1 else { throw context.error("a position must be one number", field: "position") }
            let upper = inclusive ? count : count - 1
            guard (-count...upper).contains(values[0]) else {
                throw context.error("position \(values[0]) is outside a sequence of \(count)", field: "position")
            }
            return .some(values[0] < 0 ? values[0] + count : values[0])
        }
    }
}

extension ONNXGraphImporter {
    /// Imports a Loop body or an If branch in place, its nodes read as the graph's (the
    /// names they read from around them included), and returns its outputs' values.
    mutating func importSubgraph(_ graph: ONNXGraph, of context: ONNXNodeContext, label: String) throws(InputError) -> [ONNXValue?] {
        unrolledNodes += graph.nodes.count
        for tensor in graph.initializers where !tensor.name.isEmpty {
            values[tensor.name] = .constant(Self.constant(from: tensor, label: tensor.name))
        }
        for node in graph.nodes {
            let inner = ONNXNodeContext(node: node, index: context.index, name: ONNXLayerNames.dotted(node, scopes: node.scopes), opset: opset)
            do {
                try importWithHandler(inner)
            } catch {
                throw InputError("\(context.opType) node, \(label): \(error.message)", layer: error.layer ?? inner.name, field: error.field)
            }
        }
        return graph.outputs.map { values[$0.name] }
    }

    /// `value` reshaped to `dims`: a constant keeps its values, anything else gets a reshape layer.
    mutating func reshaped(_ value: ONNXValue, to dims: [Int], _ context: ONNXNodeContext, name: String) throws(InputError) -> ONNXValue {
        if case .constant(var constant) = value {
            constant.dims = dims
            return .constant(constant)
        }
        return .activation(try addReshape(name, input: try layer(for: value, context), output: dims, context))
    }

    /// Tensors of one shape stacked on a new first axis (a Loop's scan output).
    mutating func stack(_ items: [ONNXValue], _ context: ONNXNodeContext, name: String) throws(InputError) -> ONNXValue {
        let dims = onnxDims(of: items[0])
        var layers: [Int] = []
        for (index, item) in items.enumerated() {
            guard onnxDims(of: item) == dims else {
                throw context.error("scan values of shapes \(TensorShape.format(dims)) and \(TensorShape.format(onnxDims(of: item))) cannot be stacked", field: "body")
            }
            switch try reshaped(item, to: [1] + dims, context, name: name + "_item\(index)") {
            case .constant(let constant): layers.append(try constantLayer(constant, dims: [1] + dims, context))
            case let other: layers.append(try layer(for: other, context))
            }
        }
        return .activation(try addLayer(name, .concat(Concat(axis: 0)), inputs: layers, context))
    }
}
