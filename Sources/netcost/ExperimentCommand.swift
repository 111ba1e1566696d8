import ArgumentParsing
import Foundation
import NetCost
import NetCostExecutor

/// `netcost experiment g1|g2|g3|g4|all`: ShuffleNet V2's guideline experiments, timed on
/// this machine beside netcost's predictions and the paper's speeds.
struct ExperimentCommand: Subcommand {
    static let tableNames = Guideline.allCases.map(\.rawValue) + ["all"]

    static let spec = CommandSpec(
        name: "experiment",
        abstract: "Time ShuffleNet V2's guideline experiments (Tables 1-4) on this machine and say whether it reproduces the paper's orderings.",
        discussion: """
        Builds the networks of the paper's Tables 1-4 (56x56 input, 10 stacked blocks, \
        FLOPs fixed per table): G1 the c1:c2 ratio of 1x1 convs, G2 the groups of 1x1 group \
        convs, G3 1 to 4 fragments in series or in parallel, G4 a ResNet bottleneck with \
        and without ReLU and shortcut. Every row is timed with the executor's fast kernels, \
        in rounds that visit the rows in turn, and printed with netcost's MACs, FLOPs and \
        memory access and the paper's GPU and ARM speeds. Per table the verdict says whether \
        the guideline's row is the fastest beyond the noise (round by round, the \
        interquartile range of its speed over each other row's above 1), and by how much. Threads: NETCOST_THREADS. Setup, assumptions and \
        this machine's results: docs/guidelines.md.
        """,
        arguments: [ArgumentSpec("TABLE", help: "the experiment: g1, g2, g3, g4 or all", completes: .words(tableNames))],
        options: [
            .value("scale", "S", help: "channel multiplier of the paper's columns", choices: ExperimentTable.scales.map(String.init), default: "1"),
            .value("channels", "COLUMNS", help: "whose channel numbers to build", choices: ExperimentChannels.allCases.map(\.rawValue), default: "gpu"),
            .value("join", "JOIN", help: "how G3's parallel branches meet", choices: ParallelJoin.allCases.map(\.rawValue), default: "concat"),
            .value("resolution", "N", help: "input height and width (the paper's is 56; smaller makes a quick run)", default: "56"),
            .value("rounds", "N", help: "rounds, each timing every row once", default: "21"),
            .value("repetitions", "N", help: "timed passes per row and round, at least (more, equal for all rows, until the slowest row fills 50 ms)", default: "5"),
            .value("statistic", "STAT", help: "what stands for a row's passes in a round", choices: ExperimentSettings.RoundStatistic.allCases.map(\.rawValue), default: "fastest"),
            .value("warmup", "N", help: "untimed passes per row and round", default: "1"),
            .value("profile", "FILE", help: "a device profile from netcost calibrate: print each row's predicted time beside the measured one"),
        ] + SharedOptions.runLimits + [
            SharedOptions.format(["text", "json"]),
            SharedOptions.output,
        ],
        examples: [
            "netcost experiment all",
            "netcost experiment g1 --scale 4 --rounds 11",
            "NETCOST_THREADS=1 netcost experiment g3 --channels arm --format json -o g3.json",
            "netcost experiment all --profile this-machine.json",
        ])

    let guidelines: [Guideline]
    let scale: Int
    let channels: ExperimentChannels
    let join: ParallelJoin
    let resolution: Int
    let settings: ExperimentSettings
    let format: String
    let output: String?
    let profilePath: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        let name = (arguments.argument("TABLE") ?? "").lowercased()
        if name == "all" {
            guidelines = Guideline.allCases
        } else if let guideline = Guideline(rawValue: name) {
            guidelines = [guideline]
        } else {
            throw arguments.fail("TABLE must be one of \(Self.tableNames.joined(separator: ", ")), got \"\(name)\"")
        }
        scale = try arguments.int("scale", in: 1...4) ?? 1
        channels = arguments.string("channels").flatMap(ExperimentChannels.init(rawValue:)) ?? .gpu
        join = arguments.string("join").flatMap(ParallelJoin.init(rawValue:)) ?? .concat
        resolution = try arguments.int("resolution", in: 1...1024) ?? ExperimentTable.paperResolution
        var settings = ExperimentSettings(rounds: try arguments.int("rounds", in: 1...1000) ?? 21,
                                      repetitions: try arguments.int("repetitions", in: 1...10_000) ?? 5,
                                      warmup: try arguments.int("warmup", in: 0...1000) ?? 1,
                                      statistic: arguments.string("statistic").flatMap(ExperimentSettings.RoundStatistic.init(rawValue:)) ?? .fastest)
        settings.limits = try SharedOptions.runLimits(arguments)
        self.settings = settings
        format = arguments.string("format") ?? "text"
        output = arguments.string("output")
        profilePath = arguments.string("profile")
    }

    func run() throws -> ExitStatus {
        // Built first, so that a network that cannot be built fails before any timing.
        let profile = try profilePath.map { (path: String) throws(InputError) in try LatencyProfile.load(file: path) }
        var tables: [ExperimentTable] = []
        for guideline in guidelines { tables.append(try ExperimentTable(guideline, scale: scale, channels: channels, join: join, resolution: resolution)) }
        let showProgress = isatty(STDERR_FILENO) == 1
        let before = MachineState.current()
        var measurements: [TableMeasurement] = []
        for table in tables {
            let id = table.guideline.id, rounds = settings.rounds
            var measurement = try ExperimentRunner.run(table, settings: settings) { round in
                if showProgress { Diagnostics.note("\(id): round \(round) of \(rounds)") }
            }
            if let profile { try measurement.predict(with: profile) }
            measurements.append(measurement)
        }
        let report = ExperimentReport(tables: measurements, settings: settings, threads: ExperimentRunner.threads,
                                      before: before, after: MachineState.current())
        if format == "json" {
            try SharedOptions.write(report.json.documentText, to: output)
        } else {
            try SharedOptions.write(report.text(), to: output)
        }
        return .success
    }
}
