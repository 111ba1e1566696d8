/// The visual report: `report --format html` (one self-contained page) and
/// `report --format svg --chart macs|roofline|rf` (one chart alone).
///
/// The page holds the summary, the cost bars (folded into blocks and unfolded), the
/// roofline, the receptive field across depth, the check findings and the per-layer
/// table. Charts show the deployed graph with `--fuse`, as the text report does; the
/// findings come from the training graph, as `netcost check` reports them. Output is
/// deterministic: the same model and options give the same bytes.
public struct VisualReport: Sendable {
    public var report: CostReport
    /// The roofline's device.
    public var device: RooflineDevice
    /// The findings of `netcost check`, placed beside their layers; nil leaves them out.
    public var checks: CheckReport?
    /// Measured latencies from `netcost bench --format json`.
    public var timings: LayerTimings?
    /// More bars than this are folded into blocks (see `BarGrouping`).
    public var maximumBars: Int
    /// Why the checks could not run, when they were asked for and failed; the page says so.
    public var checkFailure: String?

    public init(report: CostReport, device: RooflineDevice = .nominalDesktop, checks: CheckReport? = nil,
                timings: LayerTimings? = nil, maximumBars: Int = 160) {
        self.report = report
        self.device = device
        self.checks = checks
        self.timings = timings
        self.maximumBars = maximumBars
    }

    /// The page or one chart as UTF-8 bytes; `chart` matters for SVG only.
    public func render(_ format: VisualFormat, chart: ChartKind = .macs) throws(InputError) -> [UInt8] {
        switch format {
        case .html: Array(try html().utf8)
        case .svg: Array(try svg(chart).utf8)
        }
    }

    /// One chart as a standalone SVG document.
    public func svg(_ chart: ChartKind) throws(InputError) -> String {
        let body: String
        switch chart {
        case .macs: body = costBars(try BarGrouping.finest(shown, depth: report.selection.depth, maximumBars: maximumBars), links: false).render(standalone: true)
        case .roofline: body = roofline.render(standalone: true)
        case .rf: body = receptiveField.render(standalone: true)
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body
    }

    // MARK: Pieces the page and the SVGs share

    /// The analysis the charts show: the deployed graph with `--fuse`.
    var shown: Analysis { report.deployed ?? report.analysis }

    var findingIndex: FindingIndex { FindingIndex(checks, graph: shown.graph) }

    func costBars(_ level: BarLevel, links: Bool) -> CostBarsChart {
        CostBarsChart(level: level, dataType: report.dataType, findings: findingIndex, timings: timings, graph: shown.graph,
                      totals: shown.totals, linksToTable: links)
    }

    var rooflinePoints: [RooflinePoint] {
        RooflinePoint.points(shown, device: device, dtypeBytes: report.dataType.bytes, timings: timings)
    }

    var roofline: RooflineChart {
        let points = rooflinePoints
        let layers = shown.graph.layers.filter { $0.operation.rules.family != .source }.count
        return RooflineChart(points: points, device: device, dataType: report.dataType, graph: shown.graph, omitted: layers - points.count)
    }

    var receptiveField: ReceptiveFieldChart {
        ReceptiveFieldChart(analysis: shown, input: report.model.input)
    }
}
