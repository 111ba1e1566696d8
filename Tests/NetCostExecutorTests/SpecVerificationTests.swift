import Foundation
import NetCost
@testable import NetCostExecutor
import Testing

/// Counted equals symbolic on every shipped spec, shrunk to keep the test fast: the
/// smallest of a few resolutions the spec accepts, at width 0.25 (every op and block
/// still appears; only channel counts shrink).
@Suite struct SpecVerificationTests {
    static var specs: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: TestGraphs.specsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The spec at the smallest of a few widths and resolutions that its layers accept
    /// (ShuffleNet's branches need an even channel count, so some widths do not fit).
    static func smallGraph(_ name: String) throws -> Graph {
        let path = TestGraphs.specsDirectory.appendingPathComponent(name + ".json").path
        var lastError: InputError?
        for width in [0.25, 0.5, 1] {
            for resolution in [32, 64, 96, 128, 224] {
                do {
                    return try SpecLoader.load(file: path, overrides: SpecOverrides(width: width, resolution: resolution)).graph
                } catch {
                    lastError = error
                }
            }
        }
        throw lastError ?? InputError("no resolution fits")
    }

    @Test(arguments: specs)
    func countsMatchSymbolic(_ name: String) throws {
        let graph = try Self.smallGraph(name)
        let report = try Verifier.verify(graph, seed: 7)
        for layer in report.layers where !layer.match {
            Issue.record("\(name) \(layer.name) (\(layer.op)): macs \(layer.macs.symbolic) vs \(layer.macs.counted), memory \(layer.memoryAccess.symbolic) vs \(layer.memoryAccess.counted), params \(layer.params.symbolic) vs \(layer.params.counted)\(layer.outOfRange ? ", out of range" : "")")
        }
        let allMatch = report.allMatch
        #expect(allMatch)
        #expect(report.layers.contains { $0.macs.counted > 0 && $0.memoryAccess.counted > 0 && $0.params.counted > 0 })
    }

    /// A batch of two runs as one graph of whole tensors: the counted MACs and memory
    /// match the symbolic ones, which hold both samples, and each sample's output equals
    /// the output of the same network run on that sample alone.
    @Test(arguments: ["mobilenet_v2", "shufflenet_v2_x1_0", "squeezenet1_1", "retinanet_resnet18_fpn"])
    func aBatchOfTwoIsTwoSamples(_ name: String) throws {
        let path = TestGraphs.specsDirectory.appendingPathComponent(name + ".json").path
        let pair = try SpecLoader.load(file: path, overrides: SpecOverrides(width: 0.5, input: [2, 3, 64, 64])).graph
        let single = try SpecLoader.load(file: path, overrides: SpecOverrides(width: 0.5, input: [3, 64, 64])).graph
        #expect(pair.layers[0].outputShape.dims == [2, 3, 64, 64])
        let report = try Verifier.verify(pair, seed: 5)
        #expect(report.allMatch, "\(report.layers.filter { !$0.match }.map(\.name))")
        let sample: [Float] = (0..<(3 * 64 * 64)).map { (index: Int) -> Float in Float((index * 37) % 101) / 50 - 1 }
        let other: [Float] = sample.map { (value: Float) -> Float in 0.5 - value }
        let both = try PreparedGraph(pair, seed: 5, limits: RunLimits(), inputOverrides: [0: sample + other]).run()
        let outputs = try [sample, other].map { input in
            try PreparedGraph(single, seed: 5, limits: RunLimits(), inputOverrides: [0: input]).run().finalOutput?.values ?? []
        }
        let comparison = Comparison(observed: both.finalOutput?.values ?? [], expected: outputs[0] + outputs[1])
        #expect(comparison.within(1e-5), "\(name): \(comparison)")
    }

    @Test(arguments: ["mobilenet_v2", "shufflenet_v2_x1_0", "resnet18", "efficientnet_b0"])
    func fusedGraphsVerify(_ name: String) throws {
        let graph = try Fusion.deploy(try Self.smallGraph(name))
        #expect(graph.layers.contains { if case .fused = $0.operation { true } else { false } })
        let report = try Verifier.verify(graph, seed: 3)
        for layer in report.layers where !layer.match {
            Issue.record("\(name) fused \(layer.name) (\(layer.op)): macs \(layer.macs.symbolic) vs \(layer.macs.counted), memory \(layer.memoryAccess.symbolic) vs \(layer.memoryAccess.counted), params \(layer.params.symbolic) vs \(layer.params.counted)")
        }
        let allMatch = report.allMatch
        #expect(allMatch)
    }
}
