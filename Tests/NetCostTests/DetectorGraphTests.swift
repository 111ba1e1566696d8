import Foundation
@testable import NetCost
import Testing

/// What detectors need of the graph: receptive fields only on spatial maps, several
/// outputs whatever the file order, weights shared between layers and blocks, blocks
/// a spec defines, and a batch.
@Suite("Detector graphs")
struct DetectorGraphTests {
    static func load(_ text: String, _ overrides: SpecOverrides = SpecOverrides()) throws -> (LoadedModel, Analysis) {
        let model = try SpecLoader.load(text: text, file: "detector.json", overrides: overrides)
        return (model, try Analysis(model.graph))
    }

    static func field(_ analysis: Analysis, _ name: String) -> ReceptiveField? {
        analysis.graph.layers.firstIndex { $0.name == name }.flatMap { analysis.receptiveFields[$0] }
    }

    // MARK: Receptive fields

    @Test(arguments: [#""op": "batchnorm""#, #""op": "groupnorm", "groups": 2"#, #""op": "layernorm""#])
    func normalizationsKeepTheirInputsField(norm: String) throws {
        // A 3×3 conv with dilation 2 and stride 2: k_eff = 2·(3 − 1) + 1 = 5, so size 5,
        // jump 2, padding 2. A norm rescales values: the field must stay 5 / 2 / 2.
        let text = #"{"input": [4, 64, 64], "layers": [{"name": "c", "op": "conv2d", "out": 8, "kernel": 3, "dilation": 2, "stride": 2, "padding": 2}, {"name": "n", \#(norm)}, {"name": "a", "op": "relu"}]}"#
        let (_, analysis) = try Self.load(text)
        let expected = AxisReceptiveField(size: 5, jump: 2, padding: 2)
        for name in ["c", "n", "a"] {
            #expect(Self.field(analysis, name) == ReceptiveField(height: expected, width: expected), "\(name)")
        }
        #expect(analysis.finalReceptiveField?.field.height == expected)
    }

    @Test func opsThatLeaveTheMapHaveNoField() throws {
        // A head ending as RetinaNet's: logits, permuted to [H, W, C], reshaped to
        // [H·W·A, K], then concatenated: none of the last three has a spatial layout.
        let text = #"{"input": [3, 32, 32], "layers": [{"name": "c", "op": "conv2d", "out": 6, "kernel": 3, "padding": 1}, {"name": "t", "op": "transpose", "perm": [1, 2, 0]}, {"name": "r", "op": "reshape", "shape": [-1, 2]}, {"name": "p", "inputs": "c", "op": "global_avgpool"}, {"name": "f", "op": "flatten"}, {"name": "l", "op": "linear", "out": 2}, {"name": "cat", "op": "concat", "inputs": ["r", "r"], "axis": 0}]}"#
        let (model, analysis) = try Self.load(text)
        #expect(Self.field(analysis, "c")?.height.size == 3)
        for name in ["t", "r", "p", "f", "l", "cat"] { #expect(Self.field(analysis, name) == nil, "\(name)") }
        // No RF error on a valid network: the checks see only spatial maps.
        let report = try Checker.check(model, rebuild: nil)
        #expect(!report.findings.contains { $0.rule == "RF" && $0.severity == .error })
    }

    // MARK: Several outputs

    /// Three levels, a classification and a box head on each: six outputs.
    static func fpn(reversed: Bool) -> String {
        var layers = [
            #"{"name": "c3", "inputs": "input", "op": "conv2d", "out": 8, "kernel": 3, "stride": 2, "padding": 1}"#,
            #"{"name": "c4", "inputs": "c3", "op": "conv2d", "out": 8, "kernel": 3, "stride": 2, "padding": 1}"#,
            #"{"name": "c5", "inputs": "c4", "op": "conv2d", "out": 8, "kernel": 3, "stride": 2, "padding": 1}"#,
        ]
        for level in ["c3", "c4", "c5"] {
            layers.append(#"{"name": "cls_\#(level)", "inputs": "\#(level)", "op": "conv2d", "out": 9, "kernel": 3, "padding": 1}"#)
            layers.append(#"{"name": "box_\#(level)", "inputs": "\#(level)", "op": "conv2d", "out": 4, "kernel": 3, "padding": 1}"#)
        }
        if reversed { layers.reverse() }
        return #"{"input": [3, 64, 64], "layers": [\#(layers.joined(separator: ", "))]}"#
    }

    @Test func outputsDoNotDependOnTheFileOrder() throws {
        let (_, forward) = try Self.load(Self.fpn(reversed: false))
        let (_, backward) = try Self.load(Self.fpn(reversed: true))
        func summary(_ analysis: Analysis) -> [String] {
            analysis.outputs.map { "\(analysis.graph.layers[$0.layer].name) \(analysis.graph.layers[$0.layer].outputShape) \($0.field?.height.size ?? -1)" }
        }
        // By name. c3, c4, c5 (3×3, stride 2) see 3, 3 + 2·2 = 7 and 7 + 2·4 = 15 pixels with
        // jumps 2, 4, 8; a head's 3×3 adds two jumps: 7, 15, 31.
        #expect(summary(forward) == ["box_c3 4x32x32 7.0", "box_c4 4x16x16 15.0", "box_c5 4x8x8 31.0",
                                     "cls_c3 9x32x32 7.0", "cls_c4 9x16x16 15.0", "cls_c5 9x8x8 31.0"])
        #expect(summary(backward) == summary(forward))
        let (forwardLayer, forwardField) = try #require(forward.finalReceptiveField)
        let (backwardLayer, backwardField) = try #require(backward.finalReceptiveField)
        #expect(forward.graph.layers[forwardLayer].name == "box_c5")
        #expect(backward.graph.layers[backwardLayer].name == "box_c5")
        #expect(forwardField == backwardField)
    }

    @Test func aSpecMayListItsOutputs() throws {
        let text = Self.fpn(reversed: false).replacingOccurrences(of: #"{"input""#, with: #"{"outputs": ["cls_c5", "c4"], "input""#)
        let (model, _) = try Self.load(text)
        #expect(model.graph.outputs.map { model.graph.layers[$0].name } == ["cls_c5", "c4"])
        let wrong = text.replacingOccurrences(of: #""cls_c5", "c4""#, with: #""cls_c5x""#)
        // The top-level field's own line: the spec is one line.
        #expect(throws: InputError("names \"cls_c5x\", which no layer or block is called; did you mean \"cls_c5\"?", file: "detector.json", line: 1,
                                   field: "outputs")) {
            try SpecLoader.load(text: wrong, file: "detector.json")
        }
    }

    // MARK: Shared weights and user blocks

    /// A two-conv head defined once and used on two levels, the second sharing the first's weights.
    static let sharedHeads = #"""
    {"input": [8, 16, 16],
     "blocks": {"head": {"params": ["out"], "layers": [
        {"name": "conv", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1},
        {"name": "relu", "op": "relu"},
        {"name": "logits", "op": "conv2d", "out": "$out", "kernel": 3, "padding": 1}]}},
     "layers": [
        {"name": "down", "op": "conv2d", "out": 8, "kernel": 3, "stride": 2, "padding": 1},
        {"name": "h1", "block": "head", "inputs": "input", "out": 5},
        {"name": "h2", "block": "head", "inputs": "down", "out": 5, "share": "h1"}]}
    """#

    @Test func sharedWeightsCountOnceAndEveryCallCounts() throws {
        let (_, analysis) = try Self.load(Self.sharedHeads)
        // Weights: down 8·8·9 + 8 = 584; the head's conv 584 and logits 8·5·9 + 5 = 365, once.
        #expect(analysis.totals.params == 584 + 584 + 365)
        // MACs: down 8·8·9 on 8×8 = 36,864; the head on 16×16: (576 + 360)·256 = 239,616;
        // on 8×8: (576 + 360)·64 = 59,904. Every call counts.
        #expect(analysis.totals.macs == 36_864 + 239_616 + 59_904)
        let names = analysis.graph.layers.map(\.name)
        let shared = analysis.sharedWeights.map { names[$0.key] + "→" + names[$0.value] }.sorted()
        #expect(shared == ["h2.conv→h1.conv", "h2.logits→h1.logits"])
        // The report's rows hold each weight once: h1 584 + 365, h2 none, and they add up to the totals.
        let rows = try ReportTree.rows(analysis, RowSelection(depth: 1))
        let params = Dictionary(rows.map { ($0.name, $0.cost.params) }, uniquingKeysWith: { first, _ in first })
        #expect(params["h1"] == 584 + 365 && params["h2"] == 0 && params["down"] == 584)
        #expect(rows.dropFirst().map(\.cost.params).reduce(0, +) == analysis.totals.params)
    }

    @Test func sharingNeedsTheSameWeights() throws {
        let text = Self.sharedHeads.replacingOccurrences(of: #""out": 5, "share""#, with: #""out": 6, "share""#)
        #expect(throws: InputError("cannot share the weights of \"h1.logits\": it is conv2d 8→5 3x3 on 8x16x16, this is conv2d 8→6 3x3 on 8x8x8",
                                   file: "detector.json", line: 9, layer: "h2.logits", field: "share")) {
            try SpecLoader.load(text: text, file: "detector.json")
        }
    }

    @Test func aShareMustNameSomething() throws {
        let base = #"{"input": [3, 8, 8], "layers": [{"name": "a", "op": "conv2d", "out": 4, "kernel": 1}, {"name": "b", "inputs": "input", "op": "conv2d", "out": 4, "kernel": 1, "share": SHARE}]}"#
        #expect(throws: InputError("shares the weights of \"aa\", which no layer or block is called; did you mean \"a\"?", file: "detector.json", line: 1, layer: "b", field: "share")) {
            try SpecLoader.load(text: base.replacingOccurrences(of: "SHARE", with: #""aa""#), file: "detector.json")
        }
        #expect(throws: InputError("expected the name of a layer or block, got 5", file: "detector.json", line: 1, layer: "b", field: "share")) {
            try SpecLoader.load(text: base.replacingOccurrences(of: "SHARE", with: "5"), file: "detector.json")
        }
        // Named right, the 4·3 + 4 = 16 weights count once.
        let (_, analysis) = try Self.load(base.replacingOccurrences(of: "SHARE", with: #""a""#))
        #expect(analysis.totals.params == 16)
    }

    @Test func userBlocksNestTakeDefaultsAndRefuseMistakes() throws {
        let nested = #"""
        {"input": [3, 16, 16],
         "blocks": {
           "unit": {"params": [{"name": "out", "default": 4}], "layers": [{"name": "c", "op": "conv2d", "out": "$out", "kernel": 1}]},
           "pair": {"params": ["out"], "inputs": ["a", "b"], "layers": [
              {"name": "x", "block": "unit", "inputs": "a", "out": "$out"},
              {"name": "y", "block": "unit", "inputs": "b"},
              {"name": "sum", "op": "add", "inputs": ["x", "y"]}]}},
         "layers": [{"name": "p", "block": "pair", "inputs": ["input", "input"], "out": 4}]}
        """#
        let (model, analysis) = try Self.load(nested)
        #expect(model.graph.layers.map(\.name) == ["input", "p.x.c", "p.y.c", "p.sum"])
        // Two 1×1 convs 3 → 4 with bias: 2·(12 + 4) = 32 params.
        #expect(analysis.totals.params == 32)
        let selfish = #"{"input": [3, 8, 8], "blocks": {"loop": {"layers": [{"block": "loop"}]}}, "layers": [{"name": "l", "block": "loop"}]}"#
        #expect(throws: InputError("block \"loop\" uses itself: loop → loop", file: "detector.json", line: 1, layer: "l.0", field: "block")) {
            try SpecLoader.load(text: selfish, file: "detector.json")
        }
        let missing = nested.replacingOccurrences(of: #""inputs": ["input", "input"], "out": 4"#, with: #""inputs": ["input", "input"]"#)
        #expect(throws: InputError("is required: a parameter of block \"pair\"", file: "detector.json", line: 8, layer: "p", field: "out")) {
            try SpecLoader.load(text: missing, file: "detector.json")
        }
        let oneInput = nested.replacingOccurrences(of: #""inputs": ["input", "input"]"#, with: #""inputs": "input""#)
        #expect(throws: InputError("block \"pair\" reads 2 inputs (a, b), got 1", file: "detector.json", line: 8, layer: "p", field: "inputs")) {
            try SpecLoader.load(text: oneInput, file: "detector.json")
        }
    }

    @Test func userBlocksFillStageTables() throws {
        let text = #"""
        {"input": [3, 32, 32],
         "blocks": {"unit": {"params": ["out", {"name": "stride", "default": 1}], "layers": [
            {"name": "conv", "op": "conv2d", "out": "$out", "kernel": 3, "stride": "$stride", "padding": 1},
            {"name": "act", "op": "relu"}]}},
         "layers": [{"name": "stage", "block": "unit", "numbering": "nested", "first_index": 1,
                     "columns": ["c", "n", "s"], "rows": [[8, 2, 2], [16, 2, 2]]}]}
        """#
        let (model, analysis) = try Self.load(text)
        #expect(model.graph.layers.filter { $0.name.hasSuffix(".conv") }.map(\.name) == ["stage1.0.conv", "stage1.1.conv", "stage2.0.conv", "stage2.1.conv"])
        // 3→8, 8→8, 8→16, 16→16, 3×3 with bias: 224 + 584 + 1,168 + 2,320.
        #expect(analysis.totals.params == 224 + 584 + 1_168 + 2_320)
        // The row's stride on its first block only: 32 → 16 → 8.
        #expect(model.graph.layers.last?.outputShape.sample == [16, 8, 8])
    }

    // MARK: Batch

    @Test func aBatchScalesWorkAndActivationsButNotWeights() throws {
        // A 1×1 conv 4 → 8 without bias on 10×10: 32 weights, 3,200 MACs a sample.
        // Memory access a sample: 400 read + 800 written, and the 32 weights once.
        let text = #"{"input": [4, 10, 10], "batch": 8, "layers": [{"op": "conv2d", "out": 8, "kernel": 1, "bias": false}]}"#
        let (model, analysis) = try Self.load(text)
        #expect(model.batch == 8)
        #expect(analysis.totals.params == 32)
        #expect(analysis.totals.macs == 8 * 3_200)
        #expect(analysis.totals.memoryAccess == 8 * (400 + 800) + 32)
        #expect(analysis.totals.activations == 8 * 800)
        // A leading batch axis on --input is the batch; an explicit --batch must agree.
        let (fromInput, _) = try Self.load(text, SpecOverrides(input: [2, 4, 10, 10]))
        #expect(fromInput.batch == 2 && fromInput.input.sample == [4, 10, 10])
        #expect(throws: InputError("[2, 4, 10, 10] leads with a batch of 2, but the batch is 3; drop the batch axis or give one batch", file: "detector.json", field: "input")) {
            try SpecLoader.load(text: text, file: "detector.json", overrides: SpecOverrides(input: [2, 4, 10, 10], batch: 3))
        }
    }

    // MARK: RetinaNet against torchvision

    @Test(arguments: ["retinanet_resnet50_fpn", "retinanet_resnet18_fpn"])
    func retinaNetMatchesTorchvision(name: String) throws {
        // scripts/detector_counts.py: torchvision with random weights, FlopCounterMode / 2 at 512×512.
        let data = try Data(contentsOf: Repository.testsDirectory.appendingPathComponent("Fixtures/retinanet.json"))
        let truth = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?[name] as? [String: Any])
        let spec = try AnalysedSpec(name)
        let analysis = spec.analysis
        #expect(analysis.totals.params == truth["params"] as? Int)
        #expect(analysis.totals.buffers == truth["buffers"] as? Int)
        let heads = spec.sum({ $0.macs }, where: { $0.name.hasPrefix("cls_") || $0.name.hasPrefix("box_") })
        #expect(heads == truth["head_macs"] as? Int)
        #expect(analysis.totals.macs - heads == truth["backbone_fpn_macs"] as? Int)
        #expect(analysis.graph.outputs.map { analysis.graph.layers[$0].name } == ["cls_logits", "bbox_regression"])
    }

    @Test func retinaNetChecksWithoutWarnings() throws {
        let model = try BuiltinModels.load("retinanet_resnet18_fpn")
        let report = try Checker.check(model, rebuild: { (overrides: SpecOverrides) throws(InputError) -> LoadedModel in
            try BuiltinModels.load("retinanet_resnet18_fpn", overrides: overrides)
        })
        #expect(report.findings.filter { $0.severity != .info }.map(\.message) == [])
        // 5/7 of 512 is 366, which the FPN's adds cannot take; the nearest multiple of the
        // stride, 128, is 384: ρ = 0.75.
        let resolution = try #require(report.findings.first { $0.rule == "RESOLUTION-SCALING" })
        #expect(resolution.message.hasPrefix("at 384x384 (ρ = 0.750)"))
    }
}
