import Foundation
@testable import NetCost
import Testing

/// The HTML page's table, findings and timings; the golden files; the scales and the
/// device defaults behind the charts.
@Suite("Visual report: page, findings, timings, golden files")
struct VisualReportPageTests {
    static let device = VisualReportTests.device

    // MARK: Table and findings

    @Test func tableHasOneSortableRowPerLayer() throws {
        let page = try XMLNode.parse(try VisualReport(report: try VisualFixtures.report(), device: Self.device).html())
        let table = try #require(page.all("table", class: "layers").first)
        #expect(table["class"]?.contains("sortable") == true)
        let rows = table.all("tbody").first?.all("tr") ?? []
        #expect(rows.map { $0["id"] } == ["L1", "L2", "L3", "L4", "L5"], "the graph input (L0) is not a row")
        let headers = table.all("th").map(\.allText)
        #expect(headers.starts(with: ["#", "Layer", "Op", "Details", "Output", "Params", "MACs", "FLOPs", "Memory", "Intensity", "Bound", "RF"]))
        let conv = rows[0].all("td")
        let macsColumn = try #require(headers.firstIndex(of: "MACs")), boundColumn = try #require(headers.firstIndex(of: "Bound"))
        #expect(conv[macsColumn]["data-v"] == "73728", "the sort reads the exact value")
        #expect(conv[macsColumn].allText == "73.73K")
        #expect(conv[boundColumn].allText == "compute")
        #expect(rows[1].all("td")[boundColumn].allText == "memory")
        #expect(rows[3].all("td")[boundColumn].allText == "-", "flatten moves nothing")
        // The script that sorts is inline and sorts every table.sortable.
        #expect(page.all("script").first?.allText.contains("table.sortable") == true)
    }

    @Test func findingsSitBesideTheLayersTheyName() throws {
        var checks = CheckReport(model: "visual")
        checks.findings = [
            Finding("G1", .warning, layer: "body.conv", "1x1 conv too wide"),
            Finding("G3", .info, layer: "body", "2 convs in series"),
            Finding("RF", .error, layer: "fc", "misaligned"),
            Finding("G4", .warning, "element-wise share"),
        ]
        checks.ratios = [MeasuredRatio("depthwise-separable-macs", rule: "DW-RATIO", layer: "body.conv", measured: 0.25, predicted: 0.25)]
        let visual = VisualReport(report: try VisualFixtures.report(), device: Self.device, checks: checks)
        let page = try XMLNode.parse(try visual.html())
        let rows = Dictionary(uniqueKeysWithValues: (page.all("table", class: "layers").first?.all("tr") ?? []).compactMap { row in
            row["id"].map { ($0, row) }
        })
        func badges(_ id: String) -> [String] { rows[id]?.all("span", class: "badge").map(\.allText) ?? [] }
        // A layer's finding on its row; a block's (G3) on the block's first layer; ratios too.
        #expect(badges("L1") == ["G1", "G3", "DW-RATIO"])
        #expect(badges("L5") == ["RF"])
        #expect(badges("L2").isEmpty)
        #expect(rows["L1"]?["class"] == "warning")
        #expect(rows["L5"]?["class"] == "error")
        // The findings list links each finding to its row; the network-wide one has no link.
        let findings = try #require(page.all("table", class: "findings").first)
        let links = findings.all("a").map { ($0["href"] ?? "", $0.allText) }
        #expect(links.map(\.0) == ["#L1", "#L1", "#L5"])
        #expect(links.map(\.1) == ["body.conv", "body", "fc"])
        #expect(findings.allText.contains("(network)"))
        #expect(page.all("table", class: "ratios").first?.all("a").map { $0["href"] } == ["#L1"])
        // Above the bars: a marker on the conv's and the classifier's bars, coloured by the worst severity.
        let markers = page.all("svg").first?.all("g", class: "finding-marker") ?? []
        #expect(markers.map { $0["data-name"] } == ["body.conv", "fc"])
        #expect(markers.last?.all("path").first?["fill"] == Palette.error)
    }

    @Test func realChecksLandOnTinyNetsLayers() throws {
        let (report, checks) = try VisualFixtures.tinyNet()
        let page = try XMLNode.parse(try VisualReport(report: report, checks: checks).html())
        let row = page.all("tr").first { $0.all("td", class: "name").first?.allText == "block.expand.conv" }
        #expect(row?.all("span", class: "badge").map(\.allText) == ["G1"])
        #expect(row?.all("span", class: "badge").first?["title"]?.contains("1x1 conv 16→64 (1:4)") == true)
    }

    // MARK: Timings

