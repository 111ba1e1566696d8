import Foundation
import Testing
@testable import NetCost

/// Exports from another exporter (paddle2onnx, opsets 11 and 12, weights in Constant
/// nodes), against mult-adds from onnx's own shape inference (make_external.py).
@Suite struct ExternalModelTests {
    struct Truth: Sendable {
        var input: [Int]
        var convMACs: Int
    }

    static let truth: [String: Truth] = {
        let object = (try? Fixtures.json(Fixtures.path("external/truth.json"))) ?? [:]
        return object.compactMapValues { entry in
            guard let fields = entry as? [String: Any], let input = fields["input"] as? [Int], let macs = fields["conv_macs"] as? Int else { return nil }
            return Truth(input: input, convMACs: macs)
        }
    }()

    static func convMACs(_ analysis: Analysis) -> Int {
        zip(analysis.graph.layers, analysis.costs).reduce(0) { total, pair in
            switch pair.0.operation {
            case .convolution, .transposedConvolution: total + pair.1.macs
            default: total
            }
        }
    }

    /// PP-OCR v2 direction classifier: MobileNetV3 with hardswish written out; its
    /// head is a MatMul of [1, 200] by a [200, 2] weight: 200·2 more mult-adds.
    @Test func ppocrClassifier() throws {
        let truth = try #require(Self.truth["ppocr_v2_cls"])
        let imported = try ONNXImporter.load(file: Fixtures.path("external/ppocr_v2_cls.onnx"), input: truth.input)
        let analysis = try Analysis(imported.model.graph)
        #expect(imported.unsupported.isEmpty, "\(imported.unsupported)")
        #expect(Self.convMACs(analysis) == truth.convMACs)
        #expect(Fixtures.convLinearMACs(analysis) == truth.convMACs + 200 * 2)
        #expect(imported.model.graph.layers.last?.outputShape.sample == [2])
    }

    /// PP-OCRv4 text detector: a DB head with Resize and two transposed convolutions
    /// back to the input's 640×640.
    @Test func ppocrDetector() throws {
        let truth = try #require(Self.truth["ppocrv4_det"])
        let imported = try ONNXImporter.load(file: Fixtures.path("external/ppocrv4_det.onnx"), input: truth.input)
        let analysis = try Analysis(imported.model.graph)
        #expect(imported.unsupported.isEmpty, "\(imported.unsupported)")
        #expect(imported.opsetVersion == 12)
        #expect(Self.convMACs(analysis) == truth.convMACs)
        #expect(imported.model.graph.layers.last?.outputShape.sample == [1, 640, 640])
    }
}
