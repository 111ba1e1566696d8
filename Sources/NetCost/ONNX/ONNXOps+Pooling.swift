// Element-wise arithmetic, pooling, reductions, resizing and padding.

extension ONNXOps {
    // MARK: Element-wise arithmetic

    /// `Add`, `Sub`, `Mul`, `Div` and `Sum` with broadcasting. A constant operand (a
    /// bias, hardswish's 3 and 6) becomes a constant layer; on constants alone the op folds.
    static func elementwise(_ op: Elementwise.Operator) -> ONNXOpHandler {
        broadcasting(.elementwise(Elementwise(op)))
    }

    /// `Where(condition, x, y)` on computed tensors → `where`; folded on constants.
    static let select: ONNXOpHandler = broadcasting(.select(Select()))

    /// An op on broadcast operands, each computed or a constant of its own layer.
    private static func broadcasting(_ operation: Operation) -> ONNXOpHandler {
        { (importer: inout ONNXGraphImporter, context: ONNXNodeContext) throws(InputError) in
            if try importer.fold(context) { return }
            var operands: [ONNXValue] = []
            for position in context.node.inputs.indices {
                if let value = try importer.value(context, position) { operands.append(value) }
            }
            var inputs: [Int] = []
            for value in operands { inputs.append(try importer.layer(for: value, context)) }
            if inputs.count == 1 { return importer.define(context, .activation(inputs[0])) }
            let layer = try importer.addLayer(context.name, operation, inputs: inputs, context)
            importer.define(context, .activation(layer))
        }
    }

    // MARK: Pooling

    /// `MaxPool` and `AveragePool` on `[N, C, H, W]` → `maxpool`, `avgpool`.
    static func pooling(_ mode: PoolingMode) -> ONNXOpHandler {
        { (importer: inout ONNXGraphImporter, context: ONNXNodeContext) throws(InputError) in
            let dims = try importer.onnxDims(context, 0) ?? []
            if dims.count == 3 || dims.count == 5 {
                return try poolingND(&importer, context, mode, input: dims)
            }
            guard dims.count == 4 else {
                if try importer.readsGuessedShape(context) {
                    return try importer.addUnsupported(context, reason: "input shapes unknown after an unsupported op")
                }
                let shape = slidingOutput(context, input: dims, weight: nil, channels: nil)
                return try importer.addUnsupported(context, reason: "\(max(dims.count - 2, 0))-D pooling", shape: shape)
            }
            let kernel = try context.windows("kernel_shape", count: 2, fallback: [])
            guard kernel.count == 2 else { throw context.error("is required", field: "kernel_shape") }
            let stride = try context.windows("strides", count: 2, fallback: [1, 1])
            let dilation = try context.windows("dilations", count: 2, fallback: [1, 1])
            let padding = try padding(context, input: [dims[2], dims[3]], kernel: kernel)
            if case let .explicit(top, bottom, left, right) = padding,
               max(top, bottom) > kernel[0] / 2 || max(left, right) > kernel[1] / 2 {
                let shape = slidingOutput(context, input: dims, weight: nil, channels: nil)
                return try importer.addUnsupported(context, reason: "padding larger than half the window", shape: shape)
            }
            // A 1×1 window of stride 1 is how PyTorch exports an adaptive average pooling
            // whose output is its input's size (AlexNet's to 6×6): read it as that.
            if mode == .average, kernel == [1, 1], stride == [1, 1], padding == .zero {
                let input = try importer.activation(context, 0)
                let layer = try importer.addLayer(context.name, .adaptivePooling(AdaptivePooling(.average, outputSize: Size2D(dims[2], dims[3]))),
                                                  inputs: [input], context)
                return importer.define(context, .activation(layer))
            }
            let operation = Pooling(mode, kernel: Size2D(kernel[0], kernel[1]), stride: Size2D(stride[0], stride[1]),
                                    dilation: Size2D(dilation[0], dilation[1]), padding: padding,
                                    ceilMode: try context.flag("ceil_mode", default: false),
                                    countIncludePad: try context.flag("count_include_pad", default: false))
            let input = try importer.activation(context, 0)
            let layer = try importer.addLayer(context.name, .pooling(operation), inputs: [input], context)
            importer.define(context, .activation(layer))
        }
    }

    /// `MaxPool` and `AveragePool` on `[N, C, L]` or `[N, C, T, H, W]` → `maxpool1d`, `avgpool3d`, ….
    private static func poolingND(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext, _ mode: PoolingMode,
                                  input dims: [Int]) throws(InputError) {
        let rank = dims.count - 2
        let kernel = try context.windows("kernel_shape", count: rank, fallback: [])
        guard kernel.count == rank else { throw context.error("is required", field: "kernel_shape") }
        let window = try windowND(context, input: Array(dims.dropFirst(2)), kernel: kernel)
        if case let .explicit(before, after) = window.padding, zip(before, after).enumerated().contains(where: { max($1.0, $1.1) > kernel[$0] / 2 }) {
            let shape = slidingOutput(context, input: dims, weight: nil, channels: nil)
            return try importer.addUnsupported(context, reason: "padding larger than half the window", shape: shape)
        }
        let operation = PoolingND(mode, window: window, ceilMode: try context.flag("ceil_mode", default: false),
                                  countIncludePad: try context.flag("count_include_pad", default: false))
        let layer = try importer.addLayer(context.name, .poolingND(operation), inputs: [try importer.activation(context, 0)], context)
        importer.define(context, .activation(layer))
    }

