/// What a layer's fields are read against: the spec's hyper-parameters and defaults.
public struct SpecContext: Sendable {
    /// Width multiplier α: conv output channels are scaled by it and rounded.
    public var width: Double = 1
    public var rounding: ChannelRounding = .nearest
    /// Depth multiplier d: a stage row of `n` blocks gets `ceil(n·d)`.
    public var depth: Double = 1
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

/// How a channel count is rounded after the width multiplier scales it.
public enum ChannelRounding: Sendable, Equatable {
    /// `Int(c·α)`: MobileNet V1's and Keras' rule.
    case floor
    /// The nearest whole number.
    case nearest
    /// MobileNetV2's and EfficientNet's `make_divisible`: the nearest multiple of
    /// `divisor`, at least `divisor`, and never below 90% of `c·α`.
    case divisible(by: Int)

    /// Reads `"floor"`, `"nearest"` or `"divisible_by_N"`.
    public init?(name: String) {
        switch name {
        case "floor": self = .floor
        case "nearest": self = .nearest
        default:
            guard name.hasPrefix("divisible_by_"), let divisor = Int(name.dropFirst("divisible_by_".count)),
                  divisor >= 1, divisor <= 1 << 16 else { return nil }
            self = .divisible(by: divisor)
        }
    }

    public var name: String {
        switch self {
        case .floor: "floor"
        case .nearest: "nearest"
        case .divisible(let divisor): "divisible_by_\(divisor)"
        }
    }

    /// The rounded channel count, at least 1.
    public func apply(_ scaled: Double) -> Int {
        let limit = Double(LayerFields.maximumSize)
        let value = min(max(scaled, 0), limit)
        switch self {
        case .floor:
            return max(1, Int(value))
        case .nearest:
            return max(1, Int(value.rounded()))
        case .divisible(let divisor):
            var rounded = max(divisor, Int(value + Double(divisor) / 2) / divisor * divisor)
            if Double(rounded) < 0.9 * value { rounded += divisor }
            return rounded
        }
    }
}
