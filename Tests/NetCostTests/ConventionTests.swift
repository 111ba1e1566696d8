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
        #expect(compared >= 110)
    }

    /// MobileNetV2's backward pass, from FlopCounterMode's own figure (11,678,152,448, its
    /// depthwise weight gradients counted `groups` times) and by hand: each product's two
    /// gradients are 2 × 601,548,544 FLOPs, less the first convolution's input gradient
    /// (the image needs none): 3·3·3·32 · 112² = 10,838,016 MACs, 21,676,032 FLOPs, so
    /// 1,203,097,088 − 21,676,032 = 1,181,421,056.
    @Test func backwardOfMobileNetV2() throws {
        let analysis = try Self.analysis("mobilenet_v2")
        let flopcounter = try ConventionCount(analysis, convention: .flopcounter, training: true)
        #expect(flopcounter.total == 601_548_544)
        #expect(flopcounter.backwardTotal == 11_678_152_448)
        let carriers = analysis.graph.gradientCarriers()
        var products = 0
        for (index, layer) in analysis.graph.layers.enumerated() where analysis.costs[index].macs > 0 {
            let inputs = layer.inputs.filter { carriers[$0] }.count
            products += 2 * analysis.costs[index].macs * (inputs + 1)
        }
        #expect(products == 1_181_421_056)
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
