import NetCost
import Testing

/// The scaling rules of `Scaling`, `CompoundScaling` and `SpecOverrides`, against the
/// numbers torchvision and the EfficientNet paper give.
@Suite("Scaling rules")
struct ScalingTests {
    @Test func widthScalesChannelsByTheLayersRule() {
        let half = Scaling(width: 0.5, rounding: .floor)
        #expect(half.channels(64) == 32)
        #expect(half.channels(64, .fixed) == 64)
        #expect(half.channels(1280, .growOnly) == 1280)
        // torchvision's mobilenet_v2(width_mult=1.4): last_channel = _make_divisible(1280 · 1.4, 8) = 1792.
        let wide = Scaling(width: 1.4, rounding: .divisible(by: 8))
        #expect(wide.channels(1280, .growOnly) == 1792)
        // _make_divisible(32 · 1.4, 8): 44.8 → 48.
        #expect(wide.channels(32) == 48)
    }

    @Test func depthRoundsRepeatsUp() {
        // torchvision's EfficientNet: ceil(num_layers · depth_mult); B3 has depth 1.4.
        let b3 = Scaling(depth: 1.4)
        #expect([1, 2, 3, 4].map(b3.repeats) == [2, 3, 5, 6])
        #expect(Scaling().repeats(3) == 3)
    }

    /// MobileNetV2 at depth 1.2: ceil(n·1.2) blocks per row of (1, 2, 3, 4, 3, 3, 1) is
    /// (2, 3, 4, 5, 4, 4, 2), 24 blocks. Numbered on from features.1 they would reach the
    /// head's own name, features.18, and the classifier once read a 96-channel block in
    /// its place: the numbering skips it (features.1–17, then 19–25), so the pool reads the
    /// head's 1280 channels and the classifier is 1280·1000 + 1000 parameters.
    @Test func depthScaledBlocksDoNotTakeTheHeadsName() throws {
        var overrides = SpecOverrides()
        overrides.depth = 1.2
        let graph = try ModelLoader.load("mobilenet_v2", overrides: overrides).graph
        let names = Set(graph.layers.map(\.name))
        #expect(names.count == graph.layers.count)
        let blockNumbers = Set(graph.layers.compactMap { layer -> Int? in
            let parts = layer.name.split(separator: ".")
            return parts.count >= 3 && parts[0] == "features" && parts[2] == "project" ? Int(parts[1]) : nil
        })
        #expect(blockNumbers == Set(Array(1...17) + Array(19...25)))
        let pool = try #require(graph.layers.first { $0.name == "pool" })
        #expect(graph.layers[pool.inputs[0]].name == "features.18.act")
        let classifier = try #require(graph.layers.firstIndex { $0.name == "classifier.1" })
        #expect(try Analysis(graph).costs[classifier].params == 1280 * 1000 + 1000)
    }

    @Test func resolutionsRoundToAMultiple() {
        #expect(Scaling.resolution(160, multipleOf: 32) == 160)
        // 5/7 of 512 = 365.7; 365.7 / 32 = 11.4 → 11 · 32.
        #expect(Scaling.resolution(512 * 5 / 7.0, multipleOf: 32) == 352)
        // Never below one multiple.
        #expect(Scaling.resolution(3, multipleOf: 32) == 32)
    }

    @Test func compoundScalingGivesTheOverridesForPhi() {
        let rule = CompoundScaling.efficientNet
        // φ = 1 from B0: depth 1.2, width 1.1, resolution 224 · 1.15 = 257.6 → 258.
        let one = rule.overrides(1, base: Scaling(), resolution: 224)
        #expect(one.depth == 1.2 && one.width == 1.1 && one.resolution == 258)
        // From a base at width 1.1 and depth 1.2, φ = 2 multiplies both again by β² and α².
        let two = rule.overrides(2, base: Scaling(width: 1.1, depth: 1.2), resolution: 224, resolutionMultiple: 32)
        #expect(abs((two.width ?? 0) - 1.1 * 1.21) < 1e-12)
        #expect(abs((two.depth ?? 0) - 1.2 * 1.44) < 1e-12)
        // 224 · 1.15² = 296.24 → 296, then to a multiple of 32: 9.25 → 9 · 32.
        #expect(two.resolution == 288)
    }

    @Test func rescalingKeepsTheCommandLineButReplacesItsScaling() {
        let given = SpecOverrides(width: 0.75, input: [3, 200, 200], classes: 10, batch: 4)
        let wider = given.rescaled(by: SpecOverrides(width: 0.5))
        #expect(wider == SpecOverrides(width: 0.5, input: [3, 200, 200], classes: 10, batch: 4))
        // A resolution replaces --input's height and width, keeping its channels.
        let smaller = given.rescaled(by: SpecOverrides(resolution: 160))
        #expect(smaller == SpecOverrides(width: 0.75, input: [3, 160, 160], classes: 10, batch: 4))
        // Without --input, it is the resolution.
        let plain = SpecOverrides(width: 0.75).rescaled(by: SpecOverrides(resolution: 160))
        #expect(plain == SpecOverrides(width: 0.75, resolution: 160))
    }

    @Test func overridesReplaceTheSpecsScalingInputAndBatch() throws {
        let spec = #"{"input": [3, 224, 224], "width": 0.5, "depth": 2, "batch": 2, "layers": [{"op": "conv2d", "out": 8, "kernel": 1}]}"#
        let plain = try SpecLoader.load(text: spec)
        #expect(plain.scaling == Scaling(width: 0.5, depth: 2))
        #expect(plain.graph.layers[1].outputShape.channels == 4)
        #expect(plain.batch == 2)
        let given = try SpecLoader.load(text: spec, overrides: SpecOverrides(width: 2, resolution: 96))
        #expect(given.scaling == Scaling(width: 2, depth: 2))
        #expect(given.graph.layers[1].outputShape.sample == [16, 96, 96])
        // An --input with a leading batch axis sets the batch.
        let batched = try SpecLoader.load(text: spec, overrides: SpecOverrides(input: [8, 3, 64, 64]))
        #expect(batched.input.sample == [3, 64, 64] && batched.batch == 8)
        #expect(throws: InputError.self) { try SpecLoader.load(text: spec, overrides: SpecOverrides(depth: 65)) }
    }
}
