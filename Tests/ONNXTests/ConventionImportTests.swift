import Foundation
import NetCost
import Testing

/// Conventions on an ONNX file: scripts/make_convention_fixture.py builds a small model
/// that calls its layers every way a counter can see or miss them (a leaf module, `F.relu`
/// inside a block, `F.adaptive_avg_pool2d` in the model's own forward, `x.mean`), exports
/// it with batch norm kept, and records what ptflops 0.7.5, fvcore 0.1.5, thop 0.1.1,
/// torchinfo 1.8.0 and FlopCounterMode print for it. Read from the export's node scopes,
/// every tool's total comes out as the tool's own.
@Suite struct ConventionImportTests {
    /// Loads `conventions/NAME.onnx` and checks each of the six tools' totals recorded in
    /// `NAME.json` (`"totals"`); returns the analysis and the recorded figures.
    static func checkEveryTool(_ name: String) throws -> (analysis: Analysis, truth: [String: Any]) {
        let truth = try Fixtures.json(Fixtures.path("conventions/\(name).json"))
        let totals = try #require(truth["totals"] as? [String: Int])
        #expect(totals.count == 6)
        let analysis = try Analysis(try ONNXImporter.load(file: Fixtures.path("conventions/\(name).onnx")).model.graph)
        for (tool, total) in totals {
            let convention = try #require(CountingConvention(rawValue: tool))
            #expect(try ConventionCount(analysis, convention: convention).total == total, "\(name): \(tool)")
        }
        return (analysis, truth)
    }

    @Test func everyToolsTotalFromTheExport() throws {
        _ = try Self.checkEveryTool("conventions_tiny")
    }

    /// The call kinds as the node names give them: `/relu/Relu` a leaf module's,
    /// `/block/Relu` a function call in the block's forward, `/GlobalAveragePool` one in
    /// the model's, `/ReduceMean` a tensor method.
    @Test func callKindsFromNodeScopes() throws {
        let graph = try ONNXImporter.load(file: Fixtures.path("conventions/conventions_tiny.onnx")).model.graph
        let calls = Dictionary(uniqueKeysWithValues: graph.layers.map { ($0.name, $0.pytorchCall) })
        #expect(calls["relu.relu"] == PyTorchCall.module)
        #expect(calls["block.relu"] == PyTorchCall.function)
        #expect(calls["globalaveragepool"] == PyTorchCall.function)
        #expect(calls["reducemean"] == PyTorchCall.method)
        #expect(calls["block.conv.conv"] == PyTorchCall.module)
    }
}

extension ConventionImportTests {
    /// torchvision's VisionTransformer at two small blocks (`make_convention_fixture.py
    /// --vit`): `nn.MultiheadAttention` exports as a projection, the scores' product, a
    /// softmax, the values' product and the output projection in one leaf scope. Each tool
    /// sees it its own way: ptflops by its module formula (one scaling of the queries and
    /// the softmax on top of the products), fvcore and ptflops' aten backend without the
    /// two products (`scaled_dot_product_attention`), thop and torchinfo's total not at
    /// all, FlopCounterMode none of it in inference (a fused op) and all of it in a
    /// training step, whose backward counts the scores' product again (flash attention).
    @Test func multiheadAttentionAsEachToolSeesIt() throws {
        let (analysis, truth) = try Self.checkEveryTool("vit_small")
        let graph = analysis.graph
        let training = try #require(truth["flopcounter_training"] as? [String: Int])
        let step = try ConventionCount(analysis, convention: .flopcounter, training: true)
        #expect(step.total == training["forward_flops"])
        #expect(step.backwardTotal == training["backward_flops"])
        let attention = graph.layers.filter { $0.pytorchCall == .attention }
        #expect(attention.contains { $0.operation.kind == "softmax" })
        #expect(attention.allSatisfy { $0.name.contains("self_attention") })
        #expect(!graph.layers.contains { $0.name.contains("mlp") && $0.pytorchCall == .attention })
    }

    /// torchvision's ConvNeXt at two small stages (`make_convention_fixture.py --convnext`):
    /// its LayerNorm2d, a subclass of nn.LayerNorm that permutes around `F.layer_norm`,
    /// exports as Transpose, LayerNormalization, Transpose in one module scope. thop and
    /// ptflops look modules up by exact type and count it as nothing; torchinfo hooks it
    /// like any module. Every tool's total comes out as its own.
    @Test func aLayerNormSubclassIsUnknownToThopAndPtflops() throws {
        let graph = try Self.checkEveryTool("convnext_small").analysis.graph
        let calls = Dictionary(uniqueKeysWithValues: graph.layers.map { ($0.name, $0.pytorchCall) })
        #expect(calls["features.0.1.layernormalization"] == PyTorchCall.subclass)
        #expect(calls["classifier.0.layernormalization"] == PyTorchCall.subclass)
        #expect(calls["features.1.0.block.2.layernormalization"] == PyTorchCall.module)
    }

    /// `nn.Linear(24, 40)` on `[1, 5, 24]` exported without constant folding: Transpose of
    /// the `[40, 24]` weight, MatMul, Add of the bias. Read as one linear layer with bias:
    /// 24·40 + 40 = 1,000 parameters and 5·24·40 = 4,800 MACs.
    @Test func linearThroughATransposedWeight() throws {
        let graph = try ONNXImporter.load(file: Fixtures.path("conventions/linear_3d_unfolded.onnx")).model.graph
        let linears = graph.layers.filter { $0.operation.kind == "linear" }
        #expect(linears.count == 1)
        let analysis = try Analysis(graph)
        #expect(analysis.totals.params == 1_000)
        #expect(analysis.totals.macs == 4_800)
    }
}
