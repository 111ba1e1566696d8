// Conv, ConvTranspose, Gemm and MatMul: the ops that carry the mult-adds.

extension ONNXOps {
    // MARK: Convolution

    /// `Conv` with a stored `[M, C/g, kh, kw]` weight → `conv2d`; of `[N, C, L]` or
    /// `[N, C, T, H, W]` → `conv1d`, `conv3d`; with a weight computed at run time →
    /// `dynamic_conv1d`, `2d`, `3d`.
    static func convolution(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        guard let weight = try importer.constant(context, 1) else {
            return try dynamicConvolution(&importer, context)
        }
        let inputDims = try importer.onnxDims(context, 0) ?? []
        let group = try context.size(try context.int("group", default: 1), field: "group")
        if weight.dims.count == inputDims.count, weight.dims.count == 3 || weight.dims.count == 5 {
            return try convolutionND(&importer, context, weight: weight, input: inputDims, group: group)
        }
        guard weight.dims.count == 4, inputDims.count == 4 else {
            if try importer.readsGuessedShape(context) {
                return try importer.addUnsupported(context, reason: "input shapes unknown after an unsupported op")
            }
            let shape = slidingOutput(context, input: inputDims, weight: weight.dims, channels: weight.dims.first)
            return try importer.addUnsupported(context, reason: "\(max(weight.dims.count - 2, 0))-D convolution", shape: shape)
        }
        let input = try importer.activation(context, 0)
        let channels = inputDims[1]
        let outChannels = try context.size(weight.dims[0], field: "weight")
        let (expected, overflow) = weight.dims[1].multipliedReportingOverflow(by: group)
        guard !overflow, expected == channels else {
            throw context.error("weight \(TensorShape.format(weight.dims)) with group \(group) does not match the input's \(channels) channels", field: "weight")
        }
        let kernel = try context.windows("kernel_shape", count: 2, fallback: [weight.dims[2], weight.dims[3]])
        guard kernel == [weight.dims[2], weight.dims[3]] else {
            throw context.error("kernel_shape \(TensorShape.format(kernel)) differs from the weight's \(TensorShape.format(weight.dims))", field: "kernel_shape")
        }
        let stride = try context.windows("strides", count: 2, fallback: [1, 1])
        let dilation = try context.windows("dilations", count: 2, fallback: [1, 1])
        let padding = try self.padding(context, input: [inputDims[2], inputDims[3]], kernel: kernel)
        let bias = try importer.constant(context, 2)
        if context.node.input(2) != nil, bias == nil {
            return try importer.addUnsupported(context, reason: "bias computed at run time")
        }
        let operation = Convolution(outChannels: outChannels, kernel: Size2D(kernel[0], kernel[1]), stride: Size2D(stride[0], stride[1]),
                                    dilation: Size2D(dilation[0], dilation[1]), padding: padding, groups: group, bias: bias != nil)
        let layer = try importer.addLayer(context.name, .convolution(operation), inputs: [input],
                                          stored: weight.sources + (bias?.sources ?? []), context)
        importer.define(context, .activation(layer))
    }

    /// `Conv` of `[N, C, L]` or `[N, C, T, H, W]` → `conv1d`, `conv3d`.
    private static func convolutionND(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext, weight: ONNXConstant,
                                      input inputDims: [Int], group: Int) throws(InputError) {
        let (expected, overflow) = weight.dims[1].multipliedReportingOverflow(by: group)
        guard !overflow, expected == inputDims[1] else {
            throw context.error("weight \(TensorShape.format(weight.dims)) with group \(group) does not match the input's \(inputDims[1]) channels", field: "weight")
        }
        let kernel = Array(weight.dims.dropFirst(2))
        guard try context.windows("kernel_shape", count: kernel.count, fallback: kernel) == kernel else {
            throw context.error("kernel_shape differs from the weight's \(TensorShape.format(weight.dims))", field: "kernel_shape")
        }
        let window = try windowND(context, input: Array(inputDims.dropFirst(2)), kernel: kernel)
        let bias = try importer.constant(context, 2)
        if context.node.input(2) != nil, bias == nil {
            return try importer.addUnsupported(context, reason: "bias computed at run time")
        }
        let operation = ConvolutionND(outChannels: try context.size(weight.dims[0], field: "weight"), window: window, groups: group, bias: bias != nil)
        let layer = try importer.addLayer(context.name, .convolutionND(operation), inputs: [try importer.activation(context, 0)],
                                          stored: weight.sources + (bias?.sources ?? []), context)
        importer.define(context, .activation(layer))
    }

