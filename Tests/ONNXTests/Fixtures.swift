import Foundation
@testable import NetCost

/// Paths of the files the ONNX tests read, found from this source file so that the
/// tests run in a clone without the shared folder beside it.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The twelve real exports of torchvision and timm models, weights stripped.
    static func shared(_ name: String) -> String { path("shared/" + name) }

    static func generated(_ name: String) -> String { path("generated/" + name) }

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The mult-adds of convolutions, transposed convolutions, linear layers and matmuls.
    static func convLinearMACs(_ analysis: Analysis) -> Int {
        zip(analysis.graph.layers, analysis.costs).reduce(0) { total, pair in
            switch pair.0.operation {
            case .convolution, .transposedConvolution, .linear, .matmul: total + pair.1.macs
            default: total
            }
        }
    }
}
