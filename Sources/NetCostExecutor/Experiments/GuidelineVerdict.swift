/// Whether a machine's timings of a table reproduce the paper's claim that one row (the
/// guideline's) is the fastest, and by how much.
///
/// The guideline row is compared with every other row. With per-round times (the rows
/// of a round run back to back, so they share the machine's speed at that moment) the
/// comparison is paired: per round, the other row's time over the guideline row's.
/// The guideline row is
/// - **faster** when the interquartile range of those ratios lies wholly above 1,
/// - **slower** when it lies wholly below 1,
/// - **overlapping** otherwise.
/// Without per-round times the rows' own interquartile ranges are compared instead (the
/// guideline row's wholly below the other's: faster). A shared machine's speed drifts
/// by more than the differences measured here, and the drift widens every row's own
/// range alike; pairing removes it.
///
/// The claim is **reproduced** when the guideline row is faster than every other row,
/// **not reproduced** when some row is faster than it, and **inconclusive** otherwise.
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
            /// The noise covers the difference.
            case overlapping
        }

        public let row: Int
        /// The other row's median time over the guideline row's: above 1 when the
        /// guideline row is faster.
        public let speedup: Double
        public let relation: Relation
        /// Per round, the other row's time over the guideline row's; nil without
        /// per-round times.
        public let roundRatios: TimingSpread?
        /// Rounds in which the guideline row took less time, of the rounds compared.
        public let roundsWon: Int
        public let roundsCompared: Int
        /// Whether the two rows' own interquartile ranges are apart (either way).
        public let rangesApart: Bool
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

    /// Judges the spreads of per-round times, paired by round when `roundTimes` (per
    /// row, the time of each round, all rows timed in the same rounds) is given; nil
    /// with fewer than two rows or an `expected` index outside them.
    public init?(times: [TimingSpread], expected: Int, roundTimes: [[Double]] = []) {
        guard times.count >= 2, times.indices.contains(expected) else { return nil }
        let order = times.indices.sorted { times[$0].median < times[$1].median || (times[$0].median == times[$1].median && $0 < $1) }
        let paired = roundTimes.count == times.count && roundTimes.allSatisfy { $0.count == roundTimes[expected].count }
        let guideline = times[expected]
        var comparisons: [Comparison] = []
        for (row, other) in times.enumerated() where row != expected {
            let apart = guideline.isClearlyBelow(other) || other.isClearlyBelow(guideline)
            var ratios: TimingSpread?, won = 0, compared = 0
            if paired {
                let pairs = zip(roundTimes[expected], roundTimes[row])
                ratios = TimingSpread(pairs.map { Self.ratio($1, $0) })
                compared = roundTimes[expected].count
                won = pairs.filter { $0 < $1 }.count
            }
            let relation: Comparison.Relation
            if let ratios {
                relation = ratios.lowerQuartile > 1 ? .faster : ratios.upperQuartile < 1 ? .slower : .overlapping
            } else {
                relation = guideline.isClearlyBelow(other) ? .faster : other.isClearlyBelow(guideline) ? .slower : .overlapping
            }
            comparisons.append(Comparison(row: row, speedup: Self.ratio(other.median, guideline.median), relation: relation,
                                          roundRatios: ratios, roundsWon: won, roundsCompared: compared, rangesApart: apart))
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
