/// Whose counting convention a total follows (`report --convention NAME`): netcost's own,
/// or the number another tool prints for the same model. Each tool's rules are one type
/// in its own file, with the version they match and the source they follow
/// (docs/conventions.md).
public enum CountingConvention: String, CaseIterable, Sendable {
    case netcost
    case ptflops
    case ptflopsAten = "ptflops-aten"
    case fvcore
    case thop
    case flopcounter
    case torchinfo
    case keras
    case torchvision

    /// Whether the tool counts a backward pass (`--training`): netcost and FlopCounterMode.
    public var countsBackward: Bool { self == .netcost || self == .flopcounter }

    public var rules: any ConventionRules.Type {
        switch self {
        case .netcost: NetcostConvention.self
        case .ptflops: PtflopsConvention.self
        case .ptflopsAten: PtflopsAtenConvention.self
        case .fvcore: FvcoreConvention.self
        case .thop: ThopConvention.self
        case .torchinfo: TorchinfoConvention.self
        case .flopcounter: FlopCounterConvention.self
        case .keras: KerasConvention.self
        case .torchvision: TorchvisionConvention.self
        }
    }
}

/// One layer as a convention's rules see it.
public struct ConventionLayer {
    public let layer: Layer
    public let inputs: [TensorShape]
    public let cost: LayerCost
    /// How many of the layer's inputs carry a gradient (not the image, not constants): its
    /// backward pass computes the gradient for each of them.
    public let inputsCarryingGradient: Int
    /// Whether the first input is a softmax's output: attention's weights, multiplied by
    /// the values (the other product of attention forms the scores).
    public let readsSoftmax: Bool
    /// Whether the count is for a training step (gradients on): PyTorch then takes
    /// `nn.MultiheadAttention`'s unfused path.
    public let training: Bool

    public var output: TensorShape { layer.outputShape }
    public var operation: Operation { layer.operation }
    public var family: OpFamily { type(of: layer.operation.rules).family }
    /// Stored learned elements (weights, biases, scales) of this layer.
    public var learned: Int { cost.params }
    public var hasBias: Bool { layer.operation.rules.parameterShapes(inputs).contains { $0.role == .bias } }
    /// Elements of the first input.
    public var inputElements: Int { inputs.first?.elements ?? 0 }
}

/// A tool's rules: what it counts for each layer, in its unit.
public protocol ConventionRules {
    /// The tool and the version these rules match: `ptflops 0.7.5 (pytorch backend)`.
    static var tool: String { get }
    /// What the total counts, as the tool names it: `MACs`, `FLOPs`, `flops (fused multiply-adds)`.
    static var unit: String { get }
    /// The layer's count under the tool's rules, or nil when the tool counts nothing for it
    /// (an op it does not hook). Throws when a count passes 2⁶³ − 1.
    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int?
    /// The layer's backward pass in the tool's unit (FLOPs), or nil when the tool does not
    /// count backward passes.
    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int?
}

extension ConventionRules {
    /// The FLOPs of a matrix product's gradients: 2 per multiply-accumulate for each input
    /// that carries a gradient, and for the weights when the layer learns them. The first
    /// convolution reads the image, which needs none.
    static func productGradients(_ layer: ConventionLayer, weightFactor: Int = 1) throws(SizeOverflow) -> Int {
        let twice = try layer.cost.macs.multiplied(by: 2)
        let inputs = try twice.multiplied(by: layer.inputsCarryingGradient)
        let weights = layer.learned > 0 ? try twice.multiplied(by: weightFactor) : 0
        return try inputs.adding(weights)
    }
}

/// The totals and per-layer counts of one convention over an analysis.
public struct ConventionCount: Sendable {
    public let convention: CountingConvention
    /// Per layer, in graph order; nil where the tool counts nothing.
    public let layers: [Int?]
    public let total: Int
    /// With `training`: per layer the backward pass's count, and the total.
    public let backwardLayers: [Int?]?
    public let backwardTotal: Int?

    public init(_ analysis: Analysis, convention: CountingConvention, training: Bool = false) throws(InputError) {
        self.convention = convention
        let graph = analysis.graph
        // Only the backward pass reads which tensors carry a gradient.
        let carriers = training ? graph.gradientCarriers() : Array(repeating: false, count: graph.layers.count)
        var layers: [Int?] = []
        var backward: [Int?] = []
        var total = 0, backwardTotal = 0
        for (index, layer) in graph.layers.enumerated() {
            var readsSoftmax = false
            if let first = layer.inputs.first, case .softmax = graph.layers[first].operation { readsSoftmax = true }
            let view = ConventionLayer(layer: layer, inputs: graph.inputShapes(of: index), cost: analysis.costs[index],
                                       inputsCarryingGradient: layer.inputs.filter { carriers[$0] }.count,
                                       readsSoftmax: readsSoftmax, training: training)
            do {
                let count = try convention.rules.forward(view)
                if let count { total = try total.adding(count) }
                layers.append(count)
                if training {
                    let gradients = try convention.rules.backward(view)
                    if let gradients { backwardTotal = try backwardTotal.adding(gradients) }
                    backward.append(gradients)
                }
            } catch {
                throw error.inputError(layer: layer.name)
            }
        }
        self.layers = layers
        self.total = total
        backwardLayers = training ? backward : nil
        self.backwardTotal = training && backward.contains { $0 != nil } ? backwardTotal : nil
    }
}

/// netcost's own: multiply-accumulates, bias excluded (docs/counting.md).
enum NetcostConvention: ConventionRules {
    static let tool = "netcost"
    static let unit = "MACs"
    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? { layer.cost.macs }
    /// Backward FLOPs: a product's gradients (`productGradients`); any other op's
    /// gradient as much arithmetic as its forward pass, when its input carries one.
    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        if layer.cost.macs > 0 {
            let other = layer.cost.flops - (try layer.cost.macs.multiplied(by: 2))
            return try productGradients(layer).adding(layer.inputsCarryingGradient > 0 ? max(other, 0) : 0)
        }
        return layer.inputsCarryingGradient > 0 ? layer.cost.flops : 0
    }
}

/// torchvision's `_ops` in its weights' metadata: the multiply-adds of convolutions and
/// linear layers, biases excluded, printed in billions with three decimals (MobileNetV2:
/// 0.301). The total here is the count before rounding.
enum TorchvisionConvention: ConventionRules {
    static let tool = "torchvision 0.2x (the weights' `_ops` metadata)"
    static let unit = "multiply-adds (torchvision prints GFLOPS, 3 decimals)"
    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        layer.cost.macs > 0 ? layer.cost.macs : nil
    }
    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? { nil }
}
