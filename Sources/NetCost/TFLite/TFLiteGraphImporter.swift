/// Turns subgraph 0 of a `.tflite` model into a netcost graph, so that every command
/// counts it like any other model. TensorFlow Lite lays feature maps out as NHWC;
/// netcost's graph is NCHW, so 4-D tensors are read with their channels moved to axis 1
/// and axis numbers (reductions, concatenation, paddings, permutations) mapped the same
/// way. Counts do not depend on the layout. Fused activations become layers of their own
/// after the op; operators netcost has no mapping for are named and not counted.
struct TFLiteGraphImporter {
    let model: TFLiteModel
    var builder: GraphBuilder
    /// The layer that holds each tensor, once made.
    var layerOfTensor: [Int: Int] = [:]
    var unsupported: [String: Int] = [:]
    var usedNames: Set<String> = []
    /// Each layer's element type as stored in the file, in bits.
    var elementBits: [Int: Int] = [:]
    /// Integer vectors worked out from the file's shapes (`folded`), by tensor: one per
    /// operator folded.
    var knownValues: [Int: [Int]] = [:]

    init(_ model: TFLiteModel, name: String, limits: ModelLimits) {
        self.model = model
        builder = GraphBuilder(name: name, limits: limits)
    }

    /// NHWC axis → NCHW axis, for 4-D tensors.
    static let axisFromNHWC = [0, 2, 3, 1]

    static func isFeatureMap(_ shape: [Int]) -> Bool { shape.count == 4 }

    /// A tensor's shape in netcost's layout.
    static func netcostShape(_ shape: [Int]) -> [Int] {
        guard isFeatureMap(shape) else { return shape.isEmpty ? [1] : shape }
        return [shape[0], shape[3], shape[1], shape[2]]
    }

    static func mapAxis(_ axis: Int, rank: Int) -> Int {
        let positive = axis < 0 ? axis + rank : axis
        return rank == 4 && (0..<4).contains(positive) ? axisFromNHWC[positive] : positive
    }

    mutating func run() throws(InputError) -> Graph {
        for input in model.inputs where input >= 0 {
            let tensor = model.tensors[input]
            layerOfTensor[input] = try builder.addInput(name: uniqueName(tensor.name),
                                                        shape: try TensorShape(Self.netcostShape(tensor.shape), batchAxis: 0))
        }
        for input in model.inputs where input >= 0 { if let layer = layerOfTensor[input] { elementBits[layer] = model.tensors[input].type.bits } }
        for op in model.operators {
            let first = builder.layers.count
            do {
                try add(op)
            } catch {
                throw error.inLayer("operator \(op.index) (\(op.name))")
            }
            // The layers made for the op hold its output's element type; its constants, theirs.
            if let output = op.outputs.first, output >= 0 {
                for layer in first..<builder.layers.count where elementBits[layer] == nil { elementBits[layer] = model.tensors[output].type.bits }
            }
        }
        var graph = builder.build()
        graph.declaredOutputs = model.outputs.compactMap { layerOfTensor[$0] }
        for (layer, bits) in elementBits { graph.layers[layer].storedElementBits = bits }
        return graph
    }

