import ArgumentParsing
import Foundation
import NetCost
import NetCostExecutor

/// `netcost bench MODEL`: per-layer latency beside the roofline.
struct BenchCommand: Subcommand {
    static let spec = CommandSpec(
        name: "bench",
        abstract: "Time each layer with the executor's fast kernels and set its GFLOP/s and GB/s beside a roofline estimate.",
        discussion: """
        Each layer's median time over the repetitions, its achieved GFLOP/s (netcost's FLOPs \
        over the time) and GB/s (memory access bytes over the time), its arithmetic intensity, \
        and the roofline: min(peak, intensity × bandwidth) and the time that allows. The peak \
        and bandwidth default to a short measurement of this machine. Speed varies with what \
        else the machine runs; see docs/executor.md. The kernels are the widest vector \
        width this CPU runs (AVX-512, AVX2 or the baseline); NETCOST_KERNELS=avx2 or sse2 \
        forces a narrower set. Adjacent layers that the executor merges (a 1×1 convolution \
        and the depthwise one after it; a convolution and its residual add) are timed \
        together; NETCOST_MERGE=0 times every layer alone.
        """,
        arguments: [SharedOptions.model],
        options: SharedOptions.singleSampleOverrides + SharedOptions.runLimits + [
            .flag("fuse", help: "time the deployed graph (batch norm folded, activations fused), as an inference engine runs it"),
            .value("repetitions", "N", help: "timed passes over the graph", default: "10"),
            .value("warmup", "N", help: "untimed passes first", default: "2"),
            .value("peak-gflops", "X", help: "the machine's peak GFLOP/s for the roofline", default: "measured"),
            .value("bandwidth", "X", help: "the machine's memory bandwidth in GB/s for the roofline", default: "measured"),
            .value("seed", "N", help: "seed of the random weights and inputs", default: "0"),
            SharedOptions.format(["text", "markdown", "json"]),
            SharedOptions.output,
            .value("trace", "FILE", help: "also write every timed pass, layer by layer, as Chrome trace-event JSON for chrome://tracing or Perfetto"),
        ],
        examples: [
            "netcost bench mobilenet_v2 --fuse",
            "netcost bench mobilenet_v2 --trace mobilenet_v2.trace.json",
            "netcost bench resnet18 --peak-gflops 200 --bandwidth 20 --format json",
        ])

    let model: String
    let overrides: SpecOverrides
    let fuse: Bool
    let repetitions: Int
    let warmup: Int
    let peak: Double?
    let bandwidth: Double?
    let seed: UInt64
    let limits: RunLimits
    let format: String
    let output: String?
    let trace: String?

    /// The most events a trace may hold (layers × passes): about 300 MB of JSON.
    static let maximumTraceEvents = 1_000_000

    init(_ arguments: ParsedArguments) throws(UsageError) {
        model = arguments.argument("MODEL") ?? ""
        overrides = try SharedOptions.overrides(arguments)
        fuse = arguments.flag("fuse")
        repetitions = try arguments.int("repetitions", in: 1...100_000) ?? 10
        warmup = try arguments.int("warmup", in: 0...100_000) ?? 2
        peak = try arguments.double("peak-gflops", in: 0.001...1e9)
        bandwidth = try arguments.double("bandwidth", in: 0.001...1e9)
        seed = UInt64(try arguments.int("seed", in: 0...Int(Int32.max)) ?? 0)
        limits = try SharedOptions.runLimits(arguments)
        format = arguments.string("format") ?? "text"
        output = arguments.string("output")
        trace = arguments.string("trace")
    }

    func run() throws -> ExitStatus {
        let loaded = try ModelLoader.load(model, overrides: overrides)
        for warning in loaded.warnings { Diagnostics.warn(warning) }
        let graph = fuse ? try Fusion.deploy(loaded.graph) : loaded.graph
        if trace != nil, graph.layers.count > Self.maximumTraceEvents / repetitions {
            throw InputError("--trace writes one event per layer and pass: \(graph.layers.count) layers × \(repetitions) passes "
                + "pass the limit of \(NumberFormat.grouped(Self.maximumTraceEvents)) events; give fewer --repetitions")
        }
        // Measure the machine only for what was not given.
        var machine = MachineProfile(peakGFLOPS: peak ?? 0, bandwidthGBps: bandwidth ?? 0)
        if peak == nil || bandwidth == nil {
            let measured = MachineProbe.measure()
            machine = MachineProfile(peakGFLOPS: peak ?? measured.peakGFLOPS, bandwidthGBps: bandwidth ?? measured.bandwidthGBps, cores: measured.cores)
        }
        let report = try Benchmark.run(graph, repetitions: repetitions, warmup: warmup, seed: seed, limits: limits, machine: machine,
                                       keepPasses: trace != nil)
        if let trace {
            let title = "netcost bench \((model as NSString).lastPathComponent)" + (fuse ? " --fuse" : "")
            try SharedOptions.write(report.chromeTrace(processID: Int(ProcessInfo.processInfo.processIdentifier), title: title), to: trace)
        }
        try SharedOptions.write(format == "json" ? report.json.documentText : render(table: report, markdown: format == "markdown"), to: output)
        return .success
    }


