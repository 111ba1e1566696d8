/// The centre and spread of repeated timings: median, quartiles, extremes.
///
/// Quartiles interpolate linearly between order statistics (NumPy's default): for the
/// sorted samples x₀…xₙ₋₁ the p-quantile is x at position p·(n − 1). The verdicts
/// compare interquartile ranges, which one preempted round cannot stretch the way it
/// stretches the min–max range.
public struct TimingSpread: Sendable, Equatable {
    public let median: Double
    public let lowerQuartile: Double
    public let upperQuartile: Double
    public let minimum: Double
    public let maximum: Double
    public let count: Int

    /// The spread of `samples`; nil when there are none or one is not finite.
    public init?(_ samples: [Double]) {
        guard !samples.isEmpty, samples.allSatisfy(\.isFinite) else { return nil }
        let sorted = samples.sorted()
        median = Self.quantile(sorted, 0.5)
        lowerQuartile = Self.quantile(sorted, 0.25)
        upperQuartile = Self.quantile(sorted, 0.75)
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
        count = sorted.count
    }

    /// The p-quantile of sorted samples, interpolated.
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let position = p * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + (sorted[above] - sorted[below]) * fraction
    }

    /// True when this interquartile range lies wholly below `other`'s: for times, this
    /// one is faster beyond the noise of either.
    public func isClearlyBelow(_ other: TimingSpread) -> Bool {
        upperQuartile < other.lowerQuartile
    }

    /// Half the interquartile range over the median: the relative noise of a row.
    public var relativeSpread: Double {
        median > 0 ? (upperQuartile - lowerQuartile) / 2 / median : 0
    }
}
