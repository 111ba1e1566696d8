// Concat, Split, Slice, Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Identity,
// Gather and Expand on run-time tensors. On constants they fold (ONNXFolding).

extension ONNXOps {
    // MARK: Joining and splitting

    /// `Concat` along any axis → `concat` (along the batch: two frames into a batch of two).
    static func concat(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        var operands: [ONNXValue] = []
        for position in context.node.inputs.indices {
            if let value = try importer.value(context, position) { operands.append(value) }
        }
        let rank = operands.map { importer.onnxDims(of: $0).count }.max() ?? 0
        let axis = try context.resolveAxis(try context.int("axis", default: 0), rank: rank)
        var inputs: [Int] = []
        for value in operands {
            // An empty slice (see `slice`) adds nothing to the join.
            if case .constant(let constant) = value, constant.dims.contains(0) { continue }
            inputs.append(try importer.layer(for: value, context))
        }
        let layer = try importer.addLayer(context.name, .concat(Concat(axis: axis)), inputs: inputs, context)
        importer.define(context, .activation(layer))
    }

    /// `Split` → one `split` slice per output. Sizes: an attribute before opset 13, an
    /// input from it, or equal parts (`num_outputs`, opset 18).
    static func split(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        let dims = try importer.onnxDims(context, 0) ?? []
        let axis = try context.resolveAxis(try context.int("axis", default: 0), rank: dims.count)
        var given = try importer.integerInput(context, 1)
        if case .absent = given, let attribute = try context.ints("split") { given = .known(attribute) }
        guard let sizes = try ONNXFolding.splitSizes(context, given: given, size: dims[axis], outputs: context.node.outputs.count) else {
            return try importer.addUnsupported(context, reason: "sizes computed at run time")
        }
        let input = try importer.activation(context, 0)
        var start = 0
        for (index, size) in sizes.enumerated() {
            defer { start += size }
            guard !context.node.outputs[index].isEmpty else { continue }
            let layer = try importer.addLayer(index == 0 ? context.name : context.name + "_\(index)",
                                              .slice(Slice(axis: axis, start: start, end: start + size, label: "split")),
                                              inputs: [input], context)
            importer.define(context, .activation(layer), output: index)
        }
    }

