// The rules of the counters that hook PyTorch modules or trace aten ops, each as the
// version named reads a torchvision model in eval mode. What each counts, per op family,
// and the source lines it follows: docs/conventions.md.

extension ConventionLayer {
    /// Output elements when the layer adds a bias (a convolution's or linear layer's).
    var biasAdds: Int { hasBias ? output.elements : 0 }

    var activation: Activation.Function? {
        if case .activation(let op) = operation { return op.function }
        return nil
    }

    /// A norm layer's scale and shift, when it has them.
    var normalization: Normalization? {
        if case .normalization(let op) = operation { return op }
        return nil
    }

    var isWindowedOrAdaptivePooling: Bool {
        switch operation {
        case .pooling, .poolingND, .globalPooling, .adaptivePooling: true
        default: false
        }
    }

    var isProduct: Bool { cost.macs > 0 }

    /// A product of two activations inside `nn.MultiheadAttention` (the scores, the
    /// weighted values): the unfused path computes them in `scaled_dot_product_attention`,
    /// which the aten tracers do not count.
    var isAttentionProduct: Bool {
        guard layer.pytorchCall == .attention, case .matmul = operation else { return false }
        return true
    }
}

/// ptflops 0.7.5, its default `pytorch` backend: forward hooks on modules, and patched
/// `torch.nn.functional` calls (`count_functional`, on by default). A convolution or
/// linear layer counts its multiply-accumulates and one per bias add; batch, group and
/// instance norm one per input element, two with a learned scale and shift, layer norm
/// one (its check reads an attribute LayerNorm does not have);
/// ReLU, ReLU6, LeakyReLU, ELU, PReLU and GELU modules one per output element, and the
/// `F.relu`, `F.elu`, `F.prelu`, `F.gelu`, `F.silu` calls one more (SiLU has no module
/// hook, so it counts once); pooling one per input
/// element, as a module and again as the `F.` call the module makes; upsampling one per
/// output element, likewise twice. So a ReLU or GELU module, whose forward calls the
/// patched function, counts twice; ReLU6 (which calls `F.hardtanh`) and LeakyReLU once. Tensor methods and
/// operators (`x.mean`, `x + y`) count nothing.
enum PtflopsConvention: ConventionRules {
    static let tool = "ptflops 0.7.5 (pytorch backend)"
    static let unit = "MACs"

    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        let call = layer.layer.pytorchCall
        // A subclass is not in its table of module types (and `F.layer_norm` is not patched).
        guard call != .method, call != .subclass else { return nil }
        if call == .attention { return try multiheadAttention(layer) }
        if layer.isProduct { return try layer.cost.macs.adding(layer.biasAdds) }
        // Its check reads `affine`, which LayerNorm calls `elementwise_affine`: one per element.
        if let norm = layer.normalization {
            if case .layer = norm.method { return layer.inputElements }
            return try layer.inputElements.multiplied(by: norm.affine ? 2 : 1)
        }
        // The module's hook, then the patched function its forward calls.
        let moduleHook = call == .module ? 1 : 0
        if let function = layer.activation {
            let times: Int
            switch function {
            case .relu, .gelu: times = moduleHook + 1
            case .relu6, .leakyRelu: times = moduleHook
            case .swish: times = 1
            default: times = 0
            }
            return times == 0 ? nil : try layer.output.elements.multiplied(by: times)
        }
        if layer.isWindowedOrAdaptivePooling { return try layer.inputElements.multiplied(by: moduleHook + 1) }
        if case .upsample = layer.operation { return try layer.output.elements.multiplied(by: moduleHook + 1) }
        return nil
    }

    /// Its `nn.MultiheadAttention` hook: the projections' multiply-accumulates and bias
    /// adds, per head the two products, one scaling of the queries (an element each) and
    /// the softmax (an element each of the scores).
    static func multiheadAttention(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        if case .softmax = layer.operation { return layer.inputElements }
        guard layer.isProduct else { return nil }
        let count = try layer.cost.macs.adding(layer.biasAdds)
        if case .matmul = layer.operation, !layer.readsSoftmax { return try count.adding(layer.inputElements) }
        return count
    }

    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? { nil }
}