    private func render(table report: BenchmarkReport, markdown: Bool) -> String {
        let layerTime = report.layers.reduce(0) { $0 + $1.seconds }
        var table = Table(columns: [Table.Column("Layer"), Table.Column("Op"), Table.Column("ms", right: true), Table.Column("%", right: true),
                                    Table.Column("GFLOP/s", right: true), Table.Column("GB/s", right: true), Table.Column("FLOP/B", right: true),
                                    Table.Column("roofline GFLOP/s", right: true), Table.Column("bound"), Table.Column("roofline ms", right: true)])
        for layer in report.layers {
            // Views move and compute nothing: no roofline verdict.
            let roofline = layer.flops == 0 && layer.bytes == 0 ? nil : layer.roofline
            if let merge = layer.merge, !merge.isFirst {
                table.append([layer.name, layer.op, "merged", "-", "-", "-", NumberFormat.fixed(layer.intensity, 2),
                              roofline.map { NumberFormat.fixed($0.attainableGFLOPS, 1) } ?? "-",
                              roofline.map { $0.memoryBound ? "memory" : "compute" } ?? "",
                              roofline.map { NumberFormat.fixed($0.seconds * 1e3, 3) } ?? "-"])
                continue
            }
            table.append([layer.name, layer.op, NumberFormat.fixed(layer.seconds * 1e3, 3),
                          layerTime > 0 ? NumberFormat.fixed(100 * layer.seconds / layerTime, 1) : "-",
                          NumberFormat.fixed(layer.gflops, 1), NumberFormat.fixed(layer.gbps, 1), NumberFormat.fixed(layer.intensity, 2),
                          roofline.map { NumberFormat.fixed($0.attainableGFLOPS, 1) } ?? "-",
                          roofline.map { $0.memoryBound ? "memory" : "compute" } ?? "",
                          roofline.map { NumberFormat.fixed($0.seconds * 1e3, 3) } ?? "-"])
        }
        var lines = [(markdown ? "## " : "") + "\(report.model): median of \(Plural.count(report.repetitions, "pass", plural: "passes"))" + (fuse ? ", deployed graph (--fuse)" : ""), ""]
        lines.append(markdown ? table.markdown() : table.text())
        lines.append("")
        let merged = report.layers.filter { $0.merge?.isFirst == true }
        if !merged.isEmpty {
            let bands = merged.filter { $0.merge?.how == .rowBands }.count, residuals = merged.count - bands
            var kinds: [String] = []
            if bands > 0 { kinds.append("\(bands) 1×1 convolution\(bands == 1 ? "" : "s") with the depthwise layer after, in row bands") }
            if residuals > 0 { kinds.append("\(residuals) convolution\(residuals == 1 ? "" : "s") with the residual add after, in the epilogue") }
            lines.append("Merged: \(kinds.joined(separator: "; ")). The first row's time and rates cover both layers; "
                + "NETCOST_MERGE=0 times them apart")
        }
        let overall = report.totalSeconds > 0 ? Double(report.totalFlops) / report.totalSeconds / 1e9 : 0
        let roofline = report.layers.reduce(0) { $0 + ($1.roofline?.seconds ?? 0) }
        lines.append("Latency: \(NumberFormat.fixed(report.totalSeconds * 1e3, 3)) ms per image (median pass); \(NumberFormat.fixed(overall, 1)) GFLOP/s overall")
        lines.append("Roofline: \(NumberFormat.fixed(roofline * 1e3, 3)) ms at best; measured is \(roofline > 0 ? NumberFormat.fixed(report.totalSeconds / roofline, 2) + "×" : "-") that")
        lines.append(report.kernels.summary)
        if let machine = report.machine {
            lines.append("Machine: peak \(NumberFormat.fixed(machine.peakGFLOPS, 1)) GFLOP/s, bandwidth \(NumberFormat.fixed(machine.bandwidthGBps, 1)) GB/s (ridge at \(NumberFormat.fixed(machine.rooflineDevice.ridge, 2)) FLOP/B)\(peak == nil || bandwidth == nil ? ", measured just now" : "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
