import NetCost
import Testing

/// The storage model behind `--bits`, `--density`, `--index-bits`, `--codebook`, and the
/// sweeps, against hand derivations and SqueezeNet's and MobileNets' published figures.
@Suite("Model size and sweeps")
struct ModelSizeAndSweepTests {
    static let squeezeNetParams = 1_248_424  // SqueezeNet 1.0, the paper's and torchvision's count

    @Test func squeezeNetDenseSizeIsThePapersFourPointEightMegabytes() throws {
        let analysis = try Analysis(try BuiltinModels.load("squeezenet1_0").graph)
        let bytes = try analysis.storedBytes(StorageModel(bits: 32))
        // 1,248,424 weights × 4 bytes = 4,993,696 bytes = 4.76 MiB: the paper's "4.8 MB" is in MiB.
        #expect(bytes == 4_993_696)
        #expect((Double(bytes) / 1_048_576 * 10).rounded() / 10 == 4.8)
    }

    @Test func sparseStorageKeepsADensityOfWeightsWithRelativeIndices() throws {
        // 33% of 1,248,424 is 411,979.92, so 411,980 weights are kept; at 8 bits plus a
        // 4-bit relative index each takes 12 bits: 411,980 × 12 / 8 = 617,970 bytes.
        let eightBit = StorageModel(bits: 8, density: 0.33, indexBits: 4)
        #expect(try eightBit.bytes(params: Self.squeezeNetParams, buffers: 0, weightedLayers: 26) == 617_970)
        // At 6 bits: 411,980 × 10 / 8 = 514,975 bytes.
        let sixBit = StorageModel(bits: 6, density: 0.33, indexBits: 4)
        #expect(try sixBit.bytes(params: Self.squeezeNetParams, buffers: 0, weightedLayers: 26) == 514_975)
        // A per-layer codebook adds 2^6 float32 centroids to each of 26 layers: 26 × 64 × 4 = 6,656 bytes.
        let shared = StorageModel(bits: 6, density: 0.33, indexBits: 4, codebook: true)
        #expect(try shared.bytes(params: Self.squeezeNetParams, buffers: 0, weightedLayers: 26) == 514_975 + 6_656)
    }

    @Test func squeezeNetHasTwentySixWeightedLayers() throws {
        // 2 convs outside the fire modules (conv1 and conv10) and 3 in each of the 8 fire modules.
        let analysis = try Analysis(try BuiltinModels.load("squeezenet1_0").graph)
        #expect(analysis.weightedLayerCount == 2 + 3 * 8)
    }

    @Test func widthResolutionGridReproducesMobileNetsTablesSixAndSeven() throws {
        let load = { (overrides: SpecOverrides) throws(InputError) -> LoadedModel in try BuiltinModels.load("mobilenet_v1", overrides: overrides) }
        let points = try Sweep.grid(load, widths: [1, 0.75, 0.5, 0.25], resolutions: [224, 192, 160, 128])
        #expect(points.count == 16)
        func millions(_ value: Int) -> Int { Int((Double(value) / 1e6).rounded()) }
        // Table 6 (224): 569, 325, 149, 41 million mult-adds.
        #expect(points.filter { $0.resolution == 224 }.map { millions($0.totals.macs) } == [569, 325, 149, 41])
        // Table 7 (width 1): 569, 418, 290 (recomputes to 290.68, see docs/published-numbers.md), 186.
        #expect(points.filter { $0.width == 1 }.map { Double($0.totals.macs) / 1e6 }.map { Int($0) } == [568, 418, 290, 186])
        // Resolution leaves the parameters alone.
        #expect(Set(points.filter { $0.width == 1 }.map(\.totals.params)) == [4_231_976])
    }

    @Test func compoundScalingFollowsTheRuleAndGrowsFlopsAboutTwoFold() throws {
        let scaling = CompoundScaling.efficientNet
        // α·β²·γ² = 1.2 × 1.21 × 1.3225 = 1.92027.
        #expect(abs(scaling.flopsGrowthPerStep - 1.92027) < 1e-5)
        // 224 × 1.15 = 257.6 → 258; 224 × 1.15² = 296.24 → 296.
        #expect(scaling.resolution(1, base: 224) == 258)
        #expect(scaling.resolution(2, base: 224) == 296)
        let base = try BuiltinModels.load("efficientnet_b0")
        let load = { (overrides: SpecOverrides) throws(InputError) -> LoadedModel in try BuiltinModels.load("efficientnet_b0", overrides: overrides) }
        let points = try Sweep.compound(load, base: base, phis: [0, 1], scaling: scaling)
        #expect(points[0].totals.macs == 385_814_752)  // torchvision efficientnet_b0, exact
        #expect(points[1].resolution == 258)
        #expect(points[1].depth == 1.2)
    }
}