    /// `Slice` → one `slice` per sliced axis. A slice that keeps a whole axis adds
    /// nothing. Starts, ends, axes and
    /// steps are inputs from opset 10, attributes before.
    static func slice(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        func argument(_ position: Int, _ attribute: String) throws(InputError) -> ONNXArgument<[Int]> {
            let given = try importer.integerInput(context, position)
            if case .absent = given, let values = try context.ints(attribute) { return .known(values) }
            return given
        }
        guard case .known(let starts) = try argument(1, "starts"), case .known(let ends) = try argument(2, "ends") else {
            return try importer.addUnsupported(context, reason: "bounds computed at run time")
        }
        var axes = Array(0..<starts.count), steps = Array(repeating: 1, count: starts.count)
        switch try argument(3, "axes") {
        case .known(let values): axes = values
        case .unknown: return try importer.addUnsupported(context, reason: "axes computed at run time")
        case .absent: break
        }
        switch try argument(4, "steps") {
        case .known(let values): steps = values
        case .unknown: return try importer.addUnsupported(context, reason: "steps computed at run time")
        case .absent: break
        }
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw context.error("starts, ends, axes and steps differ in length", field: "starts")
        }
        var dims = try importer.onnxDims(context, 0) ?? []
        let resolved = try context.resolveAxes(axes, rank: dims.count, field: "axes")
        guard let source = try importer.value(context, 0) else { throw context.error("input 0 is required", field: "input") }
        var current: ONNXValue = source
        for (index, axis) in resolved.enumerated() {
            let step = steps[index]
            guard step != 0, step != .min else { throw context.error("step \(step) is not usable", field: "steps") }
            let range = ONNXConstantMath.sliceRange(start: starts[index], end: ends[index], step: step, size: dims[axis])
            guard range.count >= 1 else {
                guard !(try importer.readsGuessedShape(context)) else {
                    throw context.error("the slice of axis \(axis) (size \(dims[axis])) is empty", field: "starts")
                }
                // An empty slice (torch.roll by 0 writes x[0:0] and joins it to x): a
                // tensor of no elements, which only a Concat may read, and drops.
                dims[axis] = 0
                return importer.define(context, .constant(ONNXConstant(dims: dims, dataType: ONNXDataType.float, values: .floats([]), label: context.name)))
            }
            guard step > 0 || range.count == 1 else { return try importer.addUnsupported(context, reason: "a reversing slice") }
            if range.count == dims[axis] && step == 1 { continue }
            let operation = Slice(axis: axis, start: range.first, end: range.first + (range.count - 1) * max(step, 1) + 1,
                                  step: range.count == 1 ? 1 : step, label: "slice")
            let layer = try importer.addLayer(context.name, .slice(operation), inputs: [try importer.layer(for: current, context)], context)
            current = .activation(layer)
            dims[axis] = range.count
        }
        importer.define(context, current)
    }

    // MARK: Reshaping

    /// `Reshape` with a target known at import time → `reshape` to ONNX's dims.
    static func reshape(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        guard case .known(let target) = try importer.integerInput(context, 1) else {
            return try importer.addUnsupported(context, reason: "a shape computed at run time")
        }
        let dims = try importer.onnxDims(context, 0) ?? []
        let output = try ONNXFolding.reshapeDims(dims, target, allowZero: try context.flag("allowzero", default: false), context)
        try reshaped(&importer, context, to: output, deferrable: true)
    }

    /// `Flatten` at axis 1 → `flatten` to `[N, features]`; at other axes a `reshape`
    /// to ONNX's `[outer, inner]`.
    static func flatten(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        let dims = try importer.onnxDims(context, 0) ?? []
        let axis = try context.int("axis", default: 1)
        let resolved = axis < 0 ? axis + dims.count : axis
        guard resolved >= 0, resolved <= dims.count else { throw context.error("axis \(axis) is out of range for rank \(dims.count)", field: "axis") }
        guard let outer = ONNXConstantMath.count(Array(dims[..<resolved])), let inner = ONNXConstantMath.count(Array(dims[resolved...])) else {
            throw context.error("the input has too many elements", field: "axis")
        }
        let input = try importer.activation(context, 0)
        if resolved == 1, dims.count >= 2 {
            let layer = try importer.addLayer(context.name, .reshape(Reshape(.flatten(start: 1, end: -1))), inputs: [input], context)
            return importer.define(context, .activation(layer))
        }
        importer.define(context, .activation(try importer.addReshape(context.name, input: input, output: [outer, inner], context)))
    }

    /// `Transpose` → `transpose`, held back as a view while a Reshape or Transpose reads
    /// it next (a channel shuffle's middle step).
    static func transpose(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        let dims = try importer.onnxDims(context, 0) ?? []
        let permutation = try context.ints("perm") ?? Array(dims.indices.reversed())
        guard permutation.sorted() == Array(dims.indices) else {
            throw context.error("\(TensorShape.format(permutation)) is not a permutation of \(dims.count) axes", field: "perm")
        }
        guard let input = try importer.value(context, 0) else { throw context.error("input 0 is required", field: "input") }
        let output = permutation.map { dims[$0] }
        if case .deferred = input {
            return try importer.extendView(input, .transpose(permutation), dims: output, context)
        }
        if importer.canDefer(context) {
            return try importer.extendView(input, .transpose(permutation), dims: output, context)
        }
        let layer = try importer.addLayer(context.name, .transpose(Transpose(permutation: permutation)),
                                          inputs: [try importer.layer(for: input, context)], context)
        importer.define(context, .activation(layer))
    }

    /// `Squeeze` and `Unsqueeze` → `reshape` to ONNX's result (see `addReshape`). Axes
    /// are an attribute before opset 13 and an input from it.
    static func squeeze(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        try changeRank(&importer, context, inserting: false)
    }

    static func unsqueeze(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        try changeRank(&importer, context, inserting: true)
    }

    private static func changeRank(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext, inserting: Bool) throws(InputError) {
        if try importer.fold(context) { return }
        let dims = try importer.onnxDims(context, 0) ?? []
        var axes: [Int]?
        switch try importer.integerInput(context, 1) {
        case .known(let values): axes = values
        case .unknown: return try importer.addUnsupported(context, reason: "axes computed at run time")
        case .absent: axes = try context.ints("axes")
        }
        var output: [Int]
        if inserting {
            guard let axes else { throw context.error("is required", field: "axes") }
            let rank = dims.count + axes.count
            guard rank <= ONNXLimits.rank else { throw context.error("rank \(rank) is too large", field: "axes") }
            let resolved = Set(try context.resolveAxes(axes, rank: rank, field: "axes"))
            var source = dims.makeIterator()
            output = (0..<rank).map { resolved.contains($0) ? 1 : source.next() ?? 1 }
        } else {
            let removed = try context.squeezedAxes(axes, of: dims)
            output = dims.indices.filter { !removed.contains($0) }.map { dims[$0] }
        }
        try reshaped(&importer, context, to: output, deferrable: false)
    }

    /// Adds a `reshape` to the ONNX dims `output` (see `addReshape`), or extends a
    /// deferred view when a Reshape or Transpose reads it next.
    private static func reshaped(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext, to output: [Int], deferrable: Bool) throws(InputError) {
        guard let input = try importer.value(context, 0) else { throw context.error("input 0 is required", field: "input") }
        if deferrable, !output.isEmpty {
            if case .deferred = input { return try importer.extendView(input, .reshape(output), dims: output, context) }
            if importer.canDefer(context) { return try importer.extendView(input, .reshape(output), dims: output, context) }
        }
        let layer = try importer.addReshape(context.name, input: try importer.layer(for: input, context), output: output, context)
        importer.define(context, .activation(layer))
    }

    // MARK: Pass-through and selection

    /// `Identity`, `Dropout` and `Cast` of a run-time tensor → `identity`, `dropout`,
    /// `cast`; of a constant, the same constant. Dropout keeps its ratio, which training
    /// memory reads: the `ratio` input (opset 12 on) when constant, else the attribute, else 0.5.
    static func identity(_ label: String) -> ONNXOpHandler {
        { (importer: inout ONNXGraphImporter, context: ONNXNodeContext) throws(InputError) in
            if try importer.fold(context) { return }
            let input = try importer.activation(context, 0)
            var ratio = 0.0
            if label == "dropout" {
                ratio = try context.float("ratio", default: 0.5)
                if case .known(let values) = try importer.numberInput(context, 1), let given = values.first { ratio = given }
            }
            let operation = Identity(label: label, dropProbability: min(max(ratio, 0), 0.999))
            let layer = try importer.addLayer(context.name, .identity(operation), inputs: [input], context)
            importer.define(context, .activation(layer))
        }
    }

    /// `Gather` of one index along any axis (`x[:, 0]`, a detector's `x[0]`) → a `gather` slice and,
    /// for a scalar index, a reshape that drops the axis; of several constant indices →
    /// `take`, then a reshape when the indices have more than one axis (a relative
    /// position bias table indexed by a stored index); of run-time indices into a stored
    /// `[V, D]` table along axis 0 → `embedding`; any other lookup of indices whose values
    /// are not known at import time → `gather` (+ `reshape` for a scalar index).
    static func gather(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        guard let data = try importer.value(context, 0), let indicesValue = try importer.value(context, 1) else {
            throw context.error("needs data and indices", field: "inputs")
        }
        let dims = importer.onnxDims(of: data), indexDims = importer.onnxDims(of: indicesValue)
        let requested = try context.int("axis", default: 0)
        if !(-dims.count..<dims.count).contains(requested), try importer.readsGuessedShape(context) {
            return try importer.addUnsupported(context, reason: "input shapes unknown after an unsupported op")
        }
        let axis = try context.resolveAxis(requested, rank: dims.count)
        let full = Array(dims[..<axis]) + indexDims + Array(dims[(axis + 1)...])
        if case .constant(let table) = data, table.dims.count == 2, axis == 0, !table.sources.isEmpty,
           try importer.isActivation(context, 1) {
            // Token ids into a stored [V, D] table: an embedding lookup.
            let embedding = Embedding(vocabulary: try context.size(table.dims[0], field: "data"), features: try context.size(table.dims[1], field: "data"))
            let layer = try importer.addLayer(context.name, .embedding(embedding), inputs: [try importer.activation(context, 1)],
                                              stored: table.sources, context)
            return importer.define(context, .activation(layer))
        }
        guard case .constant(let indices) = indicesValue, let picked = indices.integers, !picked.isEmpty else {
            // Run-time indices, or stored ones whose values netcost does not read (Swin3D's
            // relative-position index into a run-time table): a gather of the values they hold.
            var layer = try importer.addLayer(context.name, .gather(Gather(axis: axis)),
                                              inputs: [try importer.layer(for: data, context), try importer.layer(for: indicesValue, context)],
                                              context)
            if full != importer.onnxDims(of: .activation(layer)) {
                layer = try importer.addReshape(context.name + "_reshape", input: layer, output: full, context)
            }
            return importer.define(context, .activation(layer))
        }
        if picked.count > 1 {
            var layer = try importer.addLayer(context.name, .take(Take(axis: axis, indices: picked)),
                                              inputs: [try importer.layer(for: data, context)], context)
            if full != importer.onnxDims(of: .activation(layer)) {
                layer = try importer.addReshape(context.name + "_reshape", input: layer, output: full, context)
            }
            return importer.define(context, .activation(layer))
        }
        let position = picked[0] < 0 ? picked[0] + dims[axis] : picked[0]
        guard position >= 0, position < dims[axis] else {
            throw context.error("index \(picked[0]) is out of range for an axis of \(dims[axis])", field: "indices")
        }
        var layer = try importer.addLayer(context.name, .slice(Slice(axis: axis, start: position, end: position + 1, label: "gather")),
                                          inputs: [try importer.layer(for: data, context)], context)
        if full != importer.onnxDims(of: .activation(layer)) {
            layer = try importer.addReshape(context.name + "_squeeze", input: layer, output: full, context)
        }
        importer.define(context, .activation(layer))
    }

    /// `Expand` that leaves a run-time tensor's shape as it is passes it through; one to
    /// a known target → `expand`.
    static func expand(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        guard let input = try importer.value(context, 0), case .known(let shape) = try importer.integerInput(context, 1) else {
            return try importer.addUnsupported(context, reason: "a shape computed at run time")
        }
        let dims = importer.onnxDims(of: input)
        guard let output = ONNXConstantMath.broadcast(dims, shape) else {
            throw context.error("cannot expand \(TensorShape.format(dims)) to \(TensorShape.format(shape))", field: "shape")
        }
        guard output != dims else { return importer.define(context, input) }
        let source = try importer.layer(for: input, context)
        let layer = try importer.addLayer(context.name, .repeating(Repeat(.expand(shape: output))), inputs: [source], context)
        importer.define(context, .activation(layer))
    }

    /// `Col2Im(x, image_shape, block_shape)` (opset 18, PyTorch's fold) → `fold`: the
    /// image and block shapes must be known when the graph is read.
    static func col2im(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        guard case .known(let image) = try importer.integerInput(context, 1), case .known(let block) = try importer.integerInput(context, 2) else {
            return try importer.addUnsupported(context, reason: "image or block shape computed at run time")
        }
        guard !block.isEmpty, image.count == block.count else {
            throw context.error("image_shape \(TensorShape.format(image)) and block_shape \(TensorShape.format(block)) name different axes", field: "block_shape")
        }
        var kernel: [Int] = [], sizes: [Int] = []
        for size in block { kernel.append(try context.window(size, field: "block_shape", minimum: 1)) }
        for size in image { sizes.append(try context.size(size, field: "image_shape")) }
        let fold = Fold(outputSize: sizes, window: try windowND(context, input: sizes, kernel: kernel))
        let layer = try importer.addLayer(context.name, .fold(fold), inputs: [try importer.activation(context, 0)], context)
        importer.define(context, .activation(layer))
    }

    /// `Tile(x, repeats)` with known repeats → `tile`.
    static func tile(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        guard case .known(let repeats) = try importer.integerInput(context, 1) else {
            return try importer.addUnsupported(context, reason: "repeats computed at run time")
        }
        let source = try importer.activation(context, 0)
        let layer = try importer.addLayer(context.name, .repeating(Repeat(.tile(repeats: repeats))), inputs: [source], context)
        importer.define(context, .activation(layer))
    }

    /// `CumSum(x, axis)` along any axis → `cumsum`.
    static func cumulativeSum(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        let rank = try importer.onnxDims(context, 0)?.count ?? 0
        guard case .known(let axes) = try importer.integerInput(context, 1), axes.count == 1 else {
            return try importer.addUnsupported(context, reason: "an axis computed at run time")
        }
        let axis = try context.resolveAxis(axes[0], rank: rank)
        let source = try importer.activation(context, 0)
        let op = CumulativeSum(axis: axis, exclusive: try context.flag("exclusive", default: false),
                               reverse: try context.flag("reverse", default: false))
        importer.define(context, .activation(try importer.addLayer(context.name, .cumulativeSum(op), inputs: [source], context)))
    }
}
