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

    /// The mult-adds of convolutions, transposed convolutions, linear layers, matmuls and LSTMs.
    static func convLinearMACs(_ analysis: Analysis) -> Int {
        zip(analysis.graph.layers, analysis.costs).reduce(0) { total, pair in
            switch pair.0.operation {
            case .convolution, .transposedConvolution, .transposedConvolutionND, .convolutionND, .dynamicConvolution, .linear, .matmul, .lstm:
                total + pair.1.macs
            default: total
            }
        }
    }
}

/// An imported fixture with its analysis, and the queries the op tests make.
struct Imported {
    let result: ONNXImport
    let analysis: Analysis

    init(_ name: String, input: [Int]? = nil) throws {
        result = try ONNXImporter.load(file: Fixtures.generated(name), input: input)
        analysis = try Analysis(result.model.graph)
    }

    var layers: [Layer] { result.model.graph.layers }

    /// The kinds of the layers that compute something: inputs and constants left out.
    var kinds: [String] {
        layers.compactMap { layer in
            switch layer.operation {
            case .input, .constant: nil
            default: layer.operation.kind
            }
        }
    }

    func layer(_ name: String) -> Layer? { layers.first { $0.name == name } }

    func cost(_ name: String) -> LayerCost? {
        layers.firstIndex { $0.name == name }.map { analysis.costs[$0] }
    }

    /// The last layer's per-sample output dims.
    /// The last layer's per-sample dims (the batch axis left out), as reports show them.
    var outputDims: [Int] { layers.last?.outputShape.sample ?? [] }

    var macs: Int { Fixtures.convLinearMACs(analysis) }
    var params: Int { analysis.totals.params }
    var buffers: Int { analysis.totals.buffers }
}
