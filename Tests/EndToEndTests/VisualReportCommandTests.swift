import Foundation
import Testing

/// `netcost report --format html|svg` run as a user would: files written, options
/// checked, the charts of a shipped spec and an ONNX file produced.
@Suite("Visual report, end to end")
struct VisualReportCommandTests {
    typealias CLI = CommandLineTests

    static func temporaryFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("netcost-visual-\(UUID().uuidString)-\(name)").path
    }

    @Test func htmlPageIsWrittenWithChecksByDefault() throws {
        let path = Self.temporaryFile("tiny.html")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLI.run(["report", CLI.tinyNet, "--format", "html", "-o", path])
        #expect(result.status == 0)
        #expect(result.output.isEmpty)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<h1>tiny_net</h1>"))
        #expect(html.contains("class=\"badge warning\""), "G1 findings on the 1x1 convs")
        for external in ["src=", "http:", "https:", "@import", "url("] { #expect(!html.contains(external)) }
        let quiet = try CLI.run(["report", CLI.tinyNet, "--format", "html", "--no-checks"])
        #expect(quiet.status == 0)
        #expect(quiet.output.contains("Checks were not run (--no-checks)."))
        #expect(!quiet.output.contains("class=\"badge"))
    }

    @Test func svgChartsOfAShippedSpec() throws {
        for chart in ["macs", "roofline", "rf"] {
            let result = try CLI.run(["report", "specs/mobilenet_v2.json", "--format", "svg", "--chart", chart])
            #expect(result.status == 0)
            #expect(result.output.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(result.output.hasSuffix("</svg>\n"))
        }
        // MobileNetV2's 153 layers fit as bars; the device options move the ridge.
        let bars = try CLI.run(["report", "mobilenet_v2", "--format", "svg"])
        #expect(bars.output.contains("(one bar per layer, 153 bars)"))
        let roofline = try CLI.run(["report", "mobilenet_v2", "--format", "svg", "--chart", "roofline", "--peak-gflops", "100", "--bandwidth", "25"])
        #expect(roofline.output.contains("data-ridge=\"4\""))
        #expect(roofline.output.contains("ridge 4 FLOP/byte"))
    }

    @Test func onnxFilesAreDrawnToo() throws {
        let model = CLI.root.appendingPathComponent("Tests/ONNXTests/Fixtures/shared/tv_squeezenet1_0.onnx").path
        let result = try CLI.run(["report", model, "--format", "html"])
        #expect(result.status == 0)
        #expect(result.output.contains("scaling rebuilds the network from a spec"), "the scaling checks say they were skipped")
        #expect(result.output.contains("class=\"point\""))
    }

    @Test func timingsFromAFile() throws {
        let path = Self.temporaryFile("bench.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        { "total_seconds": 0.001, "machine": { "peak_gflops": 40, "bandwidth_gbps": 10 },
          "layers": [ { "name": "stem.conv", "seconds": 0.0001 } ] }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["report", CLI.tinyNet, "--format", "svg", "--chart", "roofline", "--timings", path])
        #expect(result.status == 0)
        #expect(result.output.contains("data-ridge=\"4\""), "the machine in the timings file is the device")
        #expect(result.output.contains("measured (netcost bench)"))
        let missing = try CLI.run(["report", CLI.tinyNet, "--format", "html", "--timings", "/nonexistent/bench.json"])
        #expect(missing.status == 1)
        #expect(missing.errors.hasPrefix("error: /nonexistent/bench.json: no such file"))
    }

    @Test func drawingOptionsNeedADrawingFormat() throws {
        let chart = try CLI.run(["report", CLI.tinyNet, "--chart", "rf"])
        #expect(chart.status == 2)
        #expect(chart.errors.contains("--chart picks the chart of --format svg"))
        let peak = try CLI.run(["report", CLI.tinyNet, "--format", "json", "--peak-gflops", "10"])
        #expect(peak.status == 2)
        #expect(peak.errors.contains("--peak-gflops applies to --format html or svg"))
        let both = try CLI.run(["report", CLI.tinyNet, "--format", "html", "--checks", "--no-checks"])
        #expect(both.status == 2)
        let badChart = try CLI.run(["report", CLI.tinyNet, "--format", "svg", "--chart", "pie"])
        #expect(badChart.status == 2)
        let badPeak = try CLI.run(["report", CLI.tinyNet, "--format", "svg", "--peak-gflops", "0"])
        #expect(badPeak.status == 2)
    }
}
