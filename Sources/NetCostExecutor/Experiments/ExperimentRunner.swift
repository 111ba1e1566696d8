import Dispatch
import Foundation
import NetCost

/// How an experiment is timed.
public struct ExperimentSettings: Sendable, Equatable {
    /// What stands for a row's passes in one round.
    public enum RoundStatistic: String, CaseIterable, Sendable {
        /// The median pass: typical time, interference included.
        case median
        /// The fastest pass: another process only ever adds time, so the minimum is the
        /// least disturbed estimate of the network's own cost on a shared machine.
        case fastest
    }

    /// Rounds: each round times every row once, so a slow spell of the machine falls on
    /// all rows alike instead of on whichever row ran then.
    public var rounds = 21
    /// Timed passes per row and round, at least. Every row of a table gets the same
    /// number: more when the slowest row's pass is shorter than `minimumRoundSeconds`
    /// (cheap networks would otherwise be timed over a millisecond or two).
    public var repetitions = 5
    public var statistic = RoundStatistic.fastest
    /// Untimed passes per row and round, so that a row does not pay for the cache lines
    /// and buffers the previous row left behind.
    public var warmup = 1
    public var minimumRoundSeconds = 0.05
    public var seed: UInt64 = 0
    public var limits = RunLimits()

    public init(rounds: Int = 21, repetitions: Int = 5, warmup: Int = 1, statistic: RoundStatistic = .fastest) {
        self.rounds = rounds
        self.repetitions = repetitions
        self.warmup = warmup
        self.statistic = statistic
    }
}

/// One row timed: its time per round and their spread.
public struct RowMeasurement: Sendable {
    public let row: ExperimentRow
    /// Per round, the median (or fastest) seconds of that round's passes, in round order.
    public let roundSeconds: [Double]
    public let seconds: TimingSpread
    /// Timed passes over all rounds.
    public let passes: Int

    /// Images per second at the median (batch 1).
    public var imagesPerSecond: Double { seconds.median > 0 ? 1 / seconds.median : 0 }
}

/// A table timed on this machine, with the verdict on the paper's claim.
public struct TableMeasurement: Sendable {
    public let table: ExperimentTable
    public let rows: [RowMeasurement]
    public let verdict: GuidelineVerdict
    /// Per row, the latency `netcost predict` gives it (`experiment --profile`).
    public var predictedSeconds: [Double]?

    /// Adds each row's predicted latency from a device profile.
    public mutating func predict(with profile: LatencyProfile) throws(InputError) {
        let device = profile.device
        var seconds: [Double] = []
        for row in rows {
            let prediction = LatencyPrediction(try Analysis(row.row.graph), model: row.row.label, profile: profile,
                                               threads: ExperimentRunner.threads, device: device)
            seconds.append(prediction.totalSeconds)
        }
        predictedSeconds = seconds
    }
}

/// Times the rows of a table interleaved: round after round, every row in turn (the
/// order rotated each round), so that the machine's drift is shared by all rows.
public enum ExperimentRunner {
    /// The executor's worker threads (`NETCOST_THREADS`, or the active processors).
    public static var threads: Int { Parallel.workers }

    /// Times every row of `table`. `progress` hears the round about to run (1-based).
    public static func run(_ table: ExperimentTable, settings: ExperimentSettings = ExperimentSettings(),
                           progress: (Int) -> Void = { _ in }) throws(InputError) -> TableMeasurement {
        guard settings.rounds >= 1 else { throw InputError("must be at least 1", field: "rounds") }
        guard settings.repetitions >= 1 else { throw InputError("must be at least 1", field: "repetitions") }
        guard settings.warmup >= 0 else { throw InputError("must not be negative", field: "warmup") }
        var prepared: [PreparedGraph] = []
        for row in table.rows {
            try PreparedGraph.validate(row.graph)
            prepared.append(try PreparedGraph(row.graph, seed: settings.seed, limits: settings.limits))
        }
        let perRound = passesPerRound(prepared, settings)
        var samples = Array(repeating: [Double](), count: table.rows.count)
        for round in 0..<settings.rounds {
            progress(round + 1)
            for step in 0..<prepared.count {
                let row = (round + step) % prepared.count
                let times = timeRound(prepared[row], passes: perRound, warmup: settings.warmup)
                samples[row].append(settings.statistic == .fastest ? times.min() ?? 0 : median(times))
            }
        }
        var rows: [RowMeasurement] = []
        for (index, row) in table.rows.enumerated() {
            guard let spread = TimingSpread(samples[index]) else { throw InputError("timing failed", layer: row.label) }
            rows.append(RowMeasurement(row: row, roundSeconds: samples[index], seconds: spread, passes: perRound * settings.rounds))
        }
        guard let verdict = GuidelineVerdict(times: rows.map(\.seconds), expected: table.expectedFastest, roundTimes: samples) else {
            throw InputError("a table needs at least two rows", field: "rows")
        }
        return TableMeasurement(table: table, rows: rows, verdict: verdict)
    }

    /// Timed passes per row and round: `repetitions`, or enough for the slowest row to
    /// fill `minimumRoundSeconds` (capped at 1,000), measured on one untimed pass each.
    /// Equal counts keep the rows comparable: the fastest of more passes is faster.
    static func passesPerRound(_ graphs: [PreparedGraph], _ settings: ExperimentSettings) -> Int {
        let slowest = graphs.map { $0.run().totalSeconds }.max() ?? 0
        guard slowest > 0, settings.minimumRoundSeconds > 0 else { return settings.repetitions }
        return max(settings.repetitions, min(1000, Int((settings.minimumRoundSeconds / slowest).rounded(.up))))
    }

    /// One row's turn in a round: the warm-up passes, then `passes` timed ones.
    static func timeRound(_ graph: PreparedGraph, passes: Int, warmup: Int) -> [Double] {
        for _ in 0..<warmup { _ = graph.run() }
        return (0..<passes).map { _ in graph.run().totalSeconds }
    }

    static func median(_ values: [Double]) -> Double { TimingSpread(values)?.median ?? 0 }
}

/// What the machine was doing: recorded beside the measurements, because a shared
/// machine's speed depends on its other work.
public struct MachineState: Sendable, Equatable {
    /// The processor's model name, from /proc/cpuinfo where there is one.
    public let cpu: String?
    public let activeProcessors: Int
    /// The 1-, 5- and 15-minute load averages, from /proc/loadavg where there is one.
    public let loadAverage: [Double]?

    public init(cpu: String?, activeProcessors: Int, loadAverage: [Double]?) {
        self.cpu = cpu
        self.activeProcessors = activeProcessors
        self.loadAverage = loadAverage
    }

    /// The state now.
    public static func current() -> MachineState {
        let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let model = cpuinfo?.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).compactMap { Double($0) }
        return MachineState(cpu: model, activeProcessors: ProcessInfoCores.active, loadAverage: load?.count == 3 ? load : nil)
    }
}
