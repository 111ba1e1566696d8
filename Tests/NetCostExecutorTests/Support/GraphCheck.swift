import NetCost
@testable import NetCostExecutor
import Testing

/// Runs a graph three ways and checks what a verification test needs: counted equals
/// symbolic for every layer, and the counting, reference and fast paths compute the
/// same output at every layer, with every kernel set this CPU runs.
enum GraphCheck {
    /// Fast kernels sum in another order than the direct loops, and outputs near zero
    /// come from sums that cancel: the fixtures' tolerance covers that rounding.
    static let pathTolerance = 1e-4

    static func verify(_ graph: Graph, seed: UInt64 = 11, sourceLocation: SourceLocation = #_sourceLocation) throws -> VerificationReport {
        let report = try Verifier.verify(graph, seed: seed)
        for layer in report.layers where !layer.match {
            Issue.record("\(graph.name) \(layer.name) (\(layer.op)): macs \(layer.macs.symbolic) vs \(layer.macs.counted), memory \(layer.memoryAccess.symbolic) vs \(layer.memoryAccess.counted), params \(layer.params.symbolic) vs \(layer.params.counted)\(layer.outOfRange ? ", marked out of range" : "")",
                         sourceLocation: sourceLocation)
        }
        let allMatch = report.allMatch
        #expect(allMatch, sourceLocation: sourceLocation)
        return report
    }

    static func pathsAgree(_ graph: Graph, seed: UInt64 = 11, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let counting = try PreparedGraph(graph, seed: seed, limits: RunLimits()).run(counting: true, keepAll: true)
        for kernels in KernelSet.available {
            let prepared = try PreparedGraph(graph, seed: seed, limits: RunLimits(), kernels: kernels)
            let fast = prepared.run(keepAll: true)
            let reference = prepared.run(path: .reference, keepAll: true)
            for (index, layer) in graph.layers.enumerated() {
                let expected = counting.outputs[index]?.values ?? []
                #expect(!expected.isEmpty, "\(layer.name): no output", sourceLocation: sourceLocation)
                for (path, result) in [("fast", fast), ("reference", reference)] {
                    let comparison = Comparison(observed: result.outputs[index]?.values ?? [], expected: expected)
                    #expect(comparison.within(pathTolerance),
                            "\(graph.name) \(layer.name) (\(layer.operation.kind)): \(path) with \(kernels.name) kernels vs counting: \(comparison)",
                            sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// Both checks, and the report for further expectations.
    @discardableResult
    static func all(_ graph: Graph, sourceLocation: SourceLocation = #_sourceLocation) throws -> VerificationReport {
        try pathsAgree(graph, sourceLocation: sourceLocation)
        return try verify(graph, sourceLocation: sourceLocation)
    }

    static func layer(_ report: VerificationReport, _ name: String) -> LayerVerification? {
        report.layers.first { $0.name == name }
    }
}