    /// `GlobalAveragePool`, `GlobalMaxPool` → `global_avgpool`, `global_maxpool`.
    static func globalPooling(_ mode: PoolingMode) -> ONNXOpHandler {
        { (importer: inout ONNXGraphImporter, context: ONNXNodeContext) throws(InputError) in
            let dims = try importer.onnxDims(context, 0) ?? []
            guard dims.count >= 3 else { return try importer.addUnsupported(context, reason: "a rank-\(dims.count) input") }
            let input = try importer.activation(context, 0)
            let layer = try importer.addLayer(context.name, .globalPooling(GlobalPooling(mode)), inputs: [input], context)
            importer.define(context, .activation(layer))
        }
    }

    /// `ReduceMean`, `ReduceSum`, `ReduceMax`, `ReduceMin` and `ReduceL2` over any axes
    /// → a reduction; a mean or max over the H and W of an `[N, C, H, W]` map → global
    /// pooling (then a reshape to `[N, C]` without `keepdims`), as the report names it.
    /// Axes are an attribute before
    /// opset 13 (ReduceSum) or 18 (the others) and an input from then on.
    static func reduce(_ mode: Reduction.Mode) -> ONNXOpHandler {
        { (importer: inout ONNXGraphImporter, context: ONNXNodeContext) throws(InputError) in
            if try importer.fold(context) { return }
            let dims = try importer.onnxDims(context, 0) ?? []
            let keep = try context.flag("keepdims", default: true)
            let axes: [Int]
            switch try importer.integerInput(context, 1) {
            case .known(let given): axes = given
            case .unknown: return try importer.addUnsupported(context, reason: "axes computed at run time")
            case .absent: axes = try context.ints("axes") ?? Array(dims.indices)
            }
            var resolved = try context.resolveAxes(axes, rank: dims.count, field: "axes").sorted()
            if resolved.isEmpty {
                // No axes: every axis, or with noop_with_empty_axes the input as it is.
                guard !(try context.flag("noop_with_empty_axes", default: false)) else {
                    return importer.define(context, .activation(try importer.activation(context, 0)))
                }
                resolved = Array(dims.indices)
            }
            let input = try importer.activation(context, 0)
            let pooling: PoolingMode? = switch mode {
            case .mean: .average
            case .max: .max
            case .sum, .min, .l2: nil
            }
            guard dims.count == 4, resolved == [2, 3], let pooling else {
                let reduction = Reduction(mode, axes: resolved, keepDims: keep)
                importer.define(context, .activation(try importer.addLayer(context.name, .reduction(reduction), inputs: [input], context)))
                return
            }
            var layer = try importer.addLayer(context.name, .globalPooling(GlobalPooling(pooling)), inputs: [input], context)
            if !keep {
                layer = try importer.addLayer(context.name + "_squeeze", .reshape(Reshape(.shape([dims[0], dims[1]]))), inputs: [layer], context)
            }
            importer.define(context, .activation(layer))
        }
    }

    // MARK: Resizing and padding

