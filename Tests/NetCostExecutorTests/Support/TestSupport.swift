import Foundation
import NetCost
@testable import NetCostExecutor

/// The worst element of `observed` against `expected`, as a relative error: each element's
/// `|o − e| / max(|e|, s)` where `s = 10⁻³·max|e|`, so that values near zero compare on
/// the tensor's own scale instead of dividing by almost nothing.
struct Comparison: CustomStringConvertible {
    let index: Int
    let expected: Float
    let observed: Float
    let relativeError: Double
    let countMismatch: Bool

    init(observed: [Float], expected: [Float]) {
        countMismatch = observed.count != expected.count
        let scale = max(expected.map { Double(abs($0)) }.max() ?? 0, 1e-12) * 1e-3
        var worst = (index: 0, error: 0.0)
        for (index, (o, e)) in zip(observed, expected).enumerated() {
            let error = abs(Double(o) - Double(e)) / max(Double(abs(e)), scale)
            if !(error <= worst.error) { worst = (index, error.isNaN ? .infinity : error) }
        }
        index = worst.index
        relativeError = worst.error
        self.expected = expected.indices.contains(worst.index) ? expected[worst.index] : .nan
        self.observed = observed.indices.contains(worst.index) ? observed[worst.index] : .nan
    }

    func within(_ tolerance: Double) -> Bool { !countMismatch && relativeError <= tolerance }

    var description: String {
        countMismatch ? "element counts differ"
            : "worst element \(index): expected \(expected), observed \(observed), relative error \(relativeError)"
    }
}

/// Builds graphs for tests.
enum TestGraphs {
    /// The graph of a spec written inline.
    static func spec(_ text: String) throws -> Graph {
        try SpecLoader.load(text: text).graph
    }

    /// The project's specs directory.
    static let specsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("specs")
}
