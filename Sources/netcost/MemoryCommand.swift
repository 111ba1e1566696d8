import ArgumentParsing
import NetCost

/// `netcost memory MODEL`: the activation memory of one inference, step by step.
struct MemoryCommand: Subcommand {
    static let spec = CommandSpec(
        name: "memory",
        abstract: "The activation memory of one inference, step by step: the buffers alive, what each step allocates and frees, and the peak.",
        discussion: """
        Layers run in the model's own order (the spec's, the ONNX file's). A layer's output \
        buffer is allocated when it runs and freed after its last reader; views share their \
        source's buffer; stored tensors (weights) are not activations. The graph input is \
        counted. The order with the smallest peak is searched for (exactly while the sets of \
        layers to try stay few, by a stated heuristic beyond) and its peak printed beside; \
        --order best shows its steps. --in-place lets activations, batch norm and element-wise ops write over an \
        input that nothing reads afterwards, as inference runtimes do. --fuse schedules the \
        deployed graph (batch norm folded, activations fused). Rules: docs/memory.md.
        """,
        arguments: [SharedOptions.model],
        options: SharedOptions.overrides + [
            SharedOptions.dtype,
            .flag("in-place", help: "let activations, batch norm and element-wise ops write over an input nothing reads afterwards"),
            .flag("fuse", help: "schedule the deployed graph: batch norm folded into the conv before it, activations fused into their producer"),
            .flag("split-expansions", help: "compute each inverted residual block in t splits, t its expansion factor, so that its expanded tensor is never whole (MobileNetV2, Section 5.1)"),
            .value("convention", "NAME", help: "whose rules free the buffers: netcost's (an inference runtime's) or pytorch's (its eager forward under torch.no_grad())", choices: MemorySchedule.Rules.allCases.map(\.rawValue), default: "netcost"),
            .value("order", "ORDER", help: "the order the steps are shown in: the model's own, or the one with the smallest peak", choices: ["model", "best"], default: "model"),
            SharedOptions.format(["text", "json"]),
            SharedOptions.output,
        ],
        examples: [
            "netcost memory mobilenet_v2",
            "netcost memory mobilenet_v2 --dtype int8 --in-place --fuse",
            "netcost memory model.onnx --batch 8 --format json",
            "netcost memory resnet18 --convention pytorch",
        ])

    let model: String
    let overrides: SpecOverrides
    let dataType: DataType
    let inPlace: Bool
    let fuse: Bool
    let bestOrder: Bool
    let rules: MemorySchedule.Rules
    let splitExpansions: Bool
    let format: String
    let output: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        model = arguments.argument("MODEL") ?? ""
        overrides = try SharedOptions.overrides(arguments)
        dataType = SharedOptions.dataType(arguments)
        inPlace = arguments.flag("in-place")
        fuse = arguments.flag("fuse")
        bestOrder = arguments.string("order") == "best"
        rules = arguments.string("convention").flatMap(MemorySchedule.Rules.init(rawValue:)) ?? .netcost
        splitExpansions = arguments.flag("split-expansions")
        if rules == .pytorch && (arguments.flag("in-place") || arguments.flag("fuse")) {
            throw arguments.fail("--convention pytorch has PyTorch's own in-place activations and runs the model's layers as written: drop --in-place and --fuse")
        }
        format = arguments.string("format") ?? "text"
        output = arguments.string("output")
    }

    func run() throws -> ExitStatus {
        let loaded = try ModelLoader.load(model, overrides: overrides)
        for warning in loaded.warnings { Diagnostics.warn(warning) }
        let graph = fuse ? try Fusion.deploy(loaded.graph) : loaded.graph
        let report = try MemoryReport(graph, dataType: dataType, inPlace: inPlace, bestOrder: bestOrder, rules: rules, splitExpansions: splitExpansions)
        try SharedOptions.write(format == "json" ? report.json() : report.text(), to: output)
        if report.unsupportedLayers > 0 {
            Diagnostics.warn("partial result: \(report.unsupportedLayers) layers netcost cannot count are in the schedule at sizes that may be guesses")
            return .failure
        }
        return .success
    }
}