    @Test func timingsFromBenchJSONAreShown() throws {
        let json = """
        { "model": "visual", "repetitions": 5, "total_seconds": 0.002,
          "machine": { "peak_gflops": 50, "bandwidth_gbps": 25, "cores": 2 },
          "layers": [ { "name": "body.conv", "op": "conv2d", "seconds": 0.001 }, { "name": "fc", "seconds": 2e-6 } ] }
        """
        let timings = try LayerTimings.parse(Array(json.utf8), file: "bench.json")
        #expect(timings.seconds == ["body.conv": 0.001, "fc": 2e-6])
        #expect(timings.totalSeconds == 0.002)
        let device = RooflineDevice.resolve(peakGFLOPS: nil, bandwidthGBps: nil, measured: timings.machine)
        #expect(device.ridge == 2)
        let visual = VisualReport(report: try VisualFixtures.report(), device: device, timings: timings)
        let page = try XMLNode.parse(try visual.html())
        let headers = page.all("table", class: "layers").first?.all("th").map(\.allText) ?? []
        #expect(headers.contains("ms") && headers.contains("GFLOP/s"))
        let conv = page.all("tr").first { $0["id"] == "L1" }?.all("td") ?? []
        let rate = try #require(headers.firstIndex(of: "GFLOP/s"))
        #expect(conv[rate].allText == "0.15", "147,456 FLOPs in 1 ms")
        #expect(page.all("g", class: "panel").contains { $0["data-quantity"] == "latency" })
        let point = page.all("g", class: "point").first { $0["data-name"] == "body.conv" }
        #expect((point?.all("line").count ?? 0) == 2, "the measured rate is drawn below the roof point")
    }

    @Test func malformedTimingsAreInputErrors() {
        #expect(throws: InputError.self) { try LayerTimings.parse(Array("[1, 2]".utf8), file: "t.json") }
        #expect(throws: InputError.self) { try LayerTimings.parse(Array("{\"layers\": [{\"name\": \"a\"}]}".utf8), file: "t.json") }
        #expect(throws: InputError.self) { try LayerTimings.parse(Array("{\"layers\": [{\"name\": \"a\", \"seconds\": -1}]}".utf8), file: "t.json") }
        #expect(throws: InputError.self) { try LayerTimings.parse(Array("{\"layers\": [], \"machine\": {\"peak_gflops\": 0}}".utf8), file: "t.json") }
        #expect(throws: InputError.self) { try LayerTimings.load(file: "/nonexistent/bench.json") }
    }

    @Test func deviceOptionsOverrideTheMeasuredMachine() {
        let measured = RooflineDevice(peakGFLOPS: 50, bandwidthGBps: 25, name: "measured")
        #expect(RooflineDevice.resolve(peakGFLOPS: nil, bandwidthGBps: nil, measured: nil) == .nominalDesktop)
        #expect(RooflineDevice.resolve(peakGFLOPS: 200, bandwidthGBps: 20, measured: measured).ridge == 10)
        #expect(RooflineDevice.resolve(peakGFLOPS: 200, bandwidthGBps: nil, measured: measured).bandwidthGBps == 25)
        #expect(RooflineDevice.resolve(peakGFLOPS: nil, bandwidthGBps: 12.8, measured: nil).peakGFLOPS == 384)
        // Exactly at the ridge the two roofs meet: compute-bound, as netcost bench decides.
        #expect(!Self.device.isMemoryBound(intensity: 10))
        #expect(Self.device.isMemoryBound(intensity: 9.999))
        #expect(Self.device.attainable(intensity: 2) == 20)
    }

    // MARK: Scales

    @Test func scalesTickAtNiceValues() {
        let linear = ChartScale.linear(maximum: 73_728, from: 100, to: 0)
        #expect(linear.ticks == [0, 20_000, 40_000, 60_000, 80_000])
        #expect(linear.position(40_000) == 50)
        let log = ChartScale.log(minimum: 0.125, maximum: 150, from: 0, to: 500)
        #expect(log.lower == 0.1 && log.upper == 1_000)
        #expect(log.ticks.filter { [0.1, 1, 10, 100, 1_000].contains($0) }.count == 5)
        #expect(abs(log.position(10) - 250) < 1e-9, "two of four decades")
        #expect(ChartScale.tickLabel(20_000) == "20K")
        #expect(ChartScale.tickLabel(0.01) == "0.01")
        #expect(ChartScale.tickLabel(2.5) == "2.5")
        #expect(UnitPrefix.choose(maximum: 300_774_272).prefix == "M")
    }

    // MARK: Golden files

    /// tiny_net's page with its check findings, and each chart alone: any change to the
    /// markup shows up here. `NETCOST_UPDATE_GOLDEN=1` rewrites them after a deliberate change.
    @Test func tinyNetMatchesTheGoldenFiles() throws {
        let (report, checks) = try VisualFixtures.tinyNet()
        let visual = VisualReport(report: report, checks: checks)
        try VisualFixtures.expectGolden(try visual.html(), "tiny_net.html")
        for chart in ChartKind.allCases {
            try VisualFixtures.expectGolden(try visual.svg(chart), "tiny_net_\(chart.rawValue).svg")
        }
    }
}
