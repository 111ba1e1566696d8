import NetCost
import Testing

/// The shipped specs against exact framework counts: `Fixtures/published.json` (torchvision,
/// timm and Keras, measured by running the frameworks) and torchvision's model metadata.
@Suite("Shipped specs reproduce framework counts")
struct PublishedCountsTests {
    /// published.json's `exact` entries measured on torchvision, and the spec of each.
    static let torchvisionModels: [(entry: String, spec: String)] = [
        ("squeezenet1_0", "squeezenet1_0"),
        ("squeezenet1_1", "squeezenet1_1"),
        ("mobilenet_v2_1.0_224", "mobilenet_v2"),
        ("shufflenet_v2_x0_5", "shufflenet_v2_x0_5"),
        ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0"),
        ("shufflenet_v2_x1_5", "shufflenet_v2_x1_5"),
        ("shufflenet_v2_x2_0", "shufflenet_v2_x2_0"),
        ("efficientnet_b0", "efficientnet_b0"),
        ("resnet18", "resnet18"),
        ("alexnet", "alexnet"),
        ("vgg16", "vgg16"),
    ]

    @Test("params, buffers and conv+linear MACs equal torchvision's", arguments: torchvisionModels)
    func torchvisionCounts(entry: String, spec: String) throws {
        let published = try Published.load()
        let input = try published.ints("exact", entry, "input")
        let measured = try AnalysedSpec(spec, SpecOverrides(input: input))
        #expect(measured.model.input.sample == input)
        #expect(measured.totals.params == (try published.int("exact", entry, "params")))
        #expect(measured.totals.buffers == (try published.int("exact", entry, "buffers")))
        #expect(measured.totals.macs == (try published.int("exact", entry, "macs")))
    }

    /// ShuffleNet 2x (g = 3), the third network of MobileNetV2's Table 3: MobileNetV2's
    /// Table 4 gives it 5.4M parameters and 524M multiply-adds, as ShuffleNet's own Table 2
    /// does (524 MFLOPs, counted as multiply-adds). scripts/shufflenet_v1_counts.py builds
    /// it in PyTorch as Megvii's reference does and prints 5,449,776 parameters, 48,960
    /// batch-norm buffers and FlopCounterMode's 524,045,184 multiply-adds.
    @Test("shufflenet_v1_2x_g3: PyTorch's counts, and the papers' 5.4M and 524M")
    func shuffleNetV1() throws {
        let measured = try AnalysedSpec("shufflenet_v1_2x_g3", SpecOverrides())
        #expect(measured.totals.params == 5_449_776)
        #expect(measured.totals.buffers == 48_960)
        #expect(measured.totals.macs == 524_045_184)
        #expect((Double(measured.totals.params) / 1e5).rounded() / 10 == 5.4)
        #expect((Double(measured.totals.macs) / 1e6).rounded() == 524)
    }

    /// published.json states 3x240x240 for efficientnet_b1. Its params and buffers do not
    /// depend on the input; its MACs are exactly B1's at 224x224, and torchvision's own
    /// metadata for B1 at 240 ("_ops": 0.7 GFLOPS) rules out 0.57 G at 240. See
    /// docs/published-numbers.md.
    @Test("efficientnet_b1: counts match, the MACs entry was measured at 224x224")
    func efficientNetB1() throws {
        let published = try Published.load()
        let b1 = try AnalysedSpec("efficientnet_b1")
        #expect(b1.model.input.sample == (try published.ints("exact", "efficientnet_b1", "input")))
        #expect(b1.totals.params == (try published.int("exact", "efficientnet_b1", "params")))
        #expect(b1.totals.buffers == (try published.int("exact", "efficientnet_b1", "buffers")))

        let at224 = try AnalysedSpec("efficientnet_b1", SpecOverrides(resolution: 224))
        #expect(at224.totals.macs == (try published.int("exact", "efficientnet_b1", "macs")))
        #expect(b1.totals.macs != at224.totals.macs)
        #expect(printed(b1.totals.macs, unit: 1e9, decimals: 1) == "0.7")
    }

    @Test("MobileNetV2: Keras total = params + buffers")
    func mobileNetV2Keras() throws {
        let published = try Published.load()
        let v2 = try AnalysedSpec("mobilenet_v2")
        let entry = "mobilenet_v2_1.0_224"
        #expect(v2.totals.params == (try published.int("exact", entry, "keras_trainable")))
        #expect(v2.totals.buffers == (try published.int("exact", entry, "keras_non_trainable")))
        #expect(v2.totals.params + v2.totals.buffers == (try published.int("exact", entry, "keras_total_params")))
        #expect(v2.totals.params + v2.totals.buffers == 3_538_984)
    }

