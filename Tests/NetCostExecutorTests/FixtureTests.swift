import _NetCostTestSupport
import Foundation
import NetCost
@testable import NetCostExecutor
import Testing

/// Every kernel against PyTorch: the fixtures of ../shared/fixtures/kernels, copied into
/// Tests/Fixtures/kernels and turned into ops by `KernelFixture` (as in the symbolic
/// tests). Each runs its whole batch through the fast path, the reference (direct) path and
/// the counting path, with every kernel set this CPU runs; all must agree with PyTorch
/// within 1e-4 relative error.
@Suite struct FixtureTests {
    static let tolerance = 1e-4

    @Test(arguments: KernelFixture.names, KernelSet.available)
    func matchesPyTorch(_ name: String, kernels: KernelSet) throws {
        let fixture = try KernelFixture(name: name)
        let graph = try fixture.graph()
        let opIndex = graph.layers.count - 1
        let parameters = LayerParameters(tensors: try fixture.parameters().map { role, tensor in
            ParameterTensor(role: role, data: Tensor(dims: tensor.shape, values: tensor.data))
        })
        // The whole batch in one run, as the graph's shapes hold it.
        var inputs: [Int: [Float]] = [:]
        for (position, input) in fixture.inputs.enumerated() { inputs[position] = input.data }
        let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits(), kernels: kernels,
                                         parameterOverrides: [opIndex: parameters], inputOverrides: inputs)
        for (path, result) in [("fast", prepared.run()), ("reference", prepared.run(path: KernelPath.reference)),
                               ("counting", prepared.run(counting: true))] {
            let observed = result.finalOutput?.values ?? []
            let comparison = Comparison(observed: observed, expected: fixture.output.data)
            #expect(comparison.within(Self.tolerance), "\(name), batch of \(fixture.batch), \(path) path, \(kernels.name) kernels: \(comparison)")
        }
    }

    @Test func everyFixtureIsCopied() {
        #expect(KernelFixture.names.count >= 54)
    }
}
