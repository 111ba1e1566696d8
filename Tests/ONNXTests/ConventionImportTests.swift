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
    @Test func everyToolsTotalFromTheExport() throws {
        let truth = try Fixtures.json(Fixtures.path("conventions/conventions_tiny.json"))
        let totals = try #require(truth["totals"] as? [String: Int])
        #expect(totals.count == 6)
        let analysis = try Analysis(try ONNXImporter.load(file: Fixtures.path("conventions/conventions_tiny.onnx")).model.graph)
        for (name, total) in totals {
            let convention = try #require(CountingConvention(rawValue: name))
            #expect(try ConventionCount(analysis, convention: convention).total == total, "\(name)")
        }
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
