/// What a layer's fields are read against: the spec's hyper-parameters and defaults.
public struct SpecContext: Sendable {
    /// The width and depth multipliers and the rounding rule.
    public var scaling = Scaling()
    /// The class count that `"out": "classes"` stands for.
    public var classes: Int?
    public var defaults = LayerDefaults()
    /// The spec's own blocks, by name (`"blocks"`).
    var blocks: [String: UserBlock] = [:]

    public init() {}
}

/// Spec-wide defaults for blocks: which normalization and activation follow a conv,
/// and whether a conv has a bias.
public struct LayerDefaults: Sendable {
    public var norm: NormalizationChoice = .batchNorm
    public var activation: Activation.Function? = .relu
    /// nil: a conv has a bias exactly when no normalization follows it.
    public var bias: Bool?

    public init() {}
}

/// The normalization a block puts after its convolutions.
public enum NormalizationChoice: String, Sendable, CaseIterable {
    case none
    case batchNorm = "batchnorm"
}
