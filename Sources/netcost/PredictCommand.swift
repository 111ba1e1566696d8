import ArgumentParsing
import Foundation
import NetCost
import NetCostExecutor

/// `netcost predict MODEL --profile PROFILE.json`: each layer's latency and the network's,
/// from a device profile, without running the network (unless `--validate`).
struct PredictCommand: Subcommand {
    static let spec = CommandSpec(
        name: "predict",
        abstract: "Predict each layer's latency and the network's on a calibrated device, for the deployed graph; --validate also times it.",
        discussion: """
        The deployed graph (batch norm folded, activations fused) is what is predicted. With \
        --profile (written by netcost calibrate) each layer's time is interpolated between \
        the profile's micro-benchmarks of the same kind of layer nearest in size, and the \
        pairs of layers the executor runs as one are predicted as pairs; a network whose \
        weights and activation arena fit in part of the last-level cache has that share of \
        each layer's time at the warm-cache time of its neighbours (the Cache line); without \
        one every time is the roofline's, max(FLOPs / peak, bytes / bandwidth) at \
        --peak-gflops and --bandwidth, and the output says it is uncalibrated. --validate \
        runs the network with the executor's fast kernels (as netcost bench does, at this \
        process's thread count) and prints predicted against measured per layer and in \
        total, with the error. The JSON is the shape netcost report --timings reads, so \
        `report --fuse --format html --timings` draws the prediction beside the roofline. \
        The model, its accuracy and its limits: docs/latency.md.
        """,
        arguments: [SharedOptions.model],
        options: SharedOptions.overrides + SharedOptions.runLimits + [
            .value("profile", "FILE", help: "the device profile written by netcost calibrate"),
            .value("threads", "N", help: "the thread count to predict for (the profile's nearest)", default: "this process's: NETCOST_THREADS or the cores"),
            .value("peak-gflops", "X", help: "without a profile: the peak GFLOP/s of the roofline", default: "384"),
            .value("bandwidth", "X", help: "without a profile: the memory bandwidth in GB/s of the roofline", default: "51.2"),
            .flag("validate", help: "also time the network here and print predicted against measured"),
            .value("repetitions", "N", help: "with --validate: timed passes per round", default: "30"),
            .value("rounds", "N", help: "with --validate: rounds half a second apart; each time is the faster round's", default: "3"),
            SharedOptions.format(["text", "markdown", "json"]),
            SharedOptions.output,
        ],
        examples: [
            "netcost calibrate -o this-machine.json && netcost predict mobilenet_v2 --profile this-machine.json",
            "netcost predict shufflenet_v2_x1_0 --profile this-machine.json --validate",
            "netcost predict my_net.onnx --profile phone.json --threads 4 --format json -o my_net.prediction.json",
        ])

    let model: String
    let overrides: SpecOverrides
    let limits: RunLimits
    let profilePath: String?
    let threads: Int?
    let peak: Double?
    let bandwidth: Double?
    let validate: Bool
    let repetitions: Int
    let rounds: Int
    let format: String
    let output: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        model = arguments.argument("MODEL") ?? ""
        overrides = try SharedOptions.overrides(arguments)
        limits = try SharedOptions.runLimits(arguments)
        profilePath = arguments.string("profile")
        threads = try arguments.int("threads", in: 1...256)
        peak = try arguments.double("peak-gflops", in: 0.001...1e9)
        bandwidth = try arguments.double("bandwidth", in: 0.001...1e9)
        validate = arguments.flag("validate")
        repetitions = try arguments.int("repetitions", in: 1...100_000) ?? 30
        rounds = try arguments.int("rounds", in: 1...100) ?? 3
        format = arguments.string("format") ?? "text"
        output = arguments.string("output")
        if profilePath != nil, peak != nil || bandwidth != nil {
            throw arguments.fail("--peak-gflops and --bandwidth are for a prediction without a profile; the profile holds its machine's")
        }
        if validate, let threads, threads != Calibration.threads {
            throw arguments.fail("--validate times the network at this process's \(Plural.count(Calibration.threads, "thread")); "
                + "set NETCOST_THREADS=\(threads) to validate --threads \(threads)")
        }
        if validate, (overrides.batch ?? 1) != 1 {
            throw arguments.fail("--validate times one sample: the executor runs batch 1")
        }
    }

    func run() throws -> ExitStatus {
        let loaded = try ModelLoader.load(model, overrides: overrides)
        for warning in loaded.warnings { Diagnostics.warn(warning) }
        let graph = try Fusion.deploy(loaded.graph)
        let analysis = try Analysis(graph)
        let profile = try profilePath.map { (path: String) throws(InputError) in try LatencyProfile.load(file: path) }
        let device = profile?.device ?? RooflineDevice.resolve(peakGFLOPS: peak, bandwidthGBps: bandwidth, measured: nil)
        let prediction = LatencyPrediction(analysis, model: loaded.name, profile: profile, threads: threads ?? Calibration.threads, device: device)
        // The machine's speed now against the profile's, since a shared host's varies.
        let reference = profile?.calibration(threads: threads ?? Calibration.threads)?.peakGFLOPS
        let speed = validate ? reference.map { MachineProbe.peakGFLOPS() / $0 } : nil
        // Rounds half a second apart: a burst of another guest's work slows one, not all.
        var rounds: [BenchmarkReport] = []
        for round in 0..<(validate ? self.rounds : 0) {
            if round > 0 { usleep(500_000) }
            rounds.append(try Benchmark.run(graph, repetitions: repetitions, warmup: 2, limits: limits, keepPasses: true))
        }
        let comparison = rounds.isEmpty ? nil : PredictionComparison(prediction, rounds: rounds, machineSpeed: speed)
        let text: String
        if format == "json" {
            text = comparison?.json.documentText ?? prediction.json.documentText
        } else {
            text = PredictionTable(prediction: prediction, comparison: comparison, profile: profile).render(markdown: format == "markdown")
        }
        try SharedOptions.write(text, to: output)
        if analysis.isPartial {
            Diagnostics.warn("partial result: ops netcost has no rules for are not predicted")
            return .failure
        }
        return .success
    }
}
