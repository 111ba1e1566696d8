import ArgumentParsing
import NetCost

/// `netcost report MODEL`: per-layer costs as a tree, a table, CSV or JSON, or drawn:
/// an HTML page or one SVG chart.
struct ReportCommand: Subcommand {
    static let spec = CommandSpec(
        name: "report",
        abstract: "Print each layer's parameters, MACs, FLOPs, memory access, output shape and receptive field.",
        discussion: """
        The tree folds layers into the blocks their names form (features.3.dw.conv sits \
        under features.3); percentages are of the whole network. The footer gives params, \
        buffers, the Keras-style total, MACs, FLOPs, memory access, activations, model size \
        and the receptive field of the last feature map. Counting conventions: docs/counting.md. \
        --format netron writes, for an ONNX file, the attachment that Netron opens beside the \
        model to show each node's costs in its sidebar (docs/onnx.md). --format html writes one self-contained page (summary, cost bars, roofline, receptive \
        field, check findings, a sortable layer table); --format svg --chart writes one chart \
        alone (docs/visual-report.md).
        """,
        arguments: [SharedOptions.model],
        options: SharedOptions.overrides + [
            .value("depth", "N", help: "fold every block below depth N into one row"),
            .flag("flat", help: "one row per layer with full names, no tree"),
            .value("sort", "KEY", help: "order rows (siblings in the tree) by this cost, largest first", choices: SortKey.allCases.map(\.rawValue)),
            .value("top", "N", help: "only the N costliest rows (by --sort, default macs), flat; in json, the N costliest layers"),
            .value("columns", "LIST", help: "the table's columns, in order: \(ReportColumn.allCases.map(\.rawValue).joined(separator: ","))"),
            .value("units", "UNIT", help: "one SI prefix for every count in the table, or exact integers", choices: CountStyle.Unit.allCases.map(\.rawValue), default: "auto"),
            .value("precision", "N", help: "digits after the point of shortened counts", default: "2"),
            SharedOptions.format(ReportFormat.allCases.map(\.rawValue) + VisualFormat.allCases.map(\.rawValue)),
            .value("chart", "KIND", help: "the chart --format svg draws", choices: ChartKind.allCases.map(\.rawValue), default: "macs"),
            .value("peak-gflops", "G", help: "the roofline device's peak arithmetic, GFLOP/s", default: "384, a nominal 4-core AVX2 desktop"),
            .value("bandwidth", "GBPS", help: "the roofline device's memory bandwidth, GB/s", default: "51.2, dual-channel DDR4-3200"),
            .flag("checks", help: "run netcost check and mark its findings (default for html)"),
            .flag("no-checks", help: "leave the check findings out of the html page"),
            .value("timings", "FILE", help: "per-layer latencies written by netcost bench --format json, shown beside the costs"),
            SharedOptions.dtype,
            .value("bits", "N", help: "bits per stored weight for the model size (default: the dtype's)"),
            .value("density", "D", help: "fraction of weights kept by pruning, stored sparse with relative indices", default: "1"),
            .value("index-bits", "B", help: "bits per relative index of a sparse weight", default: "4"),
            .flag("codebook", help: "weights shared through a per-layer codebook of 2^bits float32 centroids"),
            .flag("fuse", help: "report the deployed graph: batch norm folded into the conv before it, activations fused into their producer"),
            .value("convention", "NAME", help: "also count as this tool does: its total and per-layer figures (docs/conventions.md)", choices: CountingConvention.allCases.map(\.rawValue)),
            .value("explain", "A,B", help: "where two conventions' totals part, by op family and by layer (text or json)"),
            .flag("training", help: "add a training step's backward pass: gradients for each layer's input and weights, under --convention's rules (netcost's own without it)"),
            SharedOptions.output,
        ],
        examples: [
            "netcost report specs/mobilenet_v2.json",
            "netcost report mobilenet_v2 --depth 2 --sort macs",
            "netcost report mobilenet_v2 --flat --top 10",
            "netcost report mobilenet_v2 --width 0.5 --resolution 160 --format json",
            "netcost report mobilenet_v2 --fuse",
            "netcost report mobilenet_v2 --convention flopcounter --training",
            "netcost report mobilenet_v2 --explain fvcore,ptflops",
            "netcost report squeezenet1_0 --bits 6 --density 0.33 --codebook",
            "netcost report mobilenet_v2 --format html -o mobilenet_v2.html",
            "netcost report resnet50.onnx --format netron -o resnet50.attachment.json",
            "netcost report mobilenet_v2 --format svg --chart roofline --peak-gflops 150 --bandwidth 20 -o roofline.svg",
        ])

