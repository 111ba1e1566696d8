/// Whether a machine's timings of a table reproduce the paper's claim that one row (the
/// guideline's) is the fastest, and by how much.
///
/// Per row the input is the spread of its per-round pass times (seconds; lower is
/// faster). The claim is
/// - **reproduced** when the guideline row's interquartile range lies wholly below every
///   other row's: it is faster beyond the noise of both;
/// - **not reproduced** when some other row's range lies wholly below the guideline
///   row's: that row is faster beyond the noise;
/// - **inconclusive** otherwise: the ranges overlap, and the medians alone would be a
///   guess.
public struct GuidelineVerdict: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case reproduced
        case notReproduced = "not reproduced"
        case inconclusive
    }

    /// The guideline row against one other row.
    public struct Comparison: Sendable, Equatable {
        public enum Relation: String, Sendable {
            /// The guideline row is faster beyond the noise.
            case faster
            /// The guideline row is slower beyond the noise.
            case slower
            /// The interquartile ranges overlap.
            case overlapping
        }

        public let row: Int
        /// The other row's median time over the guideline row's: above 1 when the
        /// guideline row is faster.
        public let speedup: Double
        public let relation: Relation
    }

    public let outcome: Outcome
    /// The row the guideline predicts to be fastest.
    public let expected: Int
    /// Row indices from fastest to slowest by median time.
    public let order: [Int]
    /// The fastest row other than the expected one, by median.
    public let runnerUp: Int
    /// The runner-up's median time over the expected row's (above 1: the guideline row wins).
    public let speedupOverRunnerUp: Double
    /// The slowest row's median time over the fastest row's.
    public let fastestOverSlowest: Double
    /// The expected row against every other row, in table order.
    public let comparisons: [Comparison]

    /// Judges the spreads of per-round times; nil with fewer than two rows or an
    /// `expected` index outside them.
    public init?(times: [TimingSpread], expected: Int) {
        guard times.count >= 2, times.indices.contains(expected) else { return nil }
        let order = times.indices.sorted { times[$0].median < times[$1].median || (times[$0].median == times[$1].median && $0 < $1) }
        let guideline = times[expected]
        var comparisons: [Comparison] = []
        for (row, other) in times.enumerated() where row != expected {
            let relation: Comparison.Relation = guideline.isClearlyBelow(other) ? .faster : other.isClearlyBelow(guideline) ? .slower : .overlapping
            comparisons.append(Comparison(row: row, speedup: Self.ratio(other.median, guideline.median), relation: relation))
        }
        if comparisons.allSatisfy({ $0.relation == .faster }) {
            outcome = .reproduced
        } else if comparisons.contains(where: { $0.relation == .slower }) {
            outcome = .notReproduced
        } else {
            outcome = .inconclusive
        }
        let runnerUp = order.first { $0 != expected } ?? expected
        self.expected = expected
        self.order = order
        self.runnerUp = runnerUp
        self.comparisons = comparisons
        speedupOverRunnerUp = Self.ratio(times[runnerUp].median, guideline.median)
        fastestOverSlowest = Self.ratio(times[order[order.count - 1]].median, times[order[0]].median)
    }

    /// True when the measured order is `paperOrder` (row indices, fastest first).
    public func matches(_ paperOrder: [Int]) -> Bool { order == paperOrder }

    static func ratio(_ numerator: Double, _ denominator: Double) -> Double {
        denominator > 0 ? numerator / denominator : 0
    }
}
