import Foundation
@testable import NetCost
import Testing

/// The visual report (`report --format html|svg`), read as markup: its structure and
/// numbers, not its pixels. `VisualFixtures.handSpec` documents the hand-derived counts.
@Suite("Visual report")
struct VisualReportTests {
    /// 100 GFLOP/s and 10 GB/s: the ridge sits at 10 FLOP/byte.
    static let device = RooflineDevice(peakGFLOPS: 100, bandwidthGBps: 10, name: "test device")

    // MARK: Structure

    @Test func everyOutputIsWellFormedMarkup() throws {
        let visual = VisualReport(report: try VisualFixtures.report(), device: Self.device)
        for chart in ChartKind.allCases {
            let svg = try XMLNode.parse(try visual.svg(chart))
            #expect(svg.name == "svg")
            #expect(svg["xmlns"] == "http://www.w3.org/2000/svg")
        }
        let page = try XMLNode.parse(try visual.html())
        #expect(page.name == "html")
        #expect(page.all("svg").count == 5, "the cost chart unfolded and folded, the roofline, the receptive field, the memory")
    }

    /// The memory section charts `netcost memory`'s schedule: tiny_net's peak, 147,456
    /// bytes at fp32 (16,384 for the stem's output waiting for the residual add, 65,536 each
    /// for the expansion and its batch norm), ringed at the layer where it occurs.
    @Test func theMemoryChartShowsThePeak() throws {
        let (report, checks) = try VisualFixtures.tinyNet()
        let html = try VisualReport(report: report, checks: checks).html()
        #expect(html.contains("Peak 147,456 bytes."))
        #expect(html.contains("peak 0.15 MB at block.expand.bn"))
    }

    @Test func modelStringsAreEscaped() throws {
        let visual = VisualReport(report: try VisualFixtures.report(), device: Self.device)
        let html = try visual.html()
        #expect(!html.contains("relu<&>"))
        #expect(html.contains("relu&lt;&amp;&gt;&quot;&#39;"))
        let page = try XMLNode.parse(html)
        #expect(page.all("h1").first?.allText == "visual <tiny> & \"co\"")
        #expect(page.all("td", class: "name").contains { $0.allText == "body.relu<&>\"'" })
        #expect(SVGWriter.escape("a\u{1}b\tc") == "a\u{FFFD}b\tc", "control characters XML forbids are replaced")
    }

    @Test func thePageFetchesNothing() throws {
        let (report, checks) = try VisualFixtures.tinyNet()
        let html = try VisualReport(report: report, checks: checks).html()
        for external in ["src=", "http:", "https:", "@import", "url(", "<link", "@font-face"] {
            #expect(!html.contains(external), "\(external) would load something from elsewhere")
        }
    }

    // MARK: Cost bars

    @Test func barHeightsFollowLayerMACs() throws {
        let svg = try XMLNode.parse(try VisualReport(report: try VisualFixtures.report(), device: Self.device).svg(.macs))
        let panels = svg.all("g", class: "panel")
        #expect(panels.map { $0["data-quantity"] } == ["macs", "params", "memory"])
        let macs = try #require(panels.first)
        let top = try #require(macs.number("data-top")), height = try #require(macs.number("data-height"))
        let bars = macs.all("g", class: "bar")
        // One bar per layer; the flatten view is a layer too. 8·8·16·8·9 and 16·4 MACs.
        #expect(bars.map { $0["data-name"] } == ["body.conv", "body.relu<&>\"'", "pool", "flatten", "fc"])
        #expect(bars.map { $0.number("data-value") } == [73_728, 0, 0, 0, 64])
        #expect(top >= 73_728 && top < 2 * 73_728, "the axis ends at a nice value above the largest bar")
        for bar in bars {
            let drawn = bar.all("rect").compactMap { $0.number("height") }.reduce(0, +)
            let expected = (bar.number("data-value") ?? 0) / top * height
            #expect(abs(drawn - expected) < 0.05, "\(bar["data-name"] ?? "") is \(drawn) px tall, expected \(expected)")
        }
        // Memory access in bytes at fp32: 2,688 elements × 4.
        let memory = try #require(panels.last?.all("g", class: "bar").first)
        #expect(memory.number("data-value") == Double(2_688 * 4))
        // Per-bar labels for a short network; the tooltip names the op.
        #expect(svg.all("text").contains { $0.allText == "body.conv" })
        #expect(bars[0].all("title").first?.allText.hasPrefix("body.conv: conv2d 8→16 3x3") == true)
    }