    /// A layer name from a tensor's name: its first part before `;`, TensorFlow's `/`
    /// scopes as netcost's dots, made unique.
    mutating func uniqueName(_ tensorName: String) -> String {
        let first = tensorName.split(separator: ";").first.map(String.init) ?? tensorName
        var name = first.split(separator: "/").map { $0.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: " ", with: "_") }
            .joined(separator: ".")
        if name.isEmpty || name == "input" { name = "tensor" }
        var candidate = name, suffix = 1
        while usedNames.contains(candidate) {
            suffix += 1
            candidate = "\(name)_\(suffix)"
        }
        usedNames.insert(candidate)
        return candidate
    }

    /// The layer holding tensor `index`: its producer's, or a constant made for it.
    mutating func layer(for index: Int, broadcastingAgainst other: [Int]? = nil) throws(InputError) -> Int {
        if let layer = layerOfTensor[index] { return layer }
        let tensor = model.tensors[index]
        var dims = Self.netcostShape(tensor.shape)
        // A per-channel vector against a feature map broadcasts along the channels.
        if tensor.shape.count == 1, let other, Self.isFeatureMap(other), tensor.shape[0] == other[3] { dims = [1, tensor.shape[0], 1, 1] }
        let layer = try builder.add(name: uniqueName(tensor.name), operation: .constant(ConstantTensor(shape: try TensorShape(dims))), inputs: [])
        layerOfTensor[index] = layer
        elementBits[layer] = tensor.type.bits
        return layer
    }

    func tensor(_ op: TFLiteModel.Operator, input position: Int) -> TFLiteModel.Tensor? {
        guard position < op.inputs.count, op.inputs[position] >= 0 else { return nil }
        return model.tensors[op.inputs[position]]
    }

    func padding(_ options: TFLiteModel.Options) -> Padding { options.padding == 0 ? .same : .zero }

    mutating func add(_ op: TFLiteModel.Operator) throws(InputError) {
        guard let outputIndex = op.outputs.first, outputIndex >= 0 else { return }
        if let values = folded(op) {
            knownValues[outputIndex] = values
            return
        }
        let output = model.tensors[outputIndex]
        let name = uniqueName(output.name)
        let options = op.options
        // The tensor the op computes on: the first input, but for ops whose first inputs
        // are shapes or axes.
        let data = ["SPLIT": 1, "TRANSPOSE_CONV": 2][op.name] ?? 0
        guard let first = tensor(op, input: data) else {
            return try addUnsupported(op, name: name, reason: "no input")
        }
        let x = try layer(for: op.inputs[data])
        let stride = Size2D(options.strideHeight, options.strideWidth)
        let dilation = Size2D(options.dilationHeight, options.dilationWidth)
        let hasBias = tensor(op, input: 2) != nil
        let operation: Operation
        var inputs = [x]
        switch op.name {
        case "CONV_2D":
            guard let filter = tensor(op, input: 1), filter.shape.count == 4, let channels = first.shape.last, filter.shape[3] > 0 else {
                return try addUnsupported(op, name: name, reason: "a filter that is not [out, kh, kw, in]")
            }
            operation = .convolution(Convolution(outChannels: filter.shape[0], kernel: Size2D(filter.shape[1], filter.shape[2]), stride: stride,
                                                 dilation: dilation, padding: padding(options), groups: max(1, channels / filter.shape[3]), bias: hasBias))
        case "DEPTHWISE_CONV_2D":
            guard let filter = tensor(op, input: 1), filter.shape.count == 4, let channels = first.shape.last else {
                return try addUnsupported(op, name: name, reason: "a filter that is not [1, kh, kw, out]")
            }
            operation = .convolution(Convolution(outChannels: filter.shape[3], kernel: Size2D(filter.shape[1], filter.shape[2]), stride: stride,
                                                 dilation: dilation, padding: padding(options), groups: max(1, channels), bias: hasBias))
        case "TRANSPOSE_CONV":
            // Inputs: the output's shape, the filter [out, kh, kw, in], the activations, the bias.
            guard let filter = tensor(op, input: 1), filter.shape.count == 4 else {
                return try addUnsupported(op, name: name, reason: "a filter that is not [out, kh, kw, in]")
            }
            let outputDims = output.shape
            let inputDims = first.shape
            // TensorFlow's "same" for a transposed convolution: output = input · stride.
            let padding: Padding = options.padding == 0 && outputDims.count == 4 && inputDims.count == 4
                ? Self.transposedSame(input: (inputDims[1], inputDims[2]), output: (outputDims[1], outputDims[2]),
                                      kernel: (filter.shape[1], filter.shape[2]), stride: (options.strideHeight, options.strideWidth))
                : .zero
            operation = .transposedConvolution(TransposedConvolution(outChannels: filter.shape[0], kernel: Size2D(filter.shape[1], filter.shape[2]),
                                                                     stride: stride, padding: padding, bias: tensor(op, input: 3) != nil))
        case "FULLY_CONNECTED":
            guard let weights = tensor(op, input: 1), weights.shape.count == 2 else {
                return try addUnsupported(op, name: name, reason: "weights that are not [out, in]")
            }
            // The input's shape as built: the file's may hold 1 for a dimension left unfixed.
            let built = builder.layers[x].outputShape
            if built.rank != 2 && !options.keepNumDims {
                // TensorFlow Lite flattens the input to [rows, in] first.
                let rows = max(1, built.elements / max(weights.shape[1], 1))
                inputs = [try builder.add(name: name + ".flatten", operation: .reshape(Reshape(.shape([rows, weights.shape[1]]))), inputs: [x])]
            }
            operation = .linear(Linear(outFeatures: weights.shape[0], bias: hasBias))
        case "BATCH_MATMUL":
            guard op.inputs.count > 1, op.inputs[1] >= 0 else { return try addUnsupported(op, name: name, reason: "one operand") }
            inputs.append(try layer(for: op.inputs[1]))
            operation = .matmul(MatMul())
        case "SQUARED_DIFFERENCE":
            // (a − b)²: a subtraction, then its square.
            guard op.inputs.count > 1, op.inputs[1] >= 0 else { return try addUnsupported(op, name: name, reason: "one operand") }
            let difference = try builder.add(name: name + ".difference", operation: .elementwise(Elementwise(.sub)),
                                             inputs: [try layer(for: op.inputs[0], broadcastingAgainst: model.tensors[op.inputs[1]].shape),
                                                      try layer(for: op.inputs[1], broadcastingAgainst: first.shape)])
            inputs = [difference, difference]
            operation = .elementwise(Elementwise(.mul))
        case "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR":
            guard let size = tensor(op, input: 1)?.values, size.count == 2 else {
                return try addUnsupported(op, name: name, reason: "the output size not stored in the file")
            }
            let coordinates: Upsample.Coordinates = options.alignCorners ? .alignCorners : options.halfPixelCenters ? .halfPixel : .asymmetric
            operation = .upsample(Upsample(op.name == "RESIZE_BILINEAR" ? .bilinear : .nearest, target: .size(Size2D(size[0], size[1])),
                                           coordinates: coordinates))
        case "TILE":
            guard let repeats = tensor(op, input: 1)?.values, repeats.count == first.shape.count, repeats.allSatisfy({ $0 >= 1 }) else {
                return try addUnsupported(op, name: name, reason: "repeats not stored in the file")
            }
            var mapped = repeats
            for axis in 0..<repeats.count { mapped[Self.mapAxis(axis, rank: repeats.count)] = repeats[axis] }
            operation = .repeating(Repeat(.tile(repeats: mapped)))
        case "SPLIT", "SPLIT_V":
            return try addSplit(op, name: name)
        case "ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM":
            guard op.inputs.count > 1, op.inputs[1] >= 0 else { return try addUnsupported(op, name: name, reason: "one operand") }
            inputs = [try layer(for: op.inputs[0], broadcastingAgainst: model.tensors[op.inputs[1]].shape),
                      try layer(for: op.inputs[1], broadcastingAgainst: first.shape)]
            let kinds: [String: Elementwise.Operator] = ["ADD": .add, "SUB": .sub, "MUL": .mul, "DIV": .div, "MAXIMUM": .max, "MINIMUM": .min]
            operation = .elementwise(Elementwise(kinds[op.name] ?? .add))
        case "AVERAGE_POOL_2D", "MAX_POOL_2D":
            operation = .pooling(Pooling(op.name == "MAX_POOL_2D" ? .max : .average, kernel: Size2D(options.filterHeight, options.filterWidth),
                                         stride: stride, padding: padding(options)))
        case "MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN":
            guard let axes = tensor(op, input: 1)?.values else { return try addUnsupported(op, name: name, reason: "axes not stored in the file") }
            let modes: [String: Reduction.Mode] = ["MEAN": .mean, "SUM": .sum, "REDUCE_MAX": .max, "REDUCE_MIN": .min]
            let rank = first.shape.count
            operation = .reduction(Reduction(modes[op.name] ?? .mean, axes: axes.map { Self.mapAxis($0, rank: rank) }.sorted(), keepDims: options.keepDims))
        case "RESHAPE", "SQUEEZE", "EXPAND_DIMS":
            inputs = [x]
            var target = output.shape
            // A target known from the file or from folded shape arithmetic, its -1 worked
            // out: the output's stored shape holds 1 where the batch was left unfixed.
            if op.name == "RESHAPE", let wanted = values(op, input: 1), wanted.filter({ $0 == -1 }).count <= 1 {
                let fixed = wanted.filter { $0 != -1 }.reduce(1) { $0.saturatingTimes(max($1, 0)) }
                let elements = builder.layers[x].outputShape.elements
                target = wanted.map { $0 == -1 ? (fixed > 0 ? elements / fixed : 0) : $0 }
            }
            operation = .reshape(Reshape(.shape(Self.netcostShape(target))))
        case "SOFTMAX", "LOG_SOFTMAX":
            operation = .softmax(Softmax(axis: Self.mapAxis(first.shape.count - 1, rank: first.shape.count)))
        case "CONCATENATION":
            inputs = []
            for index in op.inputs where index >= 0 { inputs.append(try layer(for: index)) }
            operation = .concat(Concat(axis: Self.mapAxis(options.axis, rank: output.shape.count)))
        case "PAD", "PADV2", "MIRROR_PAD":
            guard let pads = tensor(op, input: 1)?.values, pads.count == 2 * first.shape.count else {
                return try addUnsupported(op, name: name, reason: "paddings not stored in the file")
            }
            let rank = first.shape.count
            var before = Array(repeating: 0, count: rank), after = before
            for axis in 0..<rank {
                before[Self.mapAxis(axis, rank: rank)] = pads[2 * axis]
                after[Self.mapAxis(axis, rank: rank)] = pads[2 * axis + 1]
            }
            operation = .pad(Pad(before: before, after: after))
        case "TRANSPOSE":
            guard let perm = tensor(op, input: 1)?.values, perm.count == first.shape.count else {
                return try addUnsupported(op, name: name, reason: "a permutation not stored in the file")
            }
            let rank = perm.count
            var mapped = Array(repeating: 0, count: rank)
            for axis in 0..<rank { mapped[Self.mapAxis(axis, rank: rank)] = Self.mapAxis(perm[axis], rank: rank) }
            operation = .transpose(Transpose(permutation: mapped))
        case "STRIDED_SLICE", "SLICE":
            return try addSlices(op, name: name, input: x, shape: first.shape)
        case "GATHER":
            // Rows of a table (an embedding) or entries along one axis; the indices are the second input.
            let rank = first.shape.count
            guard op.inputs.count > 1, op.inputs[1] >= 0, options.batchDims == 0 else {
                return try addUnsupported(op, name: name, reason: "indices shared along batch axes")
            }
            guard rank != 4 || output.shape.count == 4 else {
                return try addUnsupported(op, name: name, reason: "a gather that changes a feature map's rank")
            }
            inputs.append(try layer(for: op.inputs[1]))
            operation = .gather(Gather(axis: Self.mapAxis(options.axis, rank: rank)))
        case "LOGISTIC", "TANH", "RELU", "RELU6", "HARD_SWISH", "GELU", "EXP", "LOG", "SQRT", "ABS", "NEG", "LEAKY_RELU", "ELU":
            let functions: [String: Activation.Function] = ["LOGISTIC": .sigmoid, "TANH": .tanh, "RELU": .relu, "RELU6": .relu6, "HARD_SWISH": .hardSwish,
                                                            "GELU": .gelu, "EXP": .exp, "LOG": .log, "SQRT": .sqrt, "ABS": .abs, "NEG": .neg,
                                                            "LEAKY_RELU": .leakyRelu(slope: options.alpha), "ELU": .leakyRelu(slope: 1)]
            operation = .activation(Activation(functions[op.name] ?? .relu))
        case "QUANTIZE", "DEQUANTIZE", "CAST":
            operation = .identity(Identity(label: op.name.lowercased()))
        default:
            return try addUnsupported(op, name: name, reason: nil)
        }
        var layer = try builder.add(name: name, operation: operation, inputs: inputs)
        if let function = Self.fusedActivation(options.activation) {
            layer = try builder.add(name: name + ".act", operation: .activation(Activation(function)), inputs: [layer])
        }
        layerOfTensor[outputIndex] = layer
    }

    /// A tensor's values when known without running the model: a small integer constant's,
    /// or one worked out by `folded`.
    func values(_ op: TFLiteModel.Operator, input position: Int) -> [Int]? {
        guard position < op.inputs.count, op.inputs[position] >= 0 else { return nil }
        return knownValues[op.inputs[position]] ?? model.tensors[op.inputs[position]].values
    }

    /// Shape arithmetic: the converter computes a reshape's target from the input's shape
    /// when the batch is not fixed (SHAPE, STRIDED_SLICE, PACK, then RESHAPE). These ops
    /// read shapes, never activations, so their integer results are worked out here, in
    /// TensorFlow's own axis order, and they become no layers. Nil when the op is not one
    /// of them or reads a value not known.
    func folded(_ op: TFLiteModel.Operator) -> [Int]? {
        guard let output = op.outputs.first, output >= 0, [.int32, .int64].contains(model.tensors[output].type) else { return nil }
        let limit = 256
        switch op.name {
        case "SHAPE":
            guard let input = op.inputs.first, input >= 0 else { return nil }
            // The shape as built (the file's holds 1 where a reshape's target was unknown),
            // in TensorFlow's NHWC order.
            guard let layer = layerOfTensor[input] else { return model.tensors[input].shape }
            let dims = builder.layers[layer].outputShape.dims
            return Self.isFeatureMap(model.tensors[input].shape) && dims.count == 4 ? [dims[0], dims[2], dims[3], dims[1]] : dims
        case "PACK", "CONCATENATION":
            // Scalars or vectors along their only axis.
            guard op.options.axis == 0 else { return nil }
            var result: [Int] = []
            for position in op.inputs.indices {
                guard let part = values(op, input: position), model.tensors[op.inputs[position]].shape.count <= 1 else { return nil }
                result += part
            }
            return result.count <= limit ? result : nil
        case "STRIDED_SLICE":
            guard let data = values(op, input: 0), model.tensors[op.inputs[0]].shape.count == 1, !op.options.hasUnmappedSliceMasks,
                  let begin = values(op, input: 1)?.first, let end = values(op, input: 2)?.first else { return nil }
            let step = values(op, input: 3)?.first ?? 1
            guard step != 0 else { return nil }
            let from = op.options.beginMask & 1 != 0 ? (step > 0 ? 0 : data.count - 1) : begin
            if op.options.shrinkAxisMask & 1 != 0 {
                let at = from < 0 ? from + data.count : from
                return data.indices.contains(at) ? [data[at]] : nil
            }
            let to = op.options.endMask & 1 != 0 ? (step > 0 ? data.count : -data.count - 1) : end
            let (start, count) = ONNXConstantMath.sliceRange(start: from, end: to, step: step, size: data.count)
            return (0..<count).map { data[start + $0 * step] }
        case "GATHER":
            guard let data = values(op, input: 0), model.tensors[op.inputs[0]].shape.count == 1, let indices = values(op, input: 1) else { return nil }
            var result: [Int] = []
            for index in indices {
                let at = index < 0 ? index + data.count : index
                guard data.indices.contains(at) else { return nil }
                result.append(data[at])
            }
            return result
        case "ADD", "SUB", "MUL", "FLOOR_DIV":
            guard let a = values(op, input: 0), let b = values(op, input: 1), !a.isEmpty, !b.isEmpty,
                  a.count == b.count || a.count == 1 || b.count == 1, op.options.activation == 0 else { return nil }
            var result: [Int] = []
            for position in 0..<max(a.count, b.count) {
                let x = a[a.count == 1 ? 0 : position], y = b[b.count == 1 ? 0 : position]
                switch op.name {
                case "ADD": result.append(x.saturatingPlus(y))
                case "SUB": result.append(x.saturatingPlus(-max(y, -Int.max)))
                case "MUL": result.append(x.saturatingTimes(y))
                default:
                    guard y != 0, !(x == .min && y == -1) else { return nil }
                    let quotient = x / y
                    result.append(x % y != 0 && (x < 0) != (y < 0) ? quotient - 1 : quotient)
                }
            }
            return result
        case "CAST", "RESHAPE", "SQUEEZE", "EXPAND_DIMS", "REDUCE_PROD":
            guard let input = values(op, input: 0) else { return nil }
            if op.name == "REDUCE_PROD" {
                guard model.tensors[op.inputs[0]].shape.count <= 1 else { return nil }
                return [input.reduce(1) { $0.saturatingTimes($1) }]
            }
            return input
        default:
            return nil
        }
    }

    /// A strided slice as one slice per axis it cuts.
    mutating func addSlices(_ op: TFLiteModel.Operator, name: String, input: Int, shape: [Int]) throws(InputError) {
        let rank = shape.count
        guard let begin = tensor(op, input: 1)?.values, begin.count == rank else {
            return try addUnsupported(op, name: name, reason: "begin and end not stored in the file")
        }
        let isSlice = op.name == "SLICE"
        guard isSlice || !op.options.hasUnmappedSliceMasks else {
            return try addUnsupported(op, name: name, reason: "an ellipsis, new-axis or offset mask")
        }
        guard let second = tensor(op, input: 2)?.values, second.count == rank else {
            return try addUnsupported(op, name: name, reason: "begin and end not stored in the file")
        }
        let steps = isSlice ? Array(repeating: 1, count: rank) : (tensor(op, input: 3)?.values ?? Array(repeating: 1, count: rank))
        var layer = input
        var cut = 0
        for axis in 0..<rank {
            let step = axis < steps.count ? steps[axis] : 1
            guard step > 0 else { return try addUnsupported(op, name: name, reason: "a stride of \(step) on axis \(axis)") }
            let size = shape[axis]
            let wholeStart = !isSlice && op.options.beginMask & (1 << axis) != 0
            let wholeEnd = !isSlice && op.options.endMask & (1 << axis) != 0
            // SLICE gives a size (-1: to the end), STRIDED_SLICE an end; both clamp as ONNX's Slice does.
            let from = wholeStart ? 0 : begin[axis]
            let to = wholeEnd ? size : isSlice ? (second[axis] == -1 ? size : from.saturatingPlus(second[axis])) : second[axis]
            let (start, count) = ONNXConstantMath.sliceRange(start: from, end: to, step: step, size: size)
            let end = count == 0 ? start : start.saturatingPlus((count - 1).saturatingTimes(step)).saturatingPlus(1)
            guard start != 0 || end != size || step != 1 else { continue }
            cut += 1
            layer = try builder.add(name: cut == 1 ? name : "\(name).\(cut)", operation: .slice(Slice(axis: Self.mapAxis(axis, rank: rank), start: start, end: end, step: step)),
                                    inputs: [layer])
        }
        if cut == 0 { layer = try builder.add(name: name, operation: .identity(Identity(label: "slice")), inputs: [input]) }
        guard let outputIndex = op.outputs.first, outputIndex >= 0 else { return }
        // Axes cut to one entry and dropped (`shrink_axis_mask`): the output's own shape.
        if !isSlice, op.options.shrinkAxisMask != 0 {
            layer = try builder.add(name: name + ".shrink", operation: .reshape(Reshape(.shape(Self.netcostShape(model.tensors[outputIndex].shape)))),
                                    inputs: [layer])
        }
        layerOfTensor[outputIndex] = layer
    }

    /// SPLIT (inputs: the axis, the tensor) and SPLIT_V (the tensor, the sizes, the axis):
    /// one slice (a view) per output, along the mapped axis.
    mutating func addSplit(_ op: TFLiteModel.Operator, name: String) throws(InputError) {
        let isEven = op.name == "SPLIT"
        let (dataPosition, axisPosition) = isEven ? (1, 0) : (0, 2)
        guard let data = tensor(op, input: dataPosition), let axisValue = tensor(op, input: axisPosition)?.values?.first else {
            return try addUnsupported(op, name: name, reason: "the axis not stored in the file")
        }
        let rank = data.shape.count
        let axis = axisValue < 0 ? axisValue + rank : axisValue
        guard (0..<rank).contains(axis) else { return try addUnsupported(op, name: name, reason: "axis \(axisValue) of a rank-\(rank) tensor") }
        let input = try layer(for: op.inputs[dataPosition])
        var start = 0
        for (position, outputIndex) in op.outputs.enumerated() where outputIndex >= 0 {
            let outputShape = model.tensors[outputIndex].shape
            guard axis < outputShape.count else { return try addUnsupported(op, name: name, reason: "outputs of another rank") }
            let length = outputShape[axis]
            let end = start.saturatingPlus(length)
            let layer = try builder.add(name: position == 0 ? name : uniqueName(model.tensors[outputIndex].name),
                                        operation: .slice(Slice(axis: Self.mapAxis(axis, rank: rank), start: start, end: end)), inputs: [input])
            layerOfTensor[outputIndex] = layer
            start = end
        }
    }

    mutating func addUnsupported(_ op: TFLiteModel.Operator, name: String, reason: String?) throws(InputError) {
        unsupported[op.name, default: 0] += 1
        let inputs = try op.inputs.filter { $0 >= 0 && !model.tensors[$0].isConstant }.map { (index: Int) throws(InputError) in try layer(for: index) }
        for (position, outputIndex) in op.outputs.enumerated() where outputIndex >= 0 {
            let shape = try TensorShape(Self.netcostShape(model.tensors[outputIndex].shape))
            let layer = try builder.add(name: position == 0 ? name : uniqueName(model.tensors[outputIndex].name),
                                        operation: .unsupported(UnsupportedOperation(opType: op.name, shape: shape, reason: reason)), inputs: inputs)
            layerOfTensor[outputIndex] = layer
        }
    }

    static func fusedActivation(_ code: Int) -> Activation.Function? {
        switch code {
        case 1: .relu
        case 2: .clip(low: -1, high: 1)
        case 3: .relu6
        case 4: .tanh
        default: nil
        }
    }

    /// The explicit padding of TensorFlow's "same" transposed convolution.
    static func transposedSame(input: (Int, Int), output: (Int, Int), kernel: (Int, Int), stride: (Int, Int)) -> Padding {
        func split(_ input: Int, _ output: Int, _ kernel: Int, _ stride: Int) -> (Int, Int) {
            let total = max(0, (input - 1) * stride + kernel - output)
            return (total / 2, total - total / 2)
        }
        let (top, bottom) = split(input.0, output.0, kernel.0, stride.0)
        let (left, right) = split(input.1, output.1, kernel.1, stride.1)
        return .explicit(top: top, bottom: bottom, left: left, right: right)
    }
}
