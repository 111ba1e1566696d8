import Foundation
import Testing
@testable import NetCost

/// The twelve shared exports against truth.json: params is the sum of the float
/// initializers' elements, each stored tensor once; macs is the conv + linear
/// mult-adds. Both must match exactly.
@Suite struct SharedModelTests {
    struct Truth: Sendable {
        var params: Int
        var macs: Int
    }

    static let truth: [String: Truth] = {
        let object = (try? Fixtures.json(Fixtures.shared("truth.json"))) ?? [:]
        return object.compactMapValues { entry in
            guard let fields = entry as? [String: Any], let params = fields["float_initializer_params"] as? Int,
                  let macs = fields["conv_linear_macs"] as? Int else { return nil }
            return Truth(params: params, macs: macs)
        }
    }()

    static let names = ["timm_ghostnet_100", "timm_mobilenetv1_100", "tv_alexnet", "tv_densenet121", "tv_efficientnet_b0",
                        "tv_googlenet", "tv_mobilenet_v2", "tv_mobilenet_v3_small", "tv_resnet18", "tv_shufflenet_v2_x1_0",
                        "tv_squeezenet1_0", "tv_vgg16"]

    @Test func truthListsTheTwelveModels() {
        #expect(Set(Self.truth.keys) == Set(Self.names))
    }

    @Test(arguments: names)
    func paramsAndMACsMatchTruth(name: String) throws {
        let truth = try #require(Self.truth[name])
        let (expectedParams, expectedMACs) = (truth.params, truth.macs)
        let imported = try ONNXImporter.load(file: Fixtures.shared(name + ".onnx"))
        let analysis = try Analysis(imported.model.graph)
        #expect(imported.unsupported.isEmpty, "unsupported: \(imported.unsupported)")
        #expect(analysis.totals.params + analysis.totals.buffers == expectedParams)
        #expect(analysis.totals.params == expectedParams)
        #expect(Fixtures.convLinearMACs(analysis) == expectedMACs)
        #expect(imported.model.input.sample == [3, 224, 224])
        #expect(imported.opsetVersion == 17)
    }
}
