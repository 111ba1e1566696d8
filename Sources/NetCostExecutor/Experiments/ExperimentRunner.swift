import Dispatch
import Foundation
import NetCost

/// How an experiment is timed.
public struct ExperimentSettings: Sendable, Equatable {
    /// Rounds: each round times every row once, so a slow spell of the machine falls on
    /// all rows alike instead of on whichever row ran then.
    public var rounds = 7
    /// Timed passes per row and round, at least; a row runs more passes until
    /// `minimumRoundSeconds` have passed (cheap networks would otherwise be timed over
    /// a millisecond or two). The round's time is the median of its passes.
    public var repetitions = 5
    /// Untimed passes per row and round, so that a row does not pay for the cache lines
    /// and buffers the previous row left behind.
    public var warmup = 1
    public var minimumRoundSeconds = 0.05
    public var seed: UInt64 = 0
    public var maxMemoryBytes = MemoryPlan.defaultLimit

    public init(rounds: Int = 7, repetitions: Int = 5, warmup: Int = 1) {
        self.rounds = rounds
        self.repetitions = repetitions
        self.warmup = warmup
    }
}

/// One row timed: its time per round and their spread.
public struct RowMeasurement: Sendable {
    public let row: ExperimentRow
    /// Per round, the median seconds of that round's passes, in round order.
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
            prepared.append(try PreparedGraph(row.graph, seed: settings.seed, maxMemoryBytes: settings.maxMemoryBytes))
        }
        var samples = Array(repeating: [Double](), count: table.rows.count)
        var passes = Array(repeating: 0, count: table.rows.count)
        for round in 0..<settings.rounds {
            progress(round + 1)
            for step in 0..<prepared.count {
                let row = (round + step) % prepared.count
                let times = timeRound(prepared[row], settings)
                samples[row].append(median(times))
                passes[row] += times.count
            }
        }
        var rows: [RowMeasurement] = []
        for (index, row) in table.rows.enumerated() {
            guard let spread = TimingSpread(samples[index]) else { throw InputError("timing failed", layer: row.label) }
            rows.append(RowMeasurement(row: row, roundSeconds: samples[index], seconds: spread, passes: passes[index]))
        }
        guard let verdict = GuidelineVerdict(times: rows.map(\.seconds), expected: table.expectedFastest) else {
            throw InputError("a table needs at least two rows", field: "rows")
        }
        return TableMeasurement(table: table, rows: rows, verdict: verdict)
    }

    /// One row's turn in a round: the warm-up passes, then timed passes.
    static func timeRound(_ graph: PreparedGraph, _ settings: ExperimentSettings) -> [Double] {
        for _ in 0..<settings.warmup { _ = graph.run() }
        var times: [Double] = []
        var elapsed = 0.0
        // The cap keeps a pathological timer from looping forever.
        while times.count < settings.repetitions || (elapsed < settings.minimumRoundSeconds && times.count < 10_000) {
            let seconds = graph.run().totalSeconds
            times.append(seconds)
            elapsed += seconds
        }
        return times
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
