import NetCost
import Testing

/// The papers' tables, recomputed from the shipped specs and from small graphs built
/// here, compared at the precision the papers print. Numbers that do not recompute are
/// tested as what they recompute to, and explained in docs/published-numbers.md. This
/// file holds the MobileNets paper (Howard et al. 2017); `PaperTablesTests+Others.swift`
/// the rest.
@Suite("Paper tables reproduced")
struct PaperTablesTests {
    // MARK: Table 3

    /// One layer, Dk = 3, M = N = 512 channels, Df = 14, bias-free as in the paper.
    static func standardLayer(channels: Int, size: Int) -> String {
        #"{ "input": [\#(channels), \#(size), \#(size)], "layers": [ { "op": "conv2d", "out": 512, "kernel": 3, "padding": 1, "bias": false } ] }"#
    }

    static func separableLayer(channels: Int, size: Int) -> String {
        #"""
        { "input": [\#(channels), \#(size), \#(size)], "layers": [
            { "op": "conv2d", "groups": "depthwise", "kernel": 3, "padding": 1, "bias": false },
            { "op": "conv2d", "out": 512, "kernel": 1, "bias": false } ] }
        """#
    }

    @Test("Table 3: standard vs depthwise separable, then alpha 0.75 and rho 0.714")
    func table3() throws {
        let standard = try AnalysedSpec(text: Self.standardLayer(channels: 512, size: 14))
        #expect(standard.totals.macs == 3 * 3 * 512 * 512 * 14 * 14)
        #expect(printed(standard.totals.macs, unit: 1e6, decimals: 0) == "462")
        #expect(printed(standard.totals.params, unit: 1e6, decimals: 2) == "2.36")

        let separable = try AnalysedSpec(text: Self.separableLayer(channels: 512, size: 14))
        #expect(separable.totals.macs == 3 * 3 * 512 * 14 * 14 + 512 * 512 * 14 * 14)
        #expect(printed(separable.totals.macs, unit: 1e6, decimals: 1) == "52.3")
        #expect(printed(separable.totals.params, unit: 1e6, decimals: 2) == "0.27")
        // The paper's ratio, 1/N + 1/Dk², exactly: separable·9·512 = standard·(9 + 512).
        #expect(separable.totals.macs * 9 * 512 == standard.totals.macs * (9 + 512))
        #expect(separable.totals.params * 9 * 512 == standard.totals.params * (9 + 512))

        // alpha = 0.75 thins both M and N to 384 (the input here, the 512 via the multiplier).
        let thinner = try AnalysedSpec(text: Self.separableLayer(channels: 384, size: 14), SpecOverrides(width: 0.75))
        #expect(thinner.totals.macs == 3 * 3 * 384 * 14 * 14 + 384 * 384 * 14 * 14)
        #expect(printed(thinner.totals.macs, unit: 1e6, decimals: 1) == "29.6")
        #expect(printed(thinner.totals.params, unit: 1e6, decimals: 2) == "0.15")

        // rho = 0.714 shrinks Df from 14 to 10.
        let smaller = try AnalysedSpec(text: Self.separableLayer(channels: 384, size: 10), SpecOverrides(width: 0.75))
        #expect(printed(smaller.totals.macs, unit: 1e6, decimals: 1) == "15.1")
        #expect(printed(smaller.totals.params, unit: 1e6, decimals: 2) == "0.15")
    }

    // MARK: Table 2

    /// Table 2's layer types. Its parameter shares are of conv and FC weights (4,209,088),
    /// without biases and batch norm: FC 1024·1000 / 4,209,088 = 24.33%.
    static func layerType(_ layer: Layer, in model: AnalysedSpec) -> String? {
        switch layer.operation {
        case .convolution(let conv):
            let inputChannels = model.model.graph.layers[layer.inputs[0]].outputShape.channels
            if conv.groups == inputChannels && conv.groups > 1 { return "Conv DW 3x3" }
            return conv.kernel == .square(1) ? "Conv 1x1" : "Conv 3x3"
        case .linear: return "Fully Connected"
        default: return nil
        }
    }

    /// Table 2 as printed: (type, % of mult-adds, % of parameters). The printed stem row,
    /// 1.19% of mult-adds, recomputes to 1.91% (10,838,016 / 568,740,352): two digits
    /// swapped; only 1.91 makes the column add up to 100%.
    static let table2: [(type: String, macs: String, params: String)] = [
        ("Conv 1x1", "94.86", "74.59"),
        ("Conv DW 3x3", "3.06", "1.06"),
        ("Conv 3x3", "1.91", "0.02"),
        ("Fully Connected", "0.18", "24.33"),
    ]

    @Test("Table 2: mult-adds and parameters per layer type")
    func table2() throws {
        let mobilenet = try AnalysedSpec("mobilenet_v1")
        var macs: [String: Int] = [:], weights: [String: Int] = [:]
        for (layer, cost) in zip(mobilenet.model.graph.layers, mobilenet.analysis.costs) {
            guard let type = Self.layerType(layer, in: mobilenet) else { continue }
            macs[type, default: 0] += cost.macs
            switch layer.operation {
            case .linear(let linear): weights[type, default: 0] += cost.params - (linear.bias ? linear.outFeatures : 0)
            default: weights[type, default: 0] += cost.params
            }
        }
        #expect(macs.values.reduce(0, +) == mobilenet.totals.macs)
        #expect(weights.values.reduce(0, +) == 4_209_088)
        for row in Self.table2 {
            let share = { (part: Int, whole: Int) in printed(part * 100, unit: Double(whole), decimals: 2) }
            #expect(share(macs[row.type] ?? 0, mobilenet.totals.macs) == row.macs, "\(row.type) mult-adds")
            #expect(share(weights[row.type] ?? 0, 4_209_088) == row.params, "\(row.type) parameters")
        }
        #expect(sumOfPercentages(Self.table2.map(\.macs)) == 100.01)
        #expect(sumOfPercentages(["94.86", "3.06", "1.19", "0.18"]) == 99.29)
    }

    /// The sum of printed percentages, to two decimals.
    private func sumOfPercentages(_ values: [String]) -> Double {
        (values.compactMap(Double.init).reduce(0, +) * 100).rounded() / 100
    }

    // MARK: Table 4

    @Test("Table 4: MobileNet vs Conv MobileNet")
    func table4() throws {
        let mobilenet = try AnalysedSpec("mobilenet_v1")
        #expect(printed(mobilenet.totals.macs, unit: 1e6, decimals: 0) == "569")
        #expect(printed(mobilenet.totals.params, unit: 1e6, decimals: 1) == "4.2")

        let conv = try AnalysedSpec("conv_mobilenet")
        // Every depthwise separable unit becomes a full 3x3 conv (Cin, Cout, output size):
        let layers = [(3, 32, 112), (32, 64, 112), (64, 128, 56), (128, 128, 56), (128, 256, 28), (256, 256, 28),
                      (256, 512, 14)] + Array(repeating: (512, 512, 14), count: 5) + [(512, 1024, 7), (1024, 1024, 7)]
        let convMacs = layers.reduce(0) { $0 + 3 * 3 * $1.0 * $1.1 * $1.2 * $1.2 }
        #expect(conv.totals.macs == convMacs + 1024 * 1000)
        #expect(printed(conv.totals.params, unit: 1e6, decimals: 1) == "29.3")
        // Printed 4866: the convolutions alone; with the FC layer, which the MobileNet row
        // counts (Table 2), it is 4867.
        #expect(printed(conv.totals.macs, unit: 1e6, decimals: 0) == "4867")
        #expect(printed(convMacs, unit: 1e6, decimals: 0) == "4866")
    }

    // MARK: Tables 6 and 7

    @Test("Table 6: width multiplier", arguments: ["1.0", "0.75", "0.5", "0.25"])
    func table6(width: String) throws {
        let published = try Published.load()
        let row = try published.doubles("papers", "mobilenet_v1_width_table", width)
        let model = try AnalysedSpec("mobilenet_v1", SpecOverrides(width: Double(width)))
        #expect(printed(model.totals.macs, unit: 1e6, decimals: 0) == printed(row[0], decimals: 0))
        #expect(printed(model.totals.params, unit: 1e6, decimals: 1) == printed(row[1], decimals: 1))
    }

    @Test("Table 7: resolution multiplier", arguments: [224, 192, 128])
    func table7(resolution: Int) throws {
        let published = try Published.load()
        let printedMacs = try published.double("papers", "mobilenet_v1_resolution_table", String(resolution))
        let model = try AnalysedSpec("mobilenet_v1", SpecOverrides(resolution: resolution))
        #expect(printed(model.totals.macs, unit: 1e6, decimals: 0) == printed(printedMacs, decimals: 0))
        #expect(model.totals.params == 4_231_976)
    }

    /// 290,675,200 mult-adds round to 291; the paper prints 290. See docs/published-numbers.md.
    @Test("Table 7 at 160: recomputes to 291, printed 290")
    func table7At160() throws {
        let published = try Published.load()
        let printedMacs = try published.double("papers", "mobilenet_v1_resolution_table", "160")
        let model = try AnalysedSpec("mobilenet_v1", SpecOverrides(resolution: 160))
        #expect(model.totals.macs == 290_675_200)
        #expect(printed(model.totals.macs, unit: 1e6, decimals: 0) == "291")
        #expect(abs(Double(model.totals.macs) / 1e6 - printedMacs) < 1)
    }
}
