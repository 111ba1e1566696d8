import ArgumentParsing
import NetCost

/// `netcost report MODEL`: per-layer costs as a tree, a table, CSV or JSON.
struct ReportCommand: Subcommand {
    static let spec = CommandSpec(
        name: "report",
        abstract: "Print each layer's parameters, MACs, FLOPs, memory access, output shape and receptive field.",
        discussion: """
        The tree folds layers into the blocks their names form (features.3.dw.conv sits \
        under features.3); percentages are of the whole network. The footer gives params, \
        buffers, the Keras-style total, MACs, FLOPs, memory access, activations, model size \
        and the receptive field of the last feature map. Counting conventions: docs/counting.md.
        """,
        arguments: [SharedOptions.model],
        options: SharedOptions.overrides + [
            .value("depth", "N", help: "fold every block below depth N into one row"),
            .flag("flat", help: "one row per layer with full names, no tree"),
            .value("sort", "KEY", help: "order rows (siblings in the tree) by this cost, largest first", choices: SortKey.allCases.map(\.rawValue)),
            .value("top", "N", help: "only the N costliest rows (by --sort, default macs), flat"),
            SharedOptions.format(ReportFormat.allCases.map(\.rawValue)),
            SharedOptions.dtype,
            .value("bits", "N", help: "bits per stored weight for the model size (default: the dtype's)"),
            .value("density", "D", help: "fraction of weights kept by pruning, stored sparse with relative indices", default: "1"),
            .value("index-bits", "B", help: "bits per relative index of a sparse weight", default: "4"),
            .flag("codebook", help: "weights shared through a per-layer codebook of 2^bits float32 centroids"),
            .flag("fuse", help: "report the deployed graph: batch norm folded into the conv before it, activations fused into their producer"),
            SharedOptions.output,
        ],
        examples: [
            "netcost report specs/mobilenet_v2.json",
            "netcost report mobilenet_v2 --depth 2 --sort macs",
            "netcost report mobilenet_v2 --flat --top 10",
            "netcost report mobilenet_v2 --width 0.5 --resolution 160 --format json",
            "netcost report mobilenet_v2 --fuse",
            "netcost report squeezenet1_0 --bits 6 --density 0.33 --codebook",
        ])

    let model: String
    let overrides: SpecOverrides
    let selection: RowSelection
    let format: ReportFormat
    let dataType: DataType
    let storage: StorageModel
    let fuse: Bool
    let output: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        model = arguments.argument("MODEL") ?? ""
        overrides = try SharedOptions.overrides(arguments)
        selection = RowSelection(depth: try arguments.int("depth", in: 0...1000),
                                 flat: arguments.flag("flat"),
                                 sort: arguments.string("sort").flatMap(SortKey.init(rawValue:)),
                                 top: try arguments.int("top", in: 1...Int(Int32.max)))
        format = arguments.string("format").flatMap(ReportFormat.init(rawValue:)) ?? .text
        dataType = SharedOptions.dataType(arguments)
        storage = StorageModel(bits: try arguments.int("bits", in: 1...64) ?? 8 * dataType.bytes,
                               density: try arguments.double("density", in: 0.000001...1) ?? 1,
                               indexBits: try arguments.int("index-bits", in: 0...32) ?? 4,
                               codebook: arguments.flag("codebook"))
        fuse = arguments.flag("fuse")
        output = arguments.string("output")
    }

    func run() throws -> ExitStatus {
        let loaded = try ModelLoader.load(model, overrides: overrides)
        for warning in loaded.warnings { Diagnostics.warn(warning) }
        let analysis = try Analysis(loaded.graph)
        let deployed = fuse ? try Analysis(Fusion.deploy(loaded.graph)) : nil
        let report = CostReport(model: loaded, analysis: analysis, deployed: deployed, selection: selection, dataType: dataType, storage: storage)
        try SharedOptions.write(try report.render(format), to: output)
        if analysis.isPartial {
            Diagnostics.warn("partial result: \(report.unsupportedSummary(analysis)) could not be counted")
            return .failure
        }
        return .success
    }
}