/// ptflops 0.7.5's `aten` backend: the aten ops it registers, convolution and the matrix
/// products, their multiply-accumulates and one per bias add; nothing else (not
/// `scaled_dot_product_attention`: attention's own two products).
enum PtflopsAtenConvention: ConventionRules {
    static let tool = "ptflops 0.7.5 (aten backend)"
    static let unit = "MACs"

    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        if layer.isAttentionProduct { return nil }
        return layer.isProduct ? try layer.cost.macs.adding(layer.biasAdds) : nil
    }

    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? { nil }
}

/// fvcore 0.1.5: traces the aten ops and counts one "flop" per multiply-accumulate of
/// convolutions and matrix products (biases not counted); batch norm in eval mode one per
/// input element, two with a scale and shift; group, layer and instance norm five per
/// input element with a scale and shift, four without; adaptive average pooling one per
/// input element; nearest upsampling one per output element, bilinear four. Max pooling,
/// activations and element-wise ops count nothing (fvcore lists some as unsupported),
/// nor `scaled_dot_product_attention` (attention's own two products).
enum FvcoreConvention: ConventionRules {
    static let tool = "fvcore 0.1.5"
    static let unit = "flops (one per multiply-accumulate)"

    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        if layer.isAttentionProduct { return nil }
        if layer.isProduct { return layer.cost.macs }
        if let norm = layer.normalization {
            switch norm.method {
            case .batch, .dynamicBatch: return try layer.inputElements.multiplied(by: norm.affine ? 2 : 1)
            case .group, .layer: return try layer.inputElements.multiplied(by: norm.affine ? 5 : 4)
            }
        }
        switch layer.operation {
        case .globalPooling(let op) where op.mode == .average && layer.layer.pytorchCall != .method: return layer.inputElements
        case .adaptivePooling(let op) where op.mode == .average: return layer.inputElements
        case .upsample(let op): return try layer.output.elements.multiplied(by: op.mode == .nearest ? 1 : 4)
        default: return nil
        }
    }

    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? { nil }
}

/// thop 0.1.1: forward hooks on the modules it knows, none on function calls. A
/// convolution counts its multiply-accumulates, biases not; a linear layer its
/// multiply-accumulates; batch and layer norm two per input element, four with a scale
/// and shift, group norm nothing;
/// average pooling one per output element; adaptive average pooling, per output element,
/// the window's size plus one (sum and divide). ReLU, ReLU6, LeakyReLU, max pooling and
/// dropout count zero; other activations (sigmoid, SiLU, GELU, hardswish) have no hook.
enum ThopConvention: ConventionRules {
    static let tool = "thop 0.1.1"
    static let unit = "MACs"

    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        // Its table is keyed by a module's exact type: a subclass's hook is never registered.
        guard layer.layer.pytorchCall == .module else { return nil }
        switch layer.operation {
        case .convolution, .convolutionND, .transposedConvolution, .transposedConvolutionND, .linear:
            return layer.cost.macs
        case .normalization(let norm):
            if case .group = norm.method { return 0 }
            return try layer.inputElements.multiplied(by: norm.affine ? 4 : 2)
        case .pooling(let op) where op.mode == .average: return layer.output.elements
        case .globalPooling(let op) where op.mode == .average:
            return try layer.inputElements.adding(layer.output.elements)
        case .adaptivePooling(let op) where op.mode == .average:
            let window = layer.output.elements == 0 ? 0 : layer.inputElements / layer.output.elements
            return try (window + 1).multiplied(by: layer.output.elements)
        case .activation(let op) where [.relu, .relu6].contains(op.function) || { if case .leakyRelu = op.function { true } else { false } }():
            return 0
        case .pooling, .globalPooling, .adaptivePooling, .identity: return 0
        default: return nil
        }
    }

    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? { nil }
}

/// torchinfo 1.8.0: per module with parameters, a convolution's weights and biases times
/// the positions they apply at (its multiply-accumulates plus one per bias add); any
/// other module with parameters (linear, batch norm) its parameter count times the batch,
/// whatever other axes its input has; modules without parameters nothing.
enum TorchinfoConvention: ConventionRules {
    static let tool = "torchinfo 1.8.0"
    static let unit = "mult-adds"

    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        // It hooks every module, a subclass too.
        guard [.module, .subclass].contains(layer.layer.pytorchCall), layer.learned > 0 else { return nil }
        if layer.family == .convolution { return try layer.cost.macs.adding(layer.biasAdds) }
        return try layer.learned.multiplied(by: layer.output.dims.first ?? 1)
    }

    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? { nil }
}