    /// `Resize` (scales or sizes, opset 11+) and the older `Upsample` → `upsample`,
    /// nearest, bilinear (`linear`) or bicubic (`cubic`, with `cubic_coeff_a`);
    /// `coordinate_transformation_mode` half_pixel, pytorch_half_pixel, align_corners or
    /// asymmetric (nearest and linear take any other as half_pixel: their counts do not
    /// depend on it; cubic is then unsupported, as with `exclude_outside`).
    static func resize(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let dims = try importer.onnxDims(context, 0) ?? []
        let mode: Upsample.Mode?
        switch try context.string("mode", default: "nearest") {
        case "nearest": mode = .nearest
        case "linear", "bilinear": mode = .bilinear
        case "cubic": mode = .bicubic
        default: mode = nil
        }
        guard dims.count == 4 else { return try importer.addUnsupported(context, reason: "a rank-\(dims.count) input") }
        let axes = try context.resolveAxes(try context.ints("axes") ?? [0, 1, 2, 3], rank: 4, field: "axes")
        func full(_ given: [Double]) -> [Double]? {
            guard given.count == axes.count else { return nil }
            var result = [1.0, 1.0, 1.0, 1.0]
            for (index, axis) in axes.enumerated() { result[axis] = given[index] }
            return result
        }
        let isUpsample = context.opType == "Upsample" || context.opset < 11
        var sizes: ONNXArgument<[Double]> = isUpsample ? .absent : try importer.numberInput(context, 3)
        var scales: ONNXArgument<[Double]> = try importer.numberInput(context, isUpsample ? 1 : 2)
        if case .known(let values) = sizes, values.isEmpty { sizes = .absent }
        if case .known(let values) = scales, values.isEmpty { scales = .absent }
        if case .absent = scales, let attribute = context.floats("scales") { scales = .known(attribute) }
        let target: Upsample.Target
        if case .known(let given) = sizes, let wanted = full(given) {
            guard wanted[0] == 1, wanted[1] == Double(dims[1]), wanted[2] >= 1, wanted[3] >= 1,
                  wanted[2] <= Double(LayerFields.maximumSize), wanted[3] <= Double(LayerFields.maximumSize) else {
                return try importer.addUnsupported(context, reason: "sizes \(given) change the batch or the channels")
            }
            var height = wanted[2], width = wanted[3]
            let policy = try context.string("keep_aspect_ratio_policy", default: "stretch")
            if policy != "stretch" {
                let ratios = [height / Double(dims[2]), width / Double(dims[3])]
                let ratio = policy == "not_smaller" ? (ratios.max() ?? 1) : (ratios.min() ?? 1)
                (height, width) = ((ratio * Double(dims[2])).rounded(), (ratio * Double(dims[3])).rounded())
            }
            target = .size(Size2D(Int(height), Int(width)))
        } else if case .known(let given) = scales, let factors = full(given) {
            guard factors[0] == 1, factors[1] == 1, factors[2] > 0, factors[3] > 0, factors[2] <= 65536, factors[3] <= 65536 else {
                return try importer.addUnsupported(context, reason: "scales \(given) change the batch or the channels")
            }
            target = .scale(height: factors[2], width: factors[3])
        } else {
            return try importer.addUnsupported(context, reason: "scales or sizes computed at run time", shape: importer.declaredShape(context.node.outputs.first ?? ""))
        }
        let transformation = try context.string("coordinate_transformation_mode", default: isUpsample ? "asymmetric" : "half_pixel")
        let coordinates = Upsample.Coordinates(rawValue: transformation)
        let unmapped: String? = if mode == nil {
            "mode \(try context.string("mode", default: ""))"
        } else if mode == .bicubic, coordinates == nil {
            "coordinate_transformation_mode \(transformation)"
        } else if mode == .bicubic, try context.flag("exclude_outside", default: false) {
            "exclude_outside"
        } else {
            nil
        }
        guard let mode, unmapped == nil else {
            // Not counted, but its output's shape is exact.
            let shape = try? Upsample(.nearest, target: target).outputShape([try importer.shapeOf(dims, context)]).dims
            return try importer.addUnsupported(context, reason: unmapped ?? "", shape: shape)
        }
        let resize = Upsample(mode, target: target, coordinates: coordinates ?? .halfPixel,
                              cubicCoefficient: try context.float("cubic_coeff_a", default: -0.75))
        let input = try importer.activation(context, 0)
        let layer = try importer.addLayer(context.name, .upsample(resize), inputs: [input], context)
        importer.define(context, .activation(layer))
    }

    /// Constant-mode `Pad` of any axes → `pad`. Pads are an attribute before opset 11
    /// and an input from it, with optional `axes` from opset 18.
    static func pad(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let dims = try importer.onnxDims(context, 0) ?? []
        let rank = dims.count
        var given: [Int]
        switch try importer.integerInput(context, 1) {
        case .known(let values): given = values
        case .unknown: return try importer.addUnsupported(context, reason: "pads computed at run time")
        case .absent: given = try context.ints("pads") ?? []
        }
        var axes = Array(0..<rank)
        switch try importer.integerInput(context, 3) {
        case .known(let values): axes = try context.resolveAxes(values, rank: rank, field: "axes")
        case .unknown: return try importer.addUnsupported(context, reason: "axes computed at run time")
        case .absent: break
        }
        guard given.count == 2 * axes.count else { throw context.error("has \(given.count) entries for \(axes.count) axes", field: "pads") }
        var pads = Array(repeating: 0, count: 2 * rank)
        for (index, axis) in axes.enumerated() {
            pads[axis] = try context.window(given[index], field: "pads", minimum: -ONNXNodeContext.maximumWindow)
            pads[axis + rank] = try context.window(given[index + axes.count], field: "pads", minimum: -ONNXNodeContext.maximumWindow)
        }
        let padded = dims.indices.map { dims[$0] + pads[$0] + pads[$0 + rank] }
        let shape = padded.allSatisfy({ $0 >= 1 }) ? padded : nil
        let modeName = try context.string("mode", default: "constant")
        guard let mode = Pad.Mode(rawValue: modeName) else { return try importer.addUnsupported(context, reason: "mode \(modeName)", shape: shape) }
        guard pads.allSatisfy({ $0 >= 0 }) else {
            return try importer.addUnsupported(context, reason: "cropping (negative pads)", shape: shape)
        }
        var value = 0.0
        switch try importer.numberInput(context, 2) {
        case .known(let values): value = values.first ?? 0
        case .unknown: break
        case .absent: value = try context.float("value", default: 0)
        }
        let input = try importer.activation(context, 0)
        let layer = try importer.addLayer(context.name, .pad(Pad(before: Array(pads[..<rank]), after: Array(pads[rank...]), value: value, mode: mode)),
                                          inputs: [input], context)
        importer.define(context, .activation(layer))
    }
}