    /// `Conv` whose weight is the output of other nodes (NF-Nets standardize a stored
    /// weight at run time) → `dynamic_conv1d`, `2d`, `3d`, reading the weight as its
    /// second input; the bias must be stored.
    private static func dynamicConvolution(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let inputDims = try importer.onnxDims(context, 0) ?? []
        let weightDims = try importer.onnxDims(context, 1) ?? []
        guard weightDims.count == inputDims.count, (3...5).contains(weightDims.count) else {
            return try importer.addUnsupported(context, reason: "weights computed at run time, of rank \(weightDims.count) on an input of rank \(inputDims.count)")
        }
        let group = try context.size(try context.int("group", default: 1), field: "group")
        let (expected, overflow) = weightDims[1].multipliedReportingOverflow(by: group)
        guard !overflow, expected == inputDims[1], weightDims[0] % group == 0 else {
            throw context.error("weight \(TensorShape.format(weightDims)) with group \(group) does not match the input's \(inputDims[1]) channels", field: "weight")
        }
        let kernel = Array(weightDims.dropFirst(2))
        guard try context.windows("kernel_shape", count: kernel.count, fallback: kernel) == kernel else {
            throw context.error("kernel_shape differs from the weight's \(TensorShape.format(weightDims))", field: "kernel_shape")
        }
        let window = try windowND(context, input: Array(inputDims.dropFirst(2)), kernel: kernel)
        let bias = try importer.constant(context, 2)
        if context.node.input(2) != nil, bias == nil {
            return try importer.addUnsupported(context, reason: "bias computed at run time")
        }
        let inputs = [try importer.activation(context, 0), try importer.activation(context, 1)]
        let operation = DynamicConvolution(window: window, groups: group, bias: bias != nil)
        let layer = try importer.addLayer(context.name, .dynamicConvolution(operation), inputs: inputs, stored: bias?.sources ?? [], context)
        importer.define(context, .activation(layer))
    }

    /// A window of any rank from `strides`, `dilations`, `pads` (`[b₁…bₖ, e₁…eₖ]`) and `auto_pad`.
    static func windowND(_ context: ONNXNodeContext, input: [Int], kernel: [Int]) throws(InputError) -> WindowND {
        let rank = kernel.count, ones = Array(repeating: 1, count: rank)
        let stride = try context.windows("strides", count: rank, fallback: ones)
        let dilation = try context.windows("dilations", count: rank, fallback: ones)
        let padding: WindowND.Padding
        switch try context.string("auto_pad", default: "NOTSET") {
        case "NOTSET", "":
            let pads = try context.windows("pads", count: 2 * rank, minimum: 0, fallback: Array(repeating: 0, count: 2 * rank))
            padding = .explicit(before: Array(pads[..<rank]), after: Array(pads[rank...]))
        case "SAME_UPPER": padding = .same
        case "VALID": padding = .explicit(before: Array(repeating: 0, count: rank), after: Array(repeating: 0, count: rank))
        case "SAME_LOWER":
            let totals = (0..<rank).map { axis in
                let output = (input[axis] + stride[axis] - 1) / stride[axis]
                return max((output - 1) * stride[axis] + dilation[axis] * (kernel[axis] - 1) + 1 - input[axis], 0)
            }
            padding = .explicit(before: totals.map { $0 - $0 / 2 }, after: totals.map { $0 / 2 })
        case let other:
            throw context.error("\"\(other)\" is not an auto_pad mode", field: "auto_pad")
        }
        return WindowND(kernel: kernel, stride: stride, dilation: dilation, padding: padding)
    }