    @Test("MobileNet V1 equals timm's mobilenetv1_100")
    func mobileNetV1() throws {
        let published = try Published.load()
        let entry = "mobilenet_v1_1.0_224"
        let v1 = try AnalysedSpec("mobilenet_v1", SpecOverrides(input: try published.ints("exact", entry, "input")))
        #expect(v1.totals.params == (try published.int("exact", entry, "params")))
        #expect(v1.totals.params == 4_231_976)
        #expect(v1.totals.buffers == (try published.int("exact", entry, "buffers")))
        #expect(v1.totals.macs == (try published.int("exact", entry, "macs")))
        #expect(v1.totals.macs == 568_740_352)
        // 4,231,976 = 4,209,088 conv/FC weights + 1,000 FC bias + 21,888 BN gamma/beta.
        #expect(v1.weightsOnly == (try published.int("exact", entry, "paper_weights_only_conv_fc")))
        #expect(v1.totals.params - v1.weightsOnly == 1_000 + 21_888)
    }

    @Test("EfficientNet B0-B7 params equal torchvision's num_params", arguments: 0...7)
    func efficientNetParams(variant: Int) throws {
        let published = try Published.load()
        let model = try AnalysedSpec("efficientnet_b\(variant)")
        #expect(model.totals.params == (try published.int("efficientnet_torchvision_params", "b\(variant)")))
    }

    /// torchvision/models/efficientnet.py, `EfficientNet_B*_Weights.IMAGENET1K_V1.meta["_ops"]`:
    /// GFLOPS counted as multiply-adds at each model's `crop_size`, printed to one decimal.
    static let torchvisionEfficientNetOps: [(variant: Int, crop: Int, ops: String)] = [
        (0, 224, "0.4"), (1, 240, "0.7"), (2, 288, "1.1"), (3, 300, "1.8"),
        (4, 380, "4.4"), (5, 456, "10.3"), (6, 528, "19.1"), (7, 600, "37.7"),
    ]

    @Test("EfficientNet B0-B7 MACs equal torchvision's published _ops", arguments: torchvisionEfficientNetOps)
    func efficientNetOps(variant: Int, crop: Int, ops: String) throws {
        let model = try AnalysedSpec("efficientnet_b\(variant)", SpecOverrides(resolution: crop))
        #expect(printed(model.totals.macs, unit: 1e9, decimals: 1) == ops)
    }

    /// torchvision/models/resnet.py, `ResNet50_Weights.IMAGENET1K_V1.meta`: "num_params":
    /// 25557032 and "_ops": 4.089 (GFLOPS counted as multiply-adds, 224x224).
    @Test("ResNet-50 equals torchvision's resnet50 metadata")
    func resNet50() throws {
        let resnet = try AnalysedSpec("resnet50")
        #expect(resnet.totals.params == 25_557_032)
        #expect(printed(resnet.totals.macs, unit: 1e9, decimals: 3) == "4.089")
        // Batch norm keeps a mean and a variance per channel: the 64-channel stem, then per
        // stage of width w and n blocks, n·(w + w + 4w) plus the projection shortcut's 4w.
        let stages = [(64, 3), (128, 4), (256, 6), (512, 3)]
        let channels = 64 + stages.reduce(0) { $0 + $1.1 * 6 * $1.0 + 4 * $1.0 }
        #expect(resnet.totals.buffers == 2 * channels)
    }

    @Test("Receptive fields equal google-research/receptive_field's", arguments: [("vgg16", "vgg_16"), ("mobilenet_v1", "mobilenet_v1")])
    func receptiveField(spec: String, entry: String) throws {
        let published = try Published.load()
        let model = try AnalysedSpec(spec)
        let final = try #require(model.analysis.finalReceptiveField)
        let size = try published.double("receptive_fields", entry, "size")
        let stride = try published.double("receptive_fields", entry, "stride")
        let padding = try published.double("receptive_fields", entry, "padding")
        for axis in final.field.axes {
            #expect(axis.size == size)
            #expect(axis.jump == stride)
            #expect(axis.padding == padding)
        }
    }

    @Test("Receptive fields end at the last 7x7 feature map")
    func receptiveFieldLayers() throws {
        let vgg = try AnalysedSpec("vgg16")
        let mobilenet = try AnalysedSpec("mobilenet_v1")
        let vggFinal = try #require(vgg.analysis.finalReceptiveField)
        let mobilenetFinal = try #require(mobilenet.analysis.finalReceptiveField)
        // VGG-16: pool5 (features.30) feeds a 7x7 adaptive pool, which changes nothing.
        #expect(vgg.model.graph.layers[vggFinal.layer].name == "avgpool")
        #expect(vgg.model.graph.layers[vggFinal.layer].outputShape.sample == [512, 7, 7])
        #expect(mobilenet.model.graph.layers[mobilenetFinal.layer].name == "features.13.pw.act")
        #expect(mobilenet.model.graph.layers[mobilenetFinal.layer].outputShape.sample == [1024, 7, 7])
    }
}
