import NetCost
import Testing

/// An ONNX file's module scopes become the graph's groups, and the checks read them.
@Suite("ONNX module groups")
struct ModuleGroupTests {
    /// torchvision's resnet18 (He et al. 2016, Table 1, 18-layer column): layer1 to
    /// layer4 hold two basic blocks each, `layer1.0` … `layer4.1`.
    @Test func resNet18ScopesAreStagesOfTwoBlocks() throws {
        let graph = try ONNXImporter.load(file: Fixtures.shared("tv_resnet18.onnx")).model.graph
        let stages = try ["layer1", "layer2", "layer3", "layer4"].map { name in
            try #require(graph.groups.firstIndex { $0.name == name && $0.parent == nil }, "no group \(name)")
        }
        for stage in stages {
            let blocks = graph.groups.members(of: stage).compactMap { if case .group(let block) = $0 { graph.groups[block].name } else { nil } }
            #expect(blocks == ["0", "1"].map { graph.groups[stage].name + "." + $0 })
        }
        // An ONNX file says nothing of block kinds: every group is a module.
        #expect(graph.groups.allSatisfy { $0.kind == .module })
    }

    /// With no block kinds, G3 takes the groups at depth 2 as blocks: resnet18's eight.
    @Test func fragmentationCountsTheDepthTwoGroups() throws {
        let model = try ONNXImporter.load(file: Fixtures.shared("tv_resnet18.onnx")).model
        var options = CheckOptions()
        options.rules = ["G3"]
        let report = try Checker.check(model, rebuild: nil, options: options)
        let summary = try #require(report.findings.first { $0.rule == "G3" && $0.layer == nil })
        #expect(summary.values.first { $0.key == "blocks" }?.value == Double(2 * 4))
    }
}
