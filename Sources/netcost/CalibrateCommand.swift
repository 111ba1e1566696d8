import ArgumentParsing
import Foundation
import NetCost
import NetCostExecutor

/// `netcost calibrate -o PROFILE.json`: micro-benchmarks of this machine for `predict`.
struct CalibrateCommand: Subcommand {
    static let spec = CommandSpec(
        name: "calibrate",
        abstract: "Time one-layer networks over a grid of shapes on this machine and write the device profile that netcost predict reads.",
        discussion: """
        Each point of the grid is one deployed layer (a convolution with its batch norm folded \
        and activation fused, a depthwise or grouped one, a linear layer, pooling, an \
        activation, an add, a concat...) at the channel counts and map sizes of efficient \
        networks, or a 1×1 and depthwise pair that the executor runs as one, timed with the \
        executor's fast kernels like netcost bench, each pass after the caches are swept so \
        that its weights come from memory and its maps from cache, as in a network. Two \
        rounds over the grid, in an interleaved order; a point whose rounds disagree by more \
        than 10%, or that takes over 1.4 times what the other points predict for it, is \
        timed again. A short fixed layer, timed after every eight points, tells when other \
        work held the machine's cores; points timed only then are timed again once it is \
        quiet, and when its median run at n threads is less than 0.6·n times faster than at \
        one, calibrate warns that the cores were held all along. A last round times every point with only the per-core caches swept, so that \
        its weights and maps come from the last-level cache, as a small network's do between \
        passes. The profile keeps every point's sizes, time and warm-cache time (the lower \
        quartile of its passes) per thread count, the time a pass spends between layers, \
        the kernels that ran, the machine's peak and bandwidth and its last-level cache. A \
        full grid takes about four and a half minutes on a 2-core machine (1 and 2 threads); --quick about a sixth of it. Each thread count other than \
        this process's runs in a child process with NETCOST_THREADS set. The model and what \
        it cannot capture: docs/latency.md.
        """,
        arguments: [],
        options: [
            .flag("quick", help: "a smaller grid, about a sixth of the points"),
            .value("points", "N", help: "about N grid points (one of every kind of layer always kept), activations at a small size: a coarse profile in seconds"),
            .value("threads", "LIST", help: "thread counts to calibrate, comma-separated", default: "1 and all cores"),
            .value("budget", "MS", help: "milliseconds of timed passes per point, 5 to 20 passes", default: "20"),
            SharedOptions.output,
        ],
        examples: [
            "netcost calibrate -o this-machine.json",
            "netcost calibrate --quick --threads 2 -o quick.json",
        ])

    let quick: Bool
    let points: Int?
    let threads: [Int]
    let budget: Double
    let output: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        quick = arguments.flag("quick")
        points = try arguments.int("points", in: 1...100_000)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let counts = try arguments.list("threads", element: "a thread count") { Int($0) } ?? (cores > 1 ? [1, cores] : [1])
        guard counts.allSatisfy({ (1...256).contains($0) }) else {
            throw arguments.fail("--threads takes counts from 1 to 256; got \(arguments.string("threads") ?? "")")
        }
        threads = Array(Set(counts)).sorted()
        budget = try arguments.double("budget", in: 1...10_000) ?? 20
        output = arguments.string("output")
    }

    func run() throws -> ExitStatus {
        var calibrations: [LatencyCalibration] = []
        for count in threads {
            if count == Calibration.threads {
                Diagnostics.note("calibrating at \(Plural.count(count, "thread"))…")
                var again = Set<String>(), retries = 0, summary = ""
                calibrations.append(try Calibration.run(quick: quick, points: points, seconds: budget / 1000) { label in
                    if label.hasPrefix(Calibration.summaryLabel) { summary = String(label.dropFirst(Calibration.summaryLabel.count)) }
                    guard label.hasPrefix(Calibration.againLabel) else { return }
                    // A point timed again warm as well as cold counts once.
                    again.insert(label.replacingOccurrences(of: Calibration.warmLabel, with: ""))
                    retries += 1
                })
                Diagnostics.note("at \(Plural.count(count, "thread")): \(summary)")
                Diagnostics.note("at \(Plural.count(count, "thread")): \(Plural.count(again.count, "point")) timed again (\(Plural.count(retries, "more time"))): "
                    + "rounds that disagreed by more than 10%, points timed only on a busy host, or over 1.4 times what their neighbours predict")
            } else {
                calibrations.append(try calibrateInChild(threads: count))
            }
        }
        let machine = MachineProbe.measure()
        let profile = LatencyProfile(machine: Self.machineName(), kernels: KernelSet.inUse.name,
                                     peakGFLOPS: machine.peakGFLOPS, bandwidthGBps: machine.bandwidthGBps,
                                     created: ISO8601DateFormatter().string(from: Date()),
                                     lastLevelCacheBytes: MachineProbe.cacheBytes(level: nil) ?? 0, calibrations: calibrations)
        try SharedOptions.write(profile.json.documentText, to: output)
        for warning in profile.busyCoreWarnings { Diagnostics.warn(warning) }
        let points = calibrations.map { "\($0.samples.count) layers at \(Plural.count($0.threads, "thread"))" }.joined(separator: ", ")
        Diagnostics.note("profile of \(profile.machine) (\(profile.kernels) kernels): \(points)" + (output.map { "; written to \($0)" } ?? ""))
        return .success
    }

    /// Runs `netcost calibrate` again with `NETCOST_THREADS`: the executor reads its thread
    /// count once per process.
    private func calibrateInChild(threads count: Int) throws(InputError) -> LatencyCalibration {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-calibrate-\(ProcessInfo.processInfo.processIdentifier)-\(count).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: FileManager.default.fileExists(atPath: "/proc/self/exe")
                                  ? (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
                                  : CommandLine.arguments[0])
        child.arguments = ["calibrate", "--threads", String(count), "--budget", String(budget), "-o", file] + (quick ? ["--quick"] : [])
            + (points.map { ["--points", String($0)] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["NETCOST_THREADS"] = String(count)
        child.environment = environment
        do {
            try child.run()
        } catch {
            throw InputError("could not start a calibration at \(count) threads: \(error.localizedDescription)")
        }
        child.waitUntilExit()
        guard child.terminationStatus == 0 else {
            throw InputError("the calibration at \(count) threads failed (exit status \(child.terminationStatus))")
        }
        let profile = try LatencyProfile.load(file: file)
        guard let calibration = profile.calibrations.first else { throw InputError("the calibration at \(count) threads wrote no samples") }
        return calibration
    }

    /// The CPU's model name where the system says it, and the cores.
    static func machineName() -> String {
        let state = MachineState.current()
        return (state.cpu.map { $0 + ", " } ?? "") + "\(state.activeProcessors) cores"
    }
}
