import Foundation
import NetCost
import Testing

/// The report's table as ptflops, torchinfo and Keras users read one: the op column's
/// channels and geometry, chosen columns, units and precision, the footer's sizes.
@Suite("Report table")
struct ReportTableTests {
    /// conv 3→8 3x3 → relu6 on 8x8; then a depthwise 3x3/2, a grouped 3x3 (g2) and a
    /// depthwise conv with multiplier 2; no batch norm anywhere.
    static let noBatchNorm = #"""
    {"name": "plain", "input": [3, 8, 8], "layers": [
      {"name": "conv", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1, "bias": false},
      {"name": "act", "op": "relu6"},
      {"name": "dw", "op": "conv2d", "out": 8, "kernel": 3, "stride": 2, "padding": 1, "groups": "depthwise", "bias": false},
      {"name": "grouped", "op": "conv2d", "out": 16, "kernel": 3, "padding": 1, "groups": 2, "bias": false},
      {"name": "wide_dw", "op": "conv2d", "kernel": 3, "padding": 1, "groups": "depthwise", "multiplier": 2, "bias": false}
    ]}
    """#

    static func render(_ spec: String, columns: [ReportColumn]? = nil, style: CountStyle = .standard,
                       selection: RowSelection = RowSelection(flat: true), format: ReportFormat = .text) throws -> String {
        let model = try SpecLoader.load(text: spec)
        let report = CostReport(model: model, analysis: try Analysis(model.graph), selection: selection, columns: columns, countStyle: style)
        return String(decoding: try report.render(format), as: UTF8.self)
    }

    /// The cells of the line that starts with `label`, split at runs of two spaces.
    static func line(_ text: String, _ label: String) -> [String] {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(label + " ") }) else { return [] }
        return line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Test func theOpColumnGivesChannelsAndGeometryAsPtflopsDoes() throws {
        let text = try Self.render(Self.noBatchNorm, columns: [.layer, .op])
        #expect(text.contains("conv     conv2d 3→8 3x3"))
        #expect(text.contains("dw       conv2d 8 3x3/2 dw"))
        #expect(text.contains("grouped  conv2d 8→16 3x3 g2"))
        #expect(text.contains("wide_dw  conv2d 16→32 3x3 dw"))
    }

    /// Without batch norm there are no buffers, so neither the Buffers line nor the
    /// Keras-style total (which would repeat the params) is printed.
    @Test func theFooterLeavesOutLinesThatDoNotApply() throws {
        let plain = try Self.render(Self.noBatchNorm)
        #expect(!plain.contains("Buffers"))
        #expect(!plain.contains("Keras-style total"))
        let withNorm = try Self.render(FusionAndReportTests.convBnRelu)
        #expect(Self.line(withNorm, "Buffers") == ["Buffers", "16", "batch-norm running mean and variance"])
    }

    /// torchinfo's sizes for the plain net at fp32. Input 3·8·8 = 192 elements = 768 B.
    /// Outputs: conv 8·8·8 = 512, act 512, dw 8·4·4 = 128, grouped 16·4·4 = 256,
    /// wide_dw 32·4·4 = 512: 1,920 elements = 7,680 B. Weights: 8·3·9 = 216, 8·9 = 72,
    /// 16·4·9 = 576, 32·9 = 288: 1,152 × 4 B = 4,608 B. Total 768 + 7,680 + 4,608 = 13,056 B.
    @Test func theFooterGivesTorchinfosSizes() throws {
        let text = try Self.render(Self.noBatchNorm, style: CountStyle(unit: .exact))
        #expect(Self.line(text, "Params") == ["Params", "1,152", "1,152"])
        #expect(Self.line(text, "Input size") == ["Input size", "192", "elements = 0.00 MB at fp32"])
        #expect(Self.line(text, "Forward activations") == ["Forward activations", "1,920", "elements = 0.01 MB at fp32"])
        #expect(Self.line(text, "Estimated total") == ["Estimated total", "0.01 MB", "input + forward activations + model size"])
        // A huge input stays readable: 3·80,000·80,000 elements × 4 bytes = 76.8 GB.
        let gigantic = try Self.render(Self.noBatchNorm.replacingOccurrences(of: "[3, 8, 8]", with: "[3, 80000, 80000]"))
        #expect(Self.line(gigantic, "Input size") == ["Input size", "19,200,000,000", "elements = 76.80 GB at fp32"])
    }

    @Test func columnsAreChosenByNameInAnyCase() throws {
        let columns = try ReportColumn.parse(" Layer, MACs% ,flops").get()
        #expect(columns == [.layer, .macsShare, .flops])
        #expect(throws: InputError("no column is called \"latency\"; the columns are layer, op, input, params, params%, macs, macs%, flops, flops%, output, memory, rf, from",
                                   field: "--columns")) { try ReportColumn.parse("layer,latency").get() }
        // conv: 8·8·8 outputs × 27 taps = 13,824 MACs of 13,824 + 1,152 + 9,216 + 4,608 =
        // 28,800, 48%; its FLOPs, no bias: 2 × 13,824 = 27,648.
        let text = try Self.render(Self.noBatchNorm, columns: columns)
        #expect(Self.line(text, "Layer") == ["Layer", "%", "FLOPs"])
        #expect(Self.line(text, "conv") == ["conv", "48.00%", "27.65K"])
        let csv = try Self.render(Self.noBatchNorm, columns: [.layer, .macs, .from], format: .csv)
        #expect(csv.hasPrefix("name,depth,layers,macs,inputs_from\nconv,1,1,13824,input\n"))
    }

    @Test func unitsAndPrecisionFixTheNumberFormat() {
        #expect(NumberFormat.count(300_774_272, style: CountStyle(unit: .M, precision: 1)) == "300.8M")
        #expect(NumberFormat.count(300_774_272, style: CountStyle(unit: .G, precision: 3)) == "0.301G")
        #expect(NumberFormat.count(300_774_272, style: CountStyle(unit: .exact)) == "300,774,272")
        #expect(CountStyle.Unit(name: "m") == .M && CountStyle.Unit(name: "EXACT") == .exact)
    }

    @Test func hugeNumbersStayReadable() {
        #expect(NumberFormat.count(94_600_000_000_000_000) == "94.60P")
        #expect(NumberFormat.count(Int.max) == "9.22E")
        #expect(NumberFormat.bytes(123_000_037_870_000) == "123.00 TB")
        #expect(NumberFormat.bytes(4_560_000_000) == "4.56 GB")
        #expect(NumberFormat.bytes(14_160_000) == "14.16 MB")
        #expect(NumberFormat.binaryUnits(1_234_567_890) == "1.15 GiB")
    }

    /// `--sort` and `--top` choose the JSON's layers too, and say so.
    @Test func sortAndTopApplyToJSON() throws {
        let json = try Self.render(Self.noBatchNorm, selection: RowSelection(sort: .macs, top: 2), format: .json)
        let object = try #require(try JSONParser.parse(json).objectValue)
        let layers = try #require(object["layers"]?.arrayValue)
        // grouped: 16·4·4 outputs × 4·9 taps = 9,216 MACs; conv 13,824; dw 1,152; wide_dw 4,608.
        #expect(layers.map { $0.objectValue?["name"] } == [.string("conv"), .string("grouped")])
        #expect(object["selection"]?.objectValue?["top"] == .integer(2))
    }
}
