import NetCost
import Testing

/// `--fuse` and the report's row selection, on small graphs whose numbers are derived by hand.
@Suite("Fusion and report rows")
struct FusionAndReportTests {
    /// conv 3x3 (3→8, no bias) → batch norm → relu6 on 8x8, then a residual-free head.
    static let convBnRelu = #"""
    {"name": "tiny", "input": [3, 8, 8], "classes": 10, "layers": [
      {"name": "stem", "block": "conv", "out": 8, "kernel": 3, "activation": "relu6"},
      {"name": "pool", "op": "global_avgpool"},
      {"op": "flatten", "name": "flat"},
      {"name": "fc", "op": "linear", "out": "classes"}
    ]}
    """#

    @Test func foldingBatchNormAndFusingTheActivation() throws {
        let model = try SpecLoader.load(text: Self.convBnRelu)
        let training = try Analysis(model.graph)
        let deployed = try Analysis(Fusion.deploy(model.graph))
        #expect(deployed.graph.layers.map(\.name) == ["input", "stem.conv", "pool", "flat", "fc"])
        #expect(deployed.graph.layers[1].operation.kind == "conv2d+bn+relu6")
        // Training: conv 3·3·3·8 = 216 weights, bn 2·8 params + 2·8 buffers, fc 8·10 + 10.
        #expect(training.totals.params == 216 + 16 + 90)
        #expect(training.totals.buffers == 16)
        // Deployed: the bn's shift becomes an 8-element conv bias; its buffers are gone.
        #expect(deployed.totals.params == 216 + 8 + 90)
        #expect(deployed.totals.buffers == 0)
        // MACs do not change: 8·8·8 outputs × 27 taps, plus the fc's 80.
        #expect(deployed.totals.macs == training.totals.macs)
        #expect(training.totals.macs == 512 * 27 + 80)
        // Memory: training reads and writes the 512-element map three times (conv writes,
        // bn reads and writes, relu6 reads and writes) and reads the bn's 32 stored values;
        // deployed writes it once and reads an 8-element bias instead.
        let trainingStem = training.costs[1].memoryAccess + training.costs[2].memoryAccess + training.costs[3].memoryAccess
        let deployedStem = deployed.costs[1].memoryAccess
        #expect(trainingStem - deployedStem == 4 * 512 + 32 - 8)
    }

    @Test func treeFoldsBlocksAtTheRequestedDepth() throws {
        let model = try SpecLoader.load(text: Self.convBnRelu)
        let analysis = try Analysis(model.graph)
        let full = try ReportTree.rows(analysis, RowSelection())
        #expect(full.map(\.name) == ["tiny", "stem", "stem.conv", "stem.bn", "stem.act", "pool", "flat", "fc"])
        let folded = try ReportTree.rows(analysis, RowSelection(depth: 1))
        #expect(folded.map(\.name) == ["tiny", "stem", "pool", "flat", "fc"])
        let stem = try #require(folded.first { $0.name == "stem" })
        #expect(stem.kind == "conv")
        #expect(stem.cost.params == 216 + 16)
        #expect(stem.layerCount == 3)
        #expect(folded[0].cost.params == analysis.totals.params)
    }

    @Test func flatTopRowsAreTheCostliest() throws {
        let model = try SpecLoader.load(text: Self.convBnRelu)
        let analysis = try Analysis(model.graph)
        let top = try ReportTree.rows(analysis, RowSelection(top: 2))
        #expect(top.map(\.name) == ["stem.conv", "fc"])
        let byParams = try ReportTree.rows(analysis, RowSelection(flat: true, sort: .params))
        #expect(byParams.first?.name == "stem.conv")
        #expect(byParams.count == 6)
    }

    @Test func machineTablesKeepExactCounts() throws {
        let model = try SpecLoader.load(text: Self.convBnRelu)
        let report = CostReport(model: model, analysis: try Analysis(model.graph), selection: RowSelection(flat: true))
        let csv = String(decoding: try report.render(.csv), as: UTF8.self)
        let lines = csv.split(separator: "\n")
        #expect(lines.first?.hasPrefix("name,op,details,depth,layers,params,buffers,macs,flops,memory_access") == true)
        // The conv row: 216 params, 512·27 = 13,824 MACs, output 8x8x8, field 3.
        #expect(lines.contains { $0.hasPrefix("stem.conv,conv2d,3→8 3x3,") && $0.contains(",216,0,13824,") && $0.contains(",8x8x8,3,1,1") })
    }

    @Test func jsonReportFollowsTheContract() throws {
        let model = try SpecLoader.load(text: Self.convBnRelu)
        let report = CostReport(model: model, analysis: try Analysis(model.graph))
        let json = try #require(try JSONParser.parse(try report.render(.json)).objectValue)
        for key in ["model", "input", "dtype_bytes", "totals", "receptive_field", "layers"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let totals = try #require(json["totals"]?.objectValue)
        let layers = try #require(json["layers"]?.arrayValue)
        for key in ["params", "buffers", "macs", "flops", "memory_access", "memory_access_bytes", "activations"] {
            #expect(totals[key] != nil, "missing totals.\(key)")
        }
        #expect(totals["params"] == .integer(322))
        #expect(totals["memory_access_bytes"] == totals["memory_access"].flatMap { if case .integer(let n) = $0 { .integer(4 * n) } else { nil } })
        let first = try #require(layers.first?.objectValue)
        for key in ["name", "op", "inputs", "output_shape", "params", "buffers", "macs", "flops", "memory_access", "receptive_field"] {
            #expect(first[key] != nil, "missing layers[0].\(key)")
        }
        #expect(first["inputs"] == .array([.string("input")]))
    }
}