    /// `ConvTranspose` with a stored `[C, M/g, k…]` weight → `conv_transpose2d`, or
    /// `conv_transpose1d`, `conv_transpose3d` on `[N, C, L]` and `[N, C, T, H, W]`;
    /// `output_shape` is turned into the padding that gives it.
    static func transposedConvolution(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        guard let weight = try importer.constant(context, 1) else {
            return try importer.addUnsupported(context, reason: "weights computed at run time")
        }
        let inputDims = try importer.onnxDims(context, 0) ?? []
        guard weight.dims.count == inputDims.count, (3...5).contains(weight.dims.count) else {
            return try importer.addUnsupported(context, reason: "a weight of rank \(weight.dims.count) on an input of rank \(inputDims.count)")
        }
        let rank = weight.dims.count - 2
        let group = try context.size(try context.int("group", default: 1), field: "group")
        guard weight.dims[0] == inputDims[1] else {
            throw context.error("weight \(TensorShape.format(weight.dims)) expects \(weight.dims[0]) input channels, the input has \(inputDims[1])", field: "weight")
        }
        let (outChannels, overflow) = weight.dims[1].multipliedReportingOverflow(by: group)
        guard !overflow else { throw context.error("weight \(TensorShape.format(weight.dims)) is too large", field: "weight") }
        _ = try context.size(outChannels, field: "weight")
        let kernel = Array(weight.dims.dropFirst(2))
        guard try context.windows("kernel_shape", count: rank, fallback: kernel) == kernel else {
            throw context.error("kernel_shape differs from the weight's \(TensorShape.format(weight.dims))", field: "kernel_shape")
        }
        let ones = Array(repeating: 1, count: rank), zeros = Array(repeating: 0, count: rank)
        let stride = try context.windows("strides", count: rank, fallback: ones)
        let dilation = try context.windows("dilations", count: rank, fallback: ones)
        var extra = try context.windows("output_padding", count: rank, minimum: 0, fallback: zeros)
        var pads = try context.windows("pads", count: 2 * rank, minimum: 0, fallback: zeros + zeros)
        let autoPad = try context.string("auto_pad", default: "NOTSET")
        let target = try context.windows("output_shape", count: rank, fallback: [])
        if !target.isEmpty || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
            for axis in 0..<rank {
                let size = inputDims[2 + axis]
                let full = stride[axis] * (size - 1) + extra[axis] + (kernel[axis] - 1) * dilation[axis] + 1
                let wanted = target.isEmpty ? size * stride[axis] : target[axis]
                var total = full - wanted
                if total < 0 {
                    // A larger requested output is reached with extra output padding.
                    extra[axis] -= total
                    total = 0
                }
                let (small, large) = (total / 2, total - total / 2)
                (pads[axis], pads[axis + rank]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small)
            }
        } else if autoPad == "VALID" {
            pads = zeros + zeros
        }
        let bias = try importer.constant(context, 2)
        let input = try importer.activation(context, 0)
        let operation: Operation
        if rank == 2 {
            operation = .transposedConvolution(TransposedConvolution(
                outChannels: outChannels, kernel: Size2D(kernel[0], kernel[1]), stride: Size2D(stride[0], stride[1]),
                dilation: Size2D(dilation[0], dilation[1]), padding: .explicit(top: pads[0], bottom: pads[2], left: pads[1], right: pads[3]),
                outputPadding: Size2D(extra[0], extra[1]), groups: group, bias: context.node.input(2) != nil))
        } else {
            let window = WindowND(kernel: kernel, stride: stride, dilation: dilation,
                                  padding: .explicit(before: Array(pads[..<rank]), after: Array(pads[rank...])))
            operation = .transposedConvolutionND(TransposedConvolutionND(outChannels: outChannels, window: window, outputPadding: extra,
                                                                         groups: group, bias: context.node.input(2) != nil))
        }
        let layer = try importer.addLayer(context.name, operation, inputs: [input], stored: weight.sources + (bias?.sources ?? []), context)
        importer.define(context, .activation(layer))
    }

    /// 2-D padding from `auto_pad` and `pads` (`[top, left, bottom, right]` in ONNX's
    /// order): `windowND`'s, as `Padding`.
    static func padding(_ context: ONNXNodeContext, input: [Int], kernel: [Int]) throws(InputError) -> Padding {
        switch try windowND(context, input: input, kernel: kernel).padding {
        case .same: return .same
        case let .explicit(before, after): return .explicit(top: before[0], bottom: after[0], left: before[1], right: after[1])
        }
    }

    /// The output shape of a sliding window of any rank (1-D and 3-D conv and pooling),
    /// for the graph to go on past an op netcost does not count; nil when the attributes
    /// do not give one.
    static func slidingOutput(_ context: ONNXNodeContext, input: [Int], weight: [Int]?, channels: Int?) -> [Int]? {
        guard input.count >= 3 else { return nil }
        let spatial = Array(input.dropFirst(2))
        let count = spatial.count
        let kernel = (try? context.ints("kernel_shape")) ?? weight.map { Array($0.dropFirst(2)) } ?? nil
        guard let kernel, kernel.count == count else { return nil }
        let stride = (try? context.windows("strides", count: count, fallback: Array(repeating: 1, count: count))) ?? []
        let dilation = (try? context.windows("dilations", count: count, fallback: Array(repeating: 1, count: count))) ?? []
        let pads = (try? context.windows("pads", count: 2 * count, minimum: 0, fallback: Array(repeating: 0, count: 2 * count))) ?? []
        guard stride.count == count, dilation.count == count, pads.count == 2 * count,
              kernel.allSatisfy({ $0 >= 1 && $0 <= ONNXNodeContext.maximumWindow }) else { return nil }
        var output = [input[0], channels ?? input[1]]
        for axis in 0..<count {
            let span = spatial[axis] + pads[axis] + pads[axis + count] - dilation[axis] * (kernel[axis] - 1) - 1
            guard span >= 0 else { return nil }
            output.append(span / stride[axis] + 1)
        }
        return output
    }

    // MARK: Linear algebra

    /// `Gemm(A, B, C)` with a stored `B` → `linear` on the features of `A` (`transB`
    /// read; `alpha` and `beta` scale values, not counts, and are ignored).
    static func gemm(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        guard let weight = try importer.constant(context, 1), weight.dims.count == 2, try importer.isActivation(context, 0),
              !(try context.flag("transA", default: false)) else {
            return try generalGemm(&importer, context)
        }
        let transposed = try context.flag("transB", default: false)
        let (inFeatures, outFeatures) = transposed ? (weight.dims[1], weight.dims[0]) : (weight.dims[0], weight.dims[1])
        let inputDims = try importer.onnxDims(context, 0) ?? []
        guard inputDims.count == 2, inputDims[1] == inFeatures else {
            throw context.error("input \(TensorShape.format(inputDims)) does not match weight \(TensorShape.format(weight.dims))\(transposed ? " (transposed)" : "")", field: "inputs")
        }
        let bias = try importer.constant(context, 2)
        let input = try importer.activation(context, 0)
        let layer = try importer.addLayer(context.name, .linear(Linear(outFeatures: try context.size(outFeatures, field: "B"), bias: context.node.input(2) != nil)),
                                          inputs: [input], stored: weight.sources + (bias?.sources ?? []), context)
        importer.define(context, .activation(layer))
    }

    /// `Gemm` of a run-time B, or with a transposed A: `transpose` layers where asked,
    /// a `matmul`, and an `add` of C (`alpha` and `beta` scale values, not counts).
    private static func generalGemm(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        guard try importer.onnxDims(context, 0)?.count == 2, try importer.onnxDims(context, 1)?.count == 2 else {
            return try importer.addUnsupported(context, reason: "operands that are not matrices")
        }
        var operands: [Int] = []
        for (position, flag) in [(0, "transA"), (1, "transB")] {
            guard let value = try importer.value(context, position) else { throw context.error("input \(position) is required", field: "inputs") }
            var operand = try importer.layer(for: value, context)
            if try context.flag(flag, default: false) {
                operand = try importer.addLayer(context.name + (position == 0 ? "_a" : "_b") + "_transpose", .transpose(Transpose(permutation: [1, 0])),
                                                inputs: [operand], context)
            }
            operands.append(operand)
        }
        var layer = try importer.addLayer(context.name, .matmul(MatMul()), inputs: operands, context)
        if let bias = try importer.value(context, 2) {
            let term = try importer.layer(for: bias, context)
            layer = try importer.addLayer(context.name + "_bias", .elementwise(Elementwise(.add)), inputs: [layer, term], context)
        }
        importer.define(context, .activation(layer))
    }

    /// `MatMul` by a stored `[K, N]` matrix → `linear` without bias; between two
    /// run-time tensors (attention) → `matmul`.
    static func matmul(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        guard let left = try importer.value(context, 0), let right = try importer.value(context, 1) else {
            throw context.error("needs two inputs", field: "inputs")
        }
        let leftDims = importer.onnxDims(of: left)
        if case .constant(let weight) = right, weight.dims.count == 2, leftDims.count >= 2 {
            guard leftDims.last == weight.dims[0] else {
                throw context.error("inner sizes differ: \(TensorShape.format(leftDims)) × \(TensorShape.format(weight.dims))", field: "inputs")
            }
            let layer = try importer.addLayer(context.name, .linear(Linear(outFeatures: try context.size(weight.dims[1], field: "B"), bias: false)),
                                              inputs: [try importer.layer(for: left, context)], stored: weight.sources, context)
            return importer.define(context, .activation(layer))
        }
        // Between run-time tensors, or a stored operand of another rank: NumPy's
        // rules on the whole tensors, batch axes and all.
        let operands = [try importer.layer(for: left, context), try importer.layer(for: right, context)]
        let layer = try importer.addLayer(context.name, .matmul(MatMul()), inputs: operands, context)
        importer.define(context, .activation(layer))
    }
}

extension ONNXOps {
    /// `Einsum` with explicit letters (no `...`) on any operands → `einsum`; stored
    /// operands become constant layers. With `...` it is unsupported.
    static func einsum(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        let equation = try context.string("equation", default: "").filter { !$0.isWhitespace }
        var inputs: [Int] = []
        for position in context.node.inputs.indices {
            guard let value = try importer.value(context, position) else { throw context.error("input \(position) is required", field: "inputs") }
            inputs.append(try importer.layer(for: value, context))
        }
        let layer = try importer.addLayer(context.name, .einsum(Einsum(equation: equation)), inputs: inputs, context)
        importer.define(context, .activation(layer))
    }
}
