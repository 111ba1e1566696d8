import Foundation
import Testing

/// The command line's manners: names in any case, help about help, counts in grammar.
@Suite("Command-line manners")
struct CommandLineMannersTests {
    @Test func namesAreCaseInsensitive() throws {
        let rules = try CommandLineTests.run(["check", "mobilenet_v2", "--rules", "g1,dw-ratio", "--format", "JSON"])
        #expect(rules.status == 0, "\(rules.errors)")
        #expect(rules.output.contains("\"rule\": \"G1\""))
        let model = try CommandLineTests.run(["report", "MobileNet_V2", "--depth", "0", "--units", "m"])
        #expect(model.status == 0, "\(model.errors)")
        #expect(model.output.contains("300.77M"))
        let choice = try CommandLineTests.run(["report", "mobilenet_v2", "--sort", "MACS", "--top", "1", "--format", "CSV"])
        #expect(choice.output.contains("\nfeatures.18.conv,"))
    }

    /// `--show` limits the ratio rows too: MobileNetV2's ratios are all within their
    /// predictions (info), so `--show warning` keeps its G1 warnings and no ratio.
    @Test func showLimitsTheRatioRows() throws {
        let all = try CommandLineTests.run(["check", "mobilenet_v2", "--rules", "G1,DW-RATIO"])
        #expect(all.output.contains("depthwise-separable-macs"))
        let warnings = try CommandLineTests.run(["check", "mobilenet_v2", "--rules", "G1,DW-RATIO", "--show", "warning"])
        #expect(warnings.output.contains("G1    warning"))
        #expect(!warnings.output.contains("depthwise-separable-macs"))
    }

    @Test func helpAboutHelpAndABareCommand() throws {
        let helpHelp = try CommandLineTests.run(["help", "help"])
        #expect(helpHelp.status == 0)
        #expect(helpHelp.output.contains("SUBCOMMANDS:"))
        let bare = try CommandLineTests.run([])
        #expect(bare.status == 0)
        #expect(bare.output == helpHelp.output)
    }

    /// One of a thing is singular: a one-layer spec, one finding.
    @Test func countsAgreeWithTheirNouns() throws {
        let spec = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-one-layer.json")
        try #"{"name": "one", "input": [8, 4, 4], "layers": [{"name": "c", "op": "conv2d", "out": 8, "kernel": 1}]}"#
            .write(to: spec, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: spec) }
        let report = try CommandLineTests.run(["report", spec.path])
        #expect(report.output.hasPrefix("one: input 8x4x4, fp32, 1 layer\n"))
        #expect(report.output.contains("model 1 layer "))
        let verify = try CommandLineTests.run(["verify", spec.path])
        #expect(verify.output.contains("1 of 1 layer matches"), "\(verify.output)")
    }
}

/// `netcost ops NAME`: an op's fields, read from its decoder.
@Suite("netcost ops NAME")
struct OpsCommandTests {
    static func cells(_ output: String) -> [String: String] {
        var cells: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { cells[parts[0]] = parts[1] }
        }
        return cells
    }

    /// conv2d's fields as docs/spec-format.md gives them: kernel and out required;
    /// stride and dilation 1, padding 0, groups 1, bias true.
    @Test func convolutionFieldsAndDefaults() throws {
        let result = try CommandLineTests.run(["ops", "Conv2D"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("conv2d: 2-D convolution"))
        let cells = Self.cells(result.output)
        #expect(cells["kernel"] == "required" && cells["out"] == "required")
        #expect(cells["stride"] == "1x1" && cells["dilation"] == "1x1" && cells["padding"] == "0" && cells["groups"] == "1")
        #expect(cells["bias"] == "true")
        #expect(result.output.contains("docs/counting.md#convolutions"))
    }

    @Test func unknownNamesGetTheNearest() throws {
        let result = try CommandLineTests.run(["ops", "conv2x"])
        #expect(result.status == 1)
        #expect(result.errors.contains("did you mean \"conv2d\""))
        let block = try CommandLineTests.run(["ops", "inverted_residual"])
        #expect(block.output.hasPrefix("inverted_residual: a block."))
    }
}