    @Test func thousandLayersAreFoldedIntoBlocks() throws {
        let report = try VisualFixtures.report(text: VisualFixtures.longSpec(stages: 20, blocks: 10))
        #expect(report.analysis.graph.layers.count == 1 + 20 * 10 * 5)
        let level = try BarGrouping.finest(report.analysis, depth: nil, maximumBars: BarGrouping.defaultMaximumBars)
        // 1,000 layers and 200 blocks are too many bars; the 20 stages are not.
        #expect(level.bars.count == 20)
        #expect(level.depth == 1)
        #expect(level.bars.allSatisfy { $0.layers.count == 50 })
        #expect(level.bars.reduce(0) { $0 + $1.cost.macs } == report.analysis.totals.macs)
        let svg = try XMLNode.parse(try VisualReport(report: report).svg(.macs))
        #expect(svg.all("g", class: "panel").first?.all("g", class: "bar").count == 20)
        // The page folds further where it can, and lists one table row per layer.
        let page = try XMLNode.parse(try VisualReport(report: report).html())
        #expect(page.all("table", class: "layers").first?.all("tr").count == 1 + 1_000)
    }

    @Test func longFlatNetworksAreMergedIntoRuns() throws {
        let layers = (0..<1_000).map { "{ \"name\": \"r\($0)\", \"op\": \"relu\" }" }.joined(separator: ", ")
        let report = try VisualFixtures.report(text: "{ \"name\": \"flat\", \"input\": [4, 4, 4], \"layers\": [\(layers)] }")
        let level = try BarGrouping.finest(report.analysis, depth: nil, maximumBars: 160)
        #expect(level.bars.count == 143, "runs of ceil(1000 / 160) = 7 layers")
        #expect(level.bars.first?.name == "r0 … r6")
        #expect(level.bars.reduce(0) { $0 + $1.layers.count } == 1_000)
    }

    // MARK: Roofline

    @Test func ridgePointIsPeakOverBandwidth() throws {
        let svg = try XMLNode.parse(try VisualReport(report: try VisualFixtures.report(), device: Self.device).svg(.roofline))
        let roof = try #require(svg.all("g", class: "roof").first)
        #expect(roof.number("data-ridge") == 10)
        #expect(svg.all("text").contains { $0.allText == "ridge 10 FLOP/byte" })
        #expect(RooflineDevice.nominalDesktop.ridge == 7.5, "384 GFLOP/s over 51.2 GB/s")
    }

    @Test func layersAreMemoryOrComputeBound() throws {
        let svg = try XMLNode.parse(try VisualReport(report: try VisualFixtures.report(), device: Self.device).svg(.roofline))
        var points: [String: XMLNode] = [:]
        for point in svg.all("g", class: "point") { points[point["data-name"] ?? ""] = point }
        // (flops, memory elements × 4 bytes, attainable = min(100, intensity × 10)); flatten has no intensity.
        let expected: [(String, Double, Double, String)] = [
            ("body.conv", 147_456.0 / (2_688 * 4), 100, "compute"),
            ("body.relu<&>\"'", 1_024.0 / (2_048 * 4), 1.25, "memory"),
            ("pool", 1_024.0 / (1_040 * 4), 10 * 1_024.0 / (1_040 * 4), "memory"),
            ("fc", 132.0 / (88 * 4), 3.75, "memory"),
        ]
        #expect(points.count == expected.count)
        for (name, intensity, attainable, bound) in expected {
            let point = try #require(points[name], "\(name) is on the roofline")
            #expect(abs((point.number("data-intensity") ?? 0) - intensity) < 1e-12)
            #expect(abs((point.number("data-attainable") ?? 0) - attainable) < 1e-12)
            #expect(point["data-bound"] == bound)
        }
        #expect(svg.all("text").contains { $0.allText.contains("1 layer with no FLOPs or no traffic") })
        // At fp16 the same layers move half the bytes: the conv's intensity doubles.
        let half = try XMLNode.parse(try VisualReport(report: try VisualFixtures.report(dataType: .fp16), device: Self.device).svg(.roofline))
        let conv = half.all("g", class: "point").first { $0["data-name"] == "body.conv" }
        #expect(abs((conv?.number("data-intensity") ?? 0) - 147_456.0 / (2_688 * 2)) < 1e-12)
    }

    // MARK: Receptive field

    @Test func receptiveFieldChartMarksInputAndFinalMap() throws {
        let (report, _) = try VisualFixtures.tinyNet()
        let svg = try XMLNode.parse(try VisualReport(report: report).svg(.rf))
        #expect(svg.all("g", class: "input-size").map { $0.number("data-pixels") } == [32])
        let final = try #require(svg.all("g", class: "final-field").first)
        #expect(final["data-name"] == "head.act")
        #expect(final.number("data-size") == 7)
        // One hover area per layer that has a field, sizes as the text report prints them:
        // stem 3, block 7. The squeeze-excite's pool and its 1×1 convs on [C, 1, 1], and
        // the global pool, flatten and classifier after the head, have none: 24 − 8 = 16.
        let sizes = Dictionary(svg.all("g", class: "rf").map { ($0["data-name"] ?? "", $0.number("data-size") ?? 0) }, uniquingKeysWith: { a, _ in a })
        #expect(sizes["stem.conv"] == 3)
        #expect(sizes["block.dw.conv"] == 7)
        #expect(sizes["se.pool"] == nil)
        #expect(sizes["se.scale"] == 7)
        #expect(svg.all("g", class: "rf").count == 16)
    }
}
