import ArgumentParsing
import NetCost
import NetCostExecutor

/// `netcost verify MODEL`: the executor's counting kernels against the symbolic counts.
struct VerifyCommand: Subcommand {
    static let spec = CommandSpec(
        name: "verify",
        abstract: "Run the network with counting float32 kernels and compare what they execute and touch with the symbolic counts.",
        discussion: """
        Every kernel counts the multiply-accumulates its loops execute and marks the input, \
        weight and output elements it reads and writes; per layer these are compared with \
        netcost's MACs, parameters and memory access. The exit status is 1 on any mismatch. \
        Weights and inputs are random (--seed). --resolution shrinks the input to save time. \
        How the kernels count: docs/executor.md. NETCOST_KERNELS=avx2 or sse2 forces a \
        narrower vector width than the widest this CPU runs.
        """,
        arguments: [SharedOptions.model],
        options: SharedOptions.singleSampleOverrides + SharedOptions.runLimits + [
            .flag("fuse", help: "verify the deployed graph (batch norm folded, activations fused)"),
            .flag("mismatches", help: "list only the layers that do not match"),
            .value("seed", "N", help: "seed of the random weights and inputs", default: "0"),
            SharedOptions.format(["text", "markdown", "json"]),
            SharedOptions.output,
        ],
        examples: [
            "netcost verify mobilenet_v2",
            "netcost verify resnet50 --resolution 112",
            "netcost verify my_net.onnx --format json",
        ])

    let model: String
    let overrides: SpecOverrides
    let fuse: Bool
    let mismatchesOnly: Bool
    let seed: UInt64
    let limits: RunLimits
    let format: String
    let output: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        model = arguments.argument("MODEL") ?? ""
        overrides = try SharedOptions.overrides(arguments)
        fuse = arguments.flag("fuse")
        mismatchesOnly = arguments.flag("mismatches")
        seed = UInt64(try arguments.int("seed", in: 0...Int(Int32.max)) ?? 0)
        limits = try SharedOptions.runLimits(arguments)
        format = arguments.string("format") ?? "text"
        output = arguments.string("output")
    }

    func run() throws -> ExitStatus {
        let loaded = try ModelLoader.load(model, overrides: overrides)
        for warning in loaded.warnings { Diagnostics.warn(warning) }
        let graph = fuse ? try Fusion.deploy(loaded.graph) : loaded.graph
        let report = try Verifier.verify(graph, seed: seed, limits: limits)
        let text = format == "json" ? report.json.documentText : render(table: report, markdown: format == "markdown")
        try SharedOptions.write(text, to: output)
        if !report.allMatch {
            let mismatched = report.layers.filter { !$0.match }.count
            Diagnostics.note("verify: \(Plural.count(mismatched, "layer")) \(mismatched == 1 ? "does" : "do") not match")
            return .failure
        }
        return .success
    }


    private func render(table report: VerificationReport, markdown: Bool) -> String {
        var table = Table(columns: [Table.Column("Layer"), Table.Column("Op"),
                                    Table.Column("MACs", right: true), Table.Column("counted", right: true),
                                    Table.Column("Memory", right: true), Table.Column("counted", right: true),
                                    Table.Column("Params", right: true), Table.Column("counted", right: true), Table.Column("")])
        for layer in report.layers where !mismatchesOnly || !layer.match {
            table.append([layer.name, layer.op,
                          String(layer.macs.symbolic), String(layer.macs.counted),
                          String(layer.memoryAccess.symbolic), String(layer.memoryAccess.counted),
                          String(layer.params.symbolic), String(layer.params.counted),
                          layer.match ? "ok" : (layer.outOfRange ? "MISMATCH (out of range)" : "MISMATCH")])
        }
        let matching = report.layers.filter(\.match).count
        let summary = "\(report.model): \(matching) of \(Plural.count(report.layers.count, "layer")) \(matching == 1 ? "matches" : "match")"
            + (report.allMatch ? "" : "; \(report.layers.count - matching) \(report.layers.count - matching == 1 ? "does" : "do") not")
        let heading = (markdown ? "## " : "") + "\(report.model): symbolic counts (left) against what the kernels counted (right), seed \(seed)"
        return [heading, "", markdown ? table.markdown() : table.text(), "", summary, report.kernels.summary].joined(separator: "\n") + "\n"
    }
}
