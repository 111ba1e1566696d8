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

    @Test func degenerateInputs() throws {
        #expect(GuidelineVerdict(times: [try spread(1, 0.1)], expected: 0) == nil)
        #expect(GuidelineVerdict(times: [try spread(1, 0.1), try spread(2, 0.1)], expected: 2) == nil)
    }

    @Test func runnerTimesEveryRowOnASmallMap() throws {
        // An 8×8 map keeps this quick; the verdict is whatever the machine says, never asserted.
        let table = try ExperimentTable(.g4, resolution: 8)
        var settings = ExperimentSettings(rounds: 3, repetitions: 2, warmup: 0)
        settings.minimumRoundSeconds = 0
        var rounds: [Int] = []
        let measurement = try ExperimentRunner.run(table, settings: settings) { rounds.append($0) }
        #expect(rounds == [1, 2, 3])
        #expect(measurement.rows.count == 4)
        #expect(measurement.rows.allSatisfy { $0.roundSeconds.count == 3 && $0.passes == 6 && $0.seconds.median > 0 })
        #expect(measurement.verdict.expected == 3)
        #expect(throws: InputError.self) { try ExperimentRunner.run(table, settings: ExperimentSettings(rounds: 0)) }
    }
}
