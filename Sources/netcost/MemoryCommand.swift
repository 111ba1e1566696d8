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
        deployed graph (batch norm folded, activations fused). --training prints what one \
        training step keeps instead: each layer's saved tensors under PyTorch's autograd rules, \
        the weights, their gradients and the optimizer's state; --budget finds the largest \
        batch that fits. Rules: docs/memory.md.
        """,
        arguments: [SharedOptions.model],
        options: SharedOptions.overrides + [
            SharedOptions.dtype,
            .flag("in-place", help: "let activations, batch norm and element-wise ops write over an input nothing reads afterwards"),
            .flag("fuse", help: "schedule the deployed graph: batch norm folded into the conv before it, activations fused into their producer"),
            .flag("split-expansions", help: "compute each inverted residual block in t splits, t its expansion factor, so that its expanded tensor is never whole (MobileNetV2, Section 5.1)"),
            .value("convention", "NAME", help: "whose rules free the buffers: netcost's (an inference runtime's) or pytorch's (its eager forward under torch.no_grad())", choices: MemorySchedule.Rules.allCases.map(\.rawValue), default: "netcost"),
            .flag("first-layer-trick", help: "run the first convolution and the per-channel layers after it one channel at a time, summed into the 1x1 convolution that reads them (MobileNetV2, Section 5)"),
            .flag("by-resolution", help: "the largest tensor materialized at each resolution, as MobileNetV2's Table 3 (with the paper's column for the networks it prints)"),
            .flag("training", help: "what a training step keeps: saved activations per layer (PyTorch's rules), weights, gradients, optimizer state"),
            .value("optimizer", "NAME", help: "with --training: the optimizer whose state is counted", choices: TrainingMemory.Optimizer.allCases.map(\.rawValue), default: "adam"),
            .value("budget", "SIZE", help: "with --training: the memory a step may take, such as 16G; prints the largest batch that fits"),
            .value("planner", "NAME", help: "for a .tflite file: whose arena planner lays out the activations (tflm: TensorFlow Lite Micro's greedy planner, byte for byte)", choices: ["tflm"]),
            .value("order", "ORDER", help: "the order the steps are shown in: the model's own, or the one with the smallest peak", choices: ["model", "best"], default: "model"),
            SharedOptions.format(["text", "json"]),
            SharedOptions.output,
        ],
        examples: [
            "netcost memory mobilenet_v2",
            "netcost memory mobilenet_v2 --dtype int8 --in-place --fuse",
            "netcost memory model.onnx --batch 8 --format json",
            "netcost memory resnet18 --convention pytorch",
            "netcost memory mobilenet_v2 --by-resolution --dtype fp16 --fuse --in-place --split-expansions --first-layer-trick",
            "netcost memory mobilenet_v2 --training --optimizer sgd --batch 8",
            "netcost memory resnet50 --training --budget 16G",
        ])

    let model: String
    let overrides: SpecOverrides
    let givenDataType: DataType?
    let inPlace: Bool
    let fuse: Bool
    let bestOrder: Bool
    let rules: MemorySchedule.Rules
    let splitExpansions: Bool
    let byResolution: Bool
    let firstLayerTrick: Bool
    let training: Bool
    let optimizer: TrainingMemory.Optimizer
    let budget: Int?
    let format: String
    let output: String?
    let planner: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        model = arguments.argument("MODEL") ?? ""
        planner = arguments.string("planner")
        if planner != nil, let other = ["training", "fuse", "in-place", "by-resolution", "first-layer-trick", "split-expansions"].first(where: arguments.flag) {
            throw arguments.fail("--planner tflm plans the file as TensorFlow Lite Micro runs it; --\(other) does not apply to that plan")
        }
        overrides = try SharedOptions.overrides(arguments)
        givenDataType = SharedOptions.dataType(arguments)
        inPlace = arguments.flag("in-place")
        fuse = arguments.flag("fuse")
        bestOrder = arguments.string("order") == "best"
        rules = arguments.string("convention").flatMap(MemorySchedule.Rules.init(rawValue:)) ?? .netcost
        splitExpansions = arguments.flag("split-expansions")
        if rules == .pytorch && (arguments.flag("in-place") || arguments.flag("fuse")) {
            throw arguments.fail("--convention pytorch has PyTorch's own in-place activations and runs the model's layers as written: drop --in-place and --fuse")
        }
        training = arguments.flag("training")
        byResolution = arguments.flag("by-resolution")
        firstLayerTrick = arguments.flag("first-layer-trick")
        if training && byResolution { throw arguments.fail("give --training or --by-resolution, not both") }
        optimizer = arguments.string("optimizer").flatMap(TrainingMemory.Optimizer.init(rawValue:)) ?? .adam
        budget = try arguments.quantity("budget", units: ParsedArguments.binaryUnits, in: 1...Int.max, example: "16G or 512M")
        if !training && arguments.string("budget") != nil {
            throw arguments.fail("--budget is for a training step: add --training")
        }
        if training && (fuse || splitExpansions || firstLayerTrick) {
            throw arguments.fail("--training counts the model as PyTorch trains it: drop --fuse, --split-expansions and --first-layer-trick")
        }
        format = arguments.string("format") ?? "text"
        output = arguments.string("output")
    }

    func run() throws -> ExitStatus {
        if planner == "tflm" {
            guard TFLiteLoader.isTFLitePath(model) else { throw InputError("--planner tflm reads a .tflite file", file: model) }
            let report = try TFLiteArenaReport(file: model, model: try TFLiteLoader.load(file: model))
            try SharedOptions.write(format == "json" ? report.json.documentText : report.text(), to: output)
            return .success
        }
        var loaded = try ModelLoader.load(model, overrides: overrides)
        for warning in loaded.warnings { Diagnostics.warn(warning) }
        let dataType = SharedOptions.dataType(givenDataType, &loaded)
        // A .tflite file's activations are fused into the ops that write them: it is planned as deployed.
        let graph = fuse || loaded.tflite != nil ? try Fusion.deploy(loaded.graph) : loaded.graph
        var report = try MemoryReport(graph, dataType: dataType, inPlace: inPlace, bestOrder: bestOrder, rules: rules, splitExpansions: splitExpansions,
                                  firstLayerTrick: firstLayerTrick)
        if training {
            let memory = try TrainingReport.memory(of: graph, dataType: dataType, optimizer: optimizer)
            let fit = try budget.map { (budget) throws(InputError) in
                try TrainingReport.largestBatch(within: budget, maximum: SpecOverrides.maximumBatch) { (batch) throws(InputError) in
                    var atBatch = overrides
                    atBatch.batch = batch
                    let graph: Graph
                    do throws(InputError) {
                        graph = try ModelLoader.load(model, overrides: atBatch).graph
                    } catch {
                        var error = error
                        error.message = "--budget measures the model at other batches, and it cannot be built at \(batch): " + error.message
                        throw error
                    }
                    return try TrainingReport.memory(of: graph, dataType: dataType, optimizer: optimizer).totalBytes
                }
            }
            report.training = TrainingReport(graph, memory: memory, dataType: dataType, inferencePeakBytes: report.schedule.peakBytes, budget: fit)
        }
        let text = report.training?.text() ?? (byResolution ? report.resolutionText() : report.text())
        try SharedOptions.write(format == "json" ? report.json() : text, to: output)
        if let training = report.training, !training.memory.unknownLayers.isEmpty {
            Diagnostics.warn("partial result: netcost has no training rules for \(training.memory.unknownLayers.count) layers")
            return .failure
        }
        if report.unsupportedLayers > 0 {
            Diagnostics.warn("partial result: \(report.unsupportedLayers) layers netcost cannot count are in the schedule at sizes that may be guesses")
            return .failure
        }
        return .success
    }
}
