import _NetCostTestSupport
import Foundation
import NetCost
import Testing

/// Every op's shape rule, stored tensors and parameter count against the PyTorch
/// fixtures in `Tests/Fixtures/kernels` (computed by torch, copied from shared/fixtures):
/// the output shape, the parameter tensors' dims and sizes, and for convolutions and
/// linear layers torch's FlopCounterMode total, which is two flops per multiply-accumulate.
/// The fixture becomes an op through `KernelFixture.operation()`, as in the executor's tests.
@Suite("Op rules against PyTorch fixtures")
struct KernelFixtureTests {
    /// The fixture's op on its inputs, analysed: the layer under test and its cost.
    static func analysed(_ name: String) throws -> (KernelFixture, Layer, LayerCost) {
        let fixture = try KernelFixture(name: name)
        let graph = try fixture.graph()
        let analysis = try Analysis(graph)
        let index = graph.layers.count - 1
        return (fixture, graph.layers[index], analysis.costs[index])
    }

    @Test(arguments: KernelFixture.names)
    func outputShapeMatchesPyTorch(_ name: String) throws {
        let (fixture, layer, _) = try Self.analysed(name)
        #expect(layer.outputShape.dims == fixture.output.shape, "\(name)")
    }

    @Test(arguments: KernelFixture.names)
    func parametersMatchPyTorch(_ name: String) throws {
        let (fixture, _, cost) = try Self.analysed(name)
        let size = { (key: String) in fixture.params[key]?.shape.reduce(1, *) ?? 0 }
        let statistics = ["running_mean", "running_var"]
        let learned = fixture.params.keys.filter { !statistics.contains($0) }.reduce(0) { $0 + size($1) }
        #expect(cost.params == learned, "\(name)")
        #expect(cost.buffers == size("running_mean") + size("running_var"), "\(name)")
    }

    /// The op's `parameterShapes` are torch's tensors, dims and all (`parameters()` checks
    /// the dims), and hold exactly the params and buffers its cost counts.
    @Test(arguments: KernelFixture.names)
    func storedTensorsMatchPyTorch(_ name: String) throws {
        let (fixture, _, cost) = try Self.analysed(name)
        let stored = try fixture.parameters().reduce(0) { $0 + $1.tensor.shape.reduce(1, *) }
        #expect(stored == cost.params + cost.buffers, "\(name)")
    }

    /// torch's FlopCounterMode counts 2 flops per multiply-accumulate of conv, transposed
    /// conv and linear layers, for the whole batch, and nothing for the other ops; so does
    /// netcost, on the whole tensors.
    @Test(arguments: KernelFixture.names)
    func multiplyAccumulatesMatchTorchFlopCounter(_ name: String) throws {
        let (fixture, _, cost) = try Self.analysed(name)
        #expect(2 * cost.macs == fixture.torchFlops, "\(name): netcost \(cost.macs) MACs for the batch of \(fixture.batch)")
    }

    @Test func everyFixtureIsFound() {
        #expect(KernelFixture.names.count >= 54)
    }
}