    /// A table format, or a drawing.
    enum Output {
        case table(ReportFormat)
        case visual(VisualFormat)
    }

    let model: String
    let overrides: SpecOverrides
    let selection: RowSelection
    let columns: [ReportColumn]?
    let countStyle: CountStyle
    let format: Output
    let chart: ChartKind
    let peakGFLOPS: Double?
    let bandwidthGBps: Double?
    let checks: Bool
    let timings: String?
    let givenDataType: DataType?
    /// `--bits`, `--density`, `--index-bits`, `--codebook`: the stored model; bits default
    /// to the element type's.
    let storageBits: Int?
    let storage: StorageModel
    let fuse: Bool
    let convention: CountingConvention?
    let training: Bool
    let explain: (CountingConvention, CountingConvention)?
    let output: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        model = arguments.argument("MODEL") ?? ""
        overrides = try SharedOptions.overrides(arguments)
        selection = RowSelection(depth: try arguments.int("depth", in: 0...1000),
                                 flat: arguments.flag("flat"),
                                 sort: arguments.string("sort").flatMap(SortKey.init(rawValue:)),
                                 top: try arguments.int("top", in: 1...Int(Int32.max)))
        columns = try arguments.string("columns").map { (text: String) throws(UsageError) in
            switch ReportColumn.parse(text) {
            case .success(let columns): return columns
            case .failure(let error): throw arguments.fail(error.message)
            }
        }
        countStyle = CountStyle(unit: arguments.string("units").flatMap(CountStyle.Unit.init(name:)) ?? .auto,
                                precision: try arguments.int("precision", in: 0...12) ?? 2)
        let formatName = arguments.string("format") ?? "text"
        let visual = VisualFormat(rawValue: formatName)
        format = visual.map(Output.visual) ?? .table(ReportFormat(rawValue: formatName) ?? .text)
        chart = arguments.string("chart").flatMap(ChartKind.init(rawValue:)) ?? .macs
        peakGFLOPS = try arguments.double("peak-gflops", in: 0.000001...1e12)
        bandwidthGBps = try arguments.double("bandwidth", in: 0.000001...1e12)
        timings = arguments.string("timings")
        if arguments.flag("checks") && arguments.flag("no-checks") { throw arguments.fail("give --checks or --no-checks, not both") }
        checks = visual == .html ? !arguments.flag("no-checks") : arguments.flag("checks")
        if arguments.string("chart") != nil && visual != .svg { throw arguments.fail("--chart picks the chart of --format svg") }
        let drawingOnly = ["peak-gflops", "bandwidth", "timings"].filter { arguments.string($0) != nil } + ["checks", "no-checks"].filter(arguments.flag)
        if let option = drawingOnly.first, visual == nil { throw arguments.fail("--\(option) applies to --format html or svg") }
        givenDataType = SharedOptions.dataType(arguments)
        storageBits = try arguments.int("bits", in: 1...64)
        storage = StorageModel(bits: storageBits ?? 8 * (givenDataType ?? .fp32).bytes,
                               density: try arguments.double("density", in: 0.000001...1) ?? 1,
                               indexBits: try arguments.int("index-bits", in: 0...32) ?? 4,
                               codebook: arguments.flag("codebook"))
        fuse = arguments.flag("fuse")
        training = arguments.flag("training")
        convention = arguments.string("convention").flatMap(CountingConvention.init(rawValue:)) ?? (training ? .netcost : nil)
        let pair = try arguments.list("explain", element: "conventions (\(CountingConvention.allCases.map(\.rawValue).joined(separator: ", ")))") {
            CountingConvention(rawValue: $0.lowercased())
        }
        if let pair, pair.count != 2 { throw arguments.fail("--explain compares two conventions, such as fvcore,ptflops") }
        explain = pair.map { ($0[0], $0[1]) }
        if (convention != nil || explain != nil) && fuse { throw arguments.fail("--convention and --explain count the model as the tools see it: drop --fuse") }
        if explain != nil && (arguments.string("convention") != nil || training) {
            throw arguments.fail("--explain prints the difference alone: drop --convention and --training")
        }
        if let convention, training, !convention.countsBackward {
            throw arguments.fail("\(convention.rawValue) counts no backward pass: --training takes --convention netcost or flopcounter")
        }
        if convention != nil || explain != nil, !["text", "markdown", "json"].contains(formatName) {
            throw arguments.fail("--convention, --training and --explain print text, markdown or json")
        }
        if explain != nil, formatName == "markdown" { throw arguments.fail("--explain prints text or json") }
        output = arguments.string("output")
        if formatName == ReportFormat.netron.rawValue {
            guard ONNXImporter.isONNXPath(model) else {
                throw arguments.fail("--format netron annotates the nodes of an ONNX file, which Netron opens beside it; give a .onnx file (for a spec or a built-in model, --format json)")
            }
            if fuse { throw arguments.fail("--format netron annotates the file's own nodes, and --fuse's deployed graph has none of its own") }
        }
    }

    func run() throws -> ExitStatus {
        var loaded = try ModelLoader.load(model, overrides: overrides)
        for warning in loaded.warnings { Diagnostics.warn(warning) }
        let dataType = SharedOptions.dataType(givenDataType, &loaded)
        let analysis = try Analysis(loaded.graph)
        let deployed = fuse ? try Analysis(Fusion.deploy(loaded.graph)) : nil
        var storage = self.storage
        if storageBits == nil { storage.bits = 8 * dataType.bytes }
        var report = CostReport(model: loaded, analysis: analysis, deployed: deployed, selection: selection, dataType: dataType, storage: storage,
                                columns: columns, countStyle: countStyle)
        if let file = loaded.tflite, storageBits == nil, givenDataType == nil {
            report.fileConstantBytes = file.constantBytes
        }
        if let convention { report.convention = try ConventionCount(analysis, convention: convention, training: training) }
        if let (first, second) = explain {
            let difference = try ConventionDifference(analysis, first, second)
            let json: Bool
            if case .table(.json) = format { json = true } else { json = false }
            try SharedOptions.write(json ? difference.json(loaded.graph) : difference.text(loaded.graph), to: output)
            return analysis.isPartial ? .failure : .success
        }
        switch format {
        case .table(.netron):
            let attachment = try NetronAttachment(report: report)
            for warning in attachment.warnings { Diagnostics.warn(warning) }
            try SharedOptions.write(attachment.render(), to: output)
        case .table(let format):
            try SharedOptions.write(try report.render(format), to: output)
        case .visual(let format):
            // A check that cannot run (a rebuild the spec rejects) leaves the findings out,
            // not the page: the costs are still right.
            var findings: CheckReport?, checkFailure: String?
            if checks {
                do {
                    findings = try Checker.check(loaded, rebuild: loaded.isRebuildable ? SharedOptions.rebuilder(model, overrides) : nil)
                } catch {
                    checkFailure = error.description
                    Diagnostics.warn("the check findings are left out: \(error.description)")
                }
            }
            let measured = try timings.map { (path: String) throws(InputError) in try LayerTimings.load(file: path) }
            let device = RooflineDevice.resolve(peakGFLOPS: peakGFLOPS, bandwidthGBps: bandwidthGBps, measured: measured?.machine)
            var visual = VisualReport(report: report, device: device, checks: findings, timings: measured)
            visual.checkFailure = checkFailure
            try SharedOptions.write(try visual.render(format, chart: chart), to: output)
        }
        if analysis.isPartial {
            Diagnostics.warn("partial result: \(report.unsupportedSummary(analysis)) could not be counted")
            return .failure
        }
        return .success
    }
}
