// Normalization, activations and softmax.

extension ONNXOps {
    // MARK: Normalization

    /// `BatchNormalization(X, scale, B, mean, var)` → `batchnorm`; the statistics are
    /// stored as buffers unless the file shares them with a learned tensor. With a mean
    /// and variance computed at run time → `dynamic_batchnorm`, reading them as inputs.
    static func batchNormalization(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let computedMean = try importer.isActivation(context, 3), computedVariance = try importer.isActivation(context, 4)
        if computedMean || computedVariance {
            return try dynamicBatchNormalization(&importer, context)
        }
        var tensors: [StoredTensor] = []
        for position in 1...4 {
            guard let constant = try importer.constant(context, position) else {
                return try importer.addUnsupported(context, reason: "statistics computed at run time")
            }
            tensors += constant.sources.map { StoredTensor(name: $0.name, elements: $0.elements, isBuffer: position >= 3) }
        }
        let input = try importer.activation(context, 0)
        let layer = try importer.addLayer(context.name, .normalization(Normalization(.batch)), inputs: [input], stored: tensors, context)
        importer.define(context, .activation(layer))
    }

    /// `BatchNormalization` whose mean and variance are computed in the graph: PyTorch's
    /// export of `F.batch_norm(training=True)` on a tensor without running statistics
    /// (NF-Nets' weight standardization) computes them with ReduceMean, Sub and Mul and
    /// passes them in (in training mode ONNX takes the same statistics from X itself).
    /// The norm applies them; their arithmetic counts in the layers that compute them.
    private static func dynamicBatchNormalization(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        var tensors: [StoredTensor] = []
        for position in 1...2 {
            guard let constant = try importer.constant(context, position) else {
                return try importer.addUnsupported(context, reason: "scale or shift computed at run time")
            }
            tensors += constant.sources
        }
        let inputs = [try importer.activation(context, 0), try importer.activation(context, 3), try importer.activation(context, 4)]
        let layer = try importer.addLayer(context.name, .normalization(Normalization(.dynamicBatch)), inputs: inputs, stored: tensors, context)
        importer.define(context, .activation(layer))
    }

    /// `LayerNormalization` (opset 17) over the axes from `axis` on → `layernorm`.
    static func layerNormalization(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let rank = try importer.onnxDims(context, 0)?.count ?? 0
        let axis = try context.resolveAxis(try context.int("axis", default: -1), rank: rank)
        try normalization(&importer, context, .layer(axes: rank - axis))
    }

    /// `InstanceNormalization` → `groupnorm` with one group per channel.
    static func instanceNormalization(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        guard let dims = try importer.onnxDims(context, 0), dims.count >= 3 else {
            return try importer.addUnsupported(context, reason: "an input without channels and spatial axes")
        }
        try normalization(&importer, context, .group(groups: dims[1]))
    }

    /// `GroupNormalization` (opset 18, 21) → `groupnorm`.
    static func groupNormalization(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let groups = try context.size(try context.int("num_groups", default: 0), field: "num_groups")
        try normalization(&importer, context, .group(groups: groups))
    }

    /// A normalization whose scale and shift (inputs 1 and 2) are stored tensors.
    private static func normalization(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext,
                                      _ method: Normalization.Method) throws(InputError) {
        var tensors: [StoredTensor] = []
        var identity = true
        for position in 1...2 where context.node.input(position) != nil {
            guard let constant = try importer.constant(context, position) else {
                return try importer.addUnsupported(context, reason: "scale or shift computed at run time")
            }
            tensors += constant.sources
            // A scale of ones and a shift of zeros held in Constant nodes, not stored:
            // PyTorch's GroupNorm exported as InstanceNormalization, whose learned affine
            // follows as a Mul and an Add. Such a norm has no affine map of its own.
            let unit: Double = position == 1 ? 1 : 0
            if !constant.sources.isEmpty || !(constant.doubles?.allSatisfy { $0 == unit } ?? false) { identity = false }
        }
        let input = try importer.activation(context, 0)
        let normalization = Normalization(method, affine: !identity)
        let layer = try importer.addLayer(context.name, .normalization(normalization), inputs: [input], stored: tensors, context)
        importer.define(context, .activation(layer))
    }

    // MARK: Activations

    /// A one-input activation. `HardSigmoid` maps whatever its `alpha` and `beta`
    /// (PyTorch's 1/6 and 1/2, ONNX's default 0.2 and 0.5): the cost is the same.
    static func activation(_ function: Activation.Function) -> ONNXOpHandler {
        { (importer: inout ONNXGraphImporter, context: ONNXNodeContext) throws(InputError) in
            try addActivation(&importer, context, function)
        }
    }

    private static func addActivation(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext, _ function: Activation.Function) throws(InputError) {
        let input = try importer.activation(context, 0)
        let layer = try importer.addLayer(context.name, .activation(Activation(function)), inputs: [input], context)
        importer.define(context, .activation(layer))
    }

    static func leakyRelu(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        try addActivation(&importer, context, .leakyRelu(slope: try context.float("alpha", default: 0.01)))
    }

    /// `Clip(0, 6)` → `relu6`, `Clip(0, ∞)` → `relu`, other constant bounds → `clip`.
    /// The bounds are inputs from opset 11 on and attributes before.
    static func clip(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        func bound(_ position: Int, _ attribute: String, _ absent: Double) throws(InputError) -> Double? {
            switch try importer.numberInput(context, position) {
            case .known(let values): return values.count == 1 ? values[0] : nil
            case .unknown: return nil
            case .absent: return try context.float(attribute, default: absent)
            }
        }
        guard let low = try bound(1, "min", -.infinity), let high = try bound(2, "max", .infinity) else {
            return try importer.addUnsupported(context, reason: "bounds computed at run time")
        }
        let limit = Double(Float.greatestFiniteMagnitude)
        if low == 0 && high == 6 {
            try addActivation(&importer, context, .relu6)
        } else if low == 0 && high >= limit {
            try addActivation(&importer, context, .relu)
        } else {
            try addActivation(&importer, context, .clip(low: low, high: high))
        }
    }

    /// `Softmax` along one axis (default −1 from opset 13, 1 before).
    static func softmax(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        let rank = try importer.onnxDims(context, 0)?.count ?? 0
        let axis = try context.resolveAxis(try context.int("axis", default: context.opset >= 13 ? -1 : 1), rank: rank)
        let input = try importer.activation(context, 0)
        let layer = try importer.addLayer(context.name, .softmax(Softmax(axis: axis)), inputs: [input], context)
        importer.define(context, .activation(layer))
    }

    /// An element-wise math function (`Exp`, `Log`, `Sqrt`, `Reciprocal`, `Abs`, `Neg`,
    /// `Sin`, `Cos`, `Erf` outside a recognised GELU): folded on constants, a layer of
    /// that function otherwise.
    static func math(_ function: Activation.Function) -> ONNXOpHandler {
        { (importer: inout ONNXGraphImporter, context: ONNXNodeContext) throws(InputError) in
            if try importer.fold(context) { return }
            try addActivation(&importer, context, function)
        }
    }

    /// `Pow(x, c)` with one constant exponent → `pow`; with a tensor of exponents →
    /// `pow_tensor`, broadcast.
    static func pow(_ importer: inout ONNXGraphImporter, _ context: ONNXNodeContext) throws(InputError) {
        if try importer.fold(context) { return }
        guard case .known(let exponents) = try importer.numberInput(context, 1), exponents.count == 1 else {
            return try elementwise(.pow)(&importer, context)
        }
        try addActivation(&importer, context, .pow(exponent: exponents[0]))
    }
}
