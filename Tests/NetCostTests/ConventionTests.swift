import Foundation
import NetCost
import Testing

/// `report --convention NAME` against the totals the tools print: Fixtures/counter_totals.json
/// (scripts/counter_truth.py: ptflops 0.7.5, fvcore 0.1.5, thop 0.1.1, torchinfo 1.8.0 and
/// torch 2.13's FlopCounterMode on torchvision's models in eval mode, batch 1).
@Suite struct ConventionTests {
    struct Truth: Decodable {
        struct Model: Decodable {
            let model: String
            let resolution: Int
            let totals: [String: Int]
            let flopcounter_backward: Int?
        }
        let models: [Model]
    }

    static func analysis(_ name: String, resolution: Int? = nil) throws -> Analysis {
        try Analysis(try ModelLoader.load(name, overrides: SpecOverrides(resolution: resolution)).graph)
    }

    @Test func everyToolsTotalOnEveryRecordedModel() throws {
        let data = try Data(contentsOf: Repository.testsDirectory.appendingPathComponent("Fixtures/counter_totals.json"))
        let truth = try JSONDecoder().decode(Truth.self, from: data)
        #expect(truth.models.count == 19)
        var compared = 0
        for model in truth.models {
            let analysis = try Self.analysis(model.model, resolution: model.resolution)
            for (name, total) in model.totals {
                let convention = try #require(CountingConvention(rawValue: name), "\(name)")
                #expect(try ConventionCount(analysis, convention: convention).total == total, "\(model.model) under \(name)")
                compared += 1
            }
            if let backward = model.flopcounter_backward {
                #expect(try ConventionCount(analysis, convention: .flopcounter, training: true).backwardTotal == backward, "\(model.model) backward")
            }
        }
        #expect(compared == 114)
    }

    /// MobileNetV2's backward pass as FlopCounterMode reports it (11,678,152,448 FLOPs,
    /// measured with torch 2.13 and 2.15: its depthwise weight gradients counted `groups` times).
    @Test func flopCounterBackwardOfMobileNetV2() throws {
        let flopcounter = try ConventionCount(try Self.analysis("mobilenet_v2"), convention: .flopcounter, training: true)
        #expect(flopcounter.total == 601_548_544)
        #expect(flopcounter.backwardTotal == 11_678_152_448)
    }

    /// netcost's own backward pass on a small net, by hand. Image 3×2×2; a 1×1 conv to 4
    /// channels without bias (48 MACs), ReLU (16 elements), flatten, linear 16 → 2 with
    /// bias (32 MACs, 2 bias adds). The conv reads the image, which needs no gradient: its
    /// weight gradient only, 2·48 = 96. ReLU's gradient, as much arithmetic as its forward
    /// pass: 16. The linear layer: input and weight gradients, 2·32 each, and its bias
    /// adds' 2: 130. Total 242; its forward FLOPs 2·48 + 16 + 2·32 + 2 = 178.
    @Test func netcostBackwardByHand() throws {
        let spec = """
        {"name": "small", "input": [3, 2, 2], "layers": [
          {"name": "conv", "op": "conv2d", "out": 4, "kernel": 1, "bias": false}, {"name": "relu", "op": "relu"},
          {"name": "flat", "op": "flatten"}, {"name": "fc", "op": "linear", "out": 2}]}
        """
        let analysis = try Analysis(try SpecLoader.load(bytes: Array(spec.utf8), file: "small.json", overrides: SpecOverrides()).graph)
        let netcost = try ConventionCount(analysis, convention: .netcost, training: true)
        #expect(netcost.backwardTotal == 242)
        #expect(analysis.totals.flops == 178)
    }

    /// A layer a tool does not hook is nil, not 0: ptflops sees no `x.mean([2, 3])`
    /// (ShuffleNet V2's pooling, a tensor method), thop no `F.adaptive_avg_pool2d`
    /// (MobileNetV2's, a function call).
    @Test func layersATooldoesNotSeeAreNotCounted() throws {
        let shufflenet = try Self.analysis("shufflenet_v2_x1_0")
        let pool = try #require(shufflenet.graph.layers.firstIndex { $0.name == "pool" })
        #expect(try ConventionCount(shufflenet, convention: .ptflops).layers[pool] == nil)
        let mobilenet = try Self.analysis("mobilenet_v2")
        let gap = try #require(mobilenet.graph.layers.firstIndex { $0.name == "pool" })
        #expect(try ConventionCount(mobilenet, convention: .thop).layers[gap] == nil)
        #expect(try ConventionCount(mobilenet, convention: .ptflops).layers[gap] == 1280 * 7 * 7)
    }
}
