import Foundation

/// A network's width and depth multipliers, and every scaling rule in one place: how
/// width scales a layer's channels, how depth scales a stage row's repeats, how a
/// resolution is rounded to a multiple, and EfficientNet's compound rule below. The
/// spec expander, sweeps, the checks' probes and the command line all ask here; what
/// the command line gives is `SpecOverrides` (docs/scaling.md).
public struct Scaling: Sendable, Equatable {
    /// Width multiplier α: convolutions' output channels are scaled by it and rounded.
    public var width: Double
    /// How a scaled channel count is rounded to a whole one.
    public var rounding: ChannelRounding
    /// Depth multiplier d: a stage row of `n` blocks gets `ceil(n·d)`.
    public var depth: Double

    public init(width: Double = 1, rounding: ChannelRounding = .nearest, depth: Double = 1) {
        self.width = width
        self.rounding = rounding
        self.depth = depth
    }

    /// The largest width or depth multiplier; either must also be above 0.
    public static let maximumMultiplier = 64.0

    /// `base` output channels at this width: `base·α`, rounded by `rounding`, for a
    /// layer that follows the multiplier; `base` for one that does not (`"scale_width":
    /// false`); `base·max(α, 1)` for one that only grows (MobileNetV2's last 1280-channel
    /// conv, which torchvision widens for α > 1 and never narrows).
    public func channels(_ base: Int, _ rule: WidthRule = .scaled) -> Int {
        let multiplier = switch rule {
        case .scaled: width
        case .fixed: 1.0
        case .growOnly: max(width, 1)
        }
        return rounding.apply(Double(base) * multiplier)
    }

    /// The blocks a stage row of `count` repeats gets at this depth: `ceil(count·d)`. A
    /// `Double`, for the caller to bound before it expands anything.
    public func repeats(_ count: Int) -> Double {
        (Double(count) * depth).rounded(.up)
    }

    /// A resolution rounded to the nearest multiple of `multiple`, and at least that:
    /// the sizes a network whose joins need its total stride to divide the input (an
    /// FPN's adds) can take.
    public static func resolution(_ size: Double, multipleOf multiple: Int) -> Int {
        max(multiple, Int((size / Double(multiple)).rounded()) * multiple)
    }
}

/// Whether a layer's output channels follow the width multiplier: its `scale_width`.
public enum WidthRule: Sendable {
    /// Scaled by α (the default for convolutions; `"scale_width": true`).
    case scaled
    /// Never scaled (`"scale_width": false`; a linear layer unless it says otherwise).
    case fixed
    /// Scaled only when α > 1 (`"scale_width": "grow_only"`).
    case growOnly
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

/// EfficientNet's compound scaling rule: depth `α^φ`, width `β^φ`, resolution `γ^φ`,
/// chosen so that `α·β²·γ² ≈ 2` and FLOPS grow by about `2^φ`.
public struct CompoundScaling: Sendable {
    public var alpha: Double
    public var beta: Double
    public var gamma: Double

    /// Tan & Le (2019), Section 3.3: α = 1.2, β = 1.1, γ = 1.15.
    public static let efficientNet = CompoundScaling(alpha: 1.2, beta: 1.1, gamma: 1.15)

    /// The coefficients `netcost sweep` accepts for α, β and γ.
    public static let coefficientRange = 0.1...10.0

    public init(alpha: Double, beta: Double, gamma: Double) {
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
    }

    /// `α·β²·γ²`: how much the FLOPS of a convolutional network grow per unit of φ.
    public var flopsGrowthPerStep: Double { alpha * beta * beta * gamma * gamma }

    public func depth(_ phi: Double) -> Double { pow(alpha, phi) }
    public func width(_ phi: Double) -> Double { pow(beta, phi) }
    /// The scaled resolution, rounded to the nearest pixel.
    public func resolution(_ phi: Double, base: Int) -> Int { Int((Double(base) * pow(gamma, phi)).rounded()) }

    /// What scales a model of `base` multipliers and `resolution` to φ: its depth times
    /// α^φ, its width times β^φ, its resolution times γ^φ (to the nearest pixel, then
    /// to the nearest multiple of `resolutionMultiple`).
    public func overrides(_ phi: Double, base: Scaling, resolution: Int, resolutionMultiple: Int = 1) -> SpecOverrides {
        SpecOverrides(width: base.width * width(phi), depth: base.depth * depth(phi),
                      resolution: Scaling.resolution(Double(self.resolution(phi, base: resolution)), multipleOf: max(1, resolutionMultiple)))
    }
}
