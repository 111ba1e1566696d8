import NetCost
@testable import NetCostExecutor
import Testing

/// The statistics and verdicts of `netcost experiment`, on synthetic timings: nothing
/// here measures speed.
@Suite("Guideline experiments: spreads and verdicts")
struct ExperimentVerdictTests {
    /// A row timed at `median` seconds with an interquartile range `median ± half`.
    func spread(_ median: Double, _ half: Double) throws -> TimingSpread {
        try #require(TimingSpread([median - 2 * half, median - half, median, median + half, median + 2 * half]))
    }

    /// Each row's spread over its rounds.
    func spreads(_ rounds: [[Double]]) throws -> [TimingSpread] {
        var result: [TimingSpread] = []
        for row in rounds { result.append(try #require(TimingSpread(row))) }
        return result
    }

    @Test func quartilesInterpolate() throws {
        let odd = try #require(TimingSpread([5, 1, 4, 2, 3]))
        #expect((odd.median, odd.lowerQuartile, odd.upperQuartile, odd.minimum, odd.maximum) == (3, 2, 4, 1, 5))
        // Positions 0.75, 1.5 and 2.25 of [1, 2, 3, 4]: NumPy's quantiles.
        let even = try #require(TimingSpread([4, 3, 2, 1]))
        #expect((even.lowerQuartile, even.median, even.upperQuartile) == (1.75, 2.5, 3.25))
        let one = try #require(TimingSpread([0.5]))
        #expect((one.lowerQuartile, one.median, one.upperQuartile) == (0.5, 0.5, 0.5))
        #expect(TimingSpread([]) == nil)
        #expect(TimingSpread([1, .nan]) == nil)
        #expect(try spread(10, 1).relativeSpread == 0.1)
    }

    @Test func reproducedWhenTheGuidelineRowIsClearOfEveryOther() throws {
        // Times: row 0 (the guideline's) 10 ± 0.2 ms, then 12, 15 and 20.
        let times = [try spread(0.010, 0.0002), try spread(0.012, 0.0002), try spread(0.015, 0.0003), try spread(0.020, 0.0005)]
        let verdict = try #require(GuidelineVerdict(times: times, expected: 0))
        #expect(verdict.outcome == .reproduced)
        #expect(verdict.order == [0, 1, 2, 3])
        #expect(verdict.runnerUp == 1)
        #expect(abs(verdict.speedupOverRunnerUp - 1.2) < 1e-12)
        #expect(abs(verdict.fastestOverSlowest - 2) < 1e-12)
        #expect(verdict.comparisons.map(\.relation) == [.faster, .faster, .faster])
        #expect(verdict.matches([0, 1, 2, 3]) && !verdict.matches([0, 2, 1, 3]))
    }

    @Test func notReproducedWhenAnotherRowIsClearlyFaster() throws {
        // G4's shape: the guideline row (3, "neither") is slower than row 2 beyond the noise.
        let times = [try spread(0.020, 0.0002), try spread(0.018, 0.0002), try spread(0.012, 0.0002), try spread(0.015, 0.0002)]
        let verdict = try #require(GuidelineVerdict(times: times, expected: 3))
        #expect(verdict.outcome == .notReproduced)
        #expect(verdict.order == [2, 3, 1, 0])
        #expect(verdict.runnerUp == 2)
        #expect(abs(verdict.speedupOverRunnerUp - 0.8) < 1e-12)  // 12 ms over 15 ms: the guideline row is slower
        #expect(verdict.comparisons.map(\.row) == [0, 1, 2])
        #expect(verdict.comparisons.map(\.relation) == [.faster, .faster, .slower])
    }

    @Test func inconclusiveWhenSpreadsOverlap() throws {
        // Medians 10 and 10.3 ms, ranges ±0.5 ms: the guideline row leads by the medians only.
        let times = [try spread(0.0100, 0.0005), try spread(0.0103, 0.0005), try spread(0.020, 0.0005)]
        let verdict = try #require(GuidelineVerdict(times: times, expected: 0))
        #expect(verdict.outcome == .inconclusive)
        #expect(verdict.order == [0, 1, 2])
        #expect(verdict.comparisons.map(\.relation) == [.overlapping, .faster])
        // Overlap beats a clear loss elsewhere? No: one clearly faster row decides "not reproduced".
        let mixed = [try spread(0.0100, 0.0005), try spread(0.0103, 0.0005), try spread(0.008, 0.0002)]
        #expect(GuidelineVerdict(times: mixed, expected: 0)?.outcome == .notReproduced)
        // Touching ranges are not apart.
        let touching = [try spread(0.010, 0.001), try spread(0.012, 0.001)]
        #expect(GuidelineVerdict(times: touching, expected: 0)?.outcome == .inconclusive)
    }

    @Test func pairingRemovesTheMachinesDrift() throws {
        // The machine slows from 10 to 18 ms a pass over five rounds; the other row is 5%
        // slower in every round. The rows' own ranges overlap (12-16 against 12.6-16.8 ms),
        // the per-round ratios are all 1.05.
        let guideline = [0.010, 0.012, 0.014, 0.016, 0.018]
        let drifting = [guideline, guideline.map { $0 * 1.05 }]
        let times = try spreads(drifting)
        let paired = try #require(GuidelineVerdict(times: times, expected: 0, roundTimes: drifting))
        #expect(paired.outcome == .reproduced)
        let comparison = try #require(paired.comparisons.first)
        #expect(comparison.relation == .faster && !comparison.rangesApart)
        #expect((comparison.roundsWon, comparison.roundsCompared) == (5, 5))
        #expect(abs((comparison.roundRatios?.median ?? 0) - 1.05) < 1e-12)
        // Without the rounds, the same spreads are inconclusive.
        #expect(GuidelineVerdict(times: times, expected: 0)?.outcome == .inconclusive)
        #expect(GuidelineVerdict(times: times, expected: 0)?.comparisons.first?.roundRatios == nil)

        // Ratios 1.1, 0.9, 1.05, 0.95, 1.0: quartiles 0.95 and 1.05 straddle 1.
        let mixed = [guideline, zip(guideline, [1.1, 0.9, 1.05, 0.95, 1.0]).map { $0 * $1 }]
        let mixedVerdict = try #require(GuidelineVerdict(times: try spreads(mixed), expected: 0, roundTimes: mixed))
        #expect(mixedVerdict.outcome == .inconclusive)
        #expect(mixedVerdict.comparisons.first?.roundsWon == 2)  // 1.1 and 1.05; a tie (1.0) is not a win

        // The other row 5% faster every round: not reproduced.
        let losing = [guideline, guideline.map { $0 * 0.95 }]
        let losingVerdict = try #require(GuidelineVerdict(times: try spreads(losing), expected: 0, roundTimes: losing))
        #expect(losingVerdict.outcome == .notReproduced)
        #expect(losingVerdict.comparisons.first?.roundsWon == 0)
    }

    @Test func degenerateInputs() throws {
        #expect(GuidelineVerdict(times: [try spread(1, 0.1)], expected: 0) == nil)
        #expect(GuidelineVerdict(times: [try spread(1, 0.1), try spread(2, 0.1)], expected: 2) == nil)
    }

    @Test func runnerTimesEveryRowOnASmallMap() throws {
        // A 4×4 map keeps this quick; the verdict is whatever the machine says, never asserted.
        let table = try ExperimentTable(.g4, resolution: 4)
        var settings = ExperimentSettings(rounds: 3, repetitions: 1, warmup: 0)
        settings.minimumRoundSeconds = 0
        var rounds: [Int] = []
        let measurement = try ExperimentRunner.run(table, settings: settings) { rounds.append($0) }
        #expect(rounds == [1, 2, 3])
        #expect(measurement.rows.count == 4)
        #expect(measurement.rows.allSatisfy { $0.roundSeconds.count == 3 && $0.passes == 3 && $0.seconds.median > 0 })
        #expect(measurement.verdict.expected == 3)
        #expect(throws: InputError.self) { try ExperimentRunner.run(table, settings: ExperimentSettings(rounds: 0)) }
    }
}
