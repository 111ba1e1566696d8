import Foundation
import Testing
@testable import NetCost

/// The graph input as the file declares it, and the input `--input` and `--resolution`
/// make of it before the graph is imported (once).
@Suite struct DeclaredInputTests {
    static let symbolic = Fixtures.generated("symbolic_input_opset13.onnx")
    /// A 3×3 pad 1 conv of 8 stored [8, 3, 3, 3] filters on an input declared [N, C, H, W].
    static let symbolicChannels = Fixtures.generated("symbolic_channels_opset13.onnx")

    /// The importer hands the declared input to the caller before it imports: the
    /// fixture's `[N, 3, H, W]`, with the symbols' names.
    @Test func theDeclaredInputKeepsItsSymbols() throws {
        var seen: ONNXDeclaredInput?
        let imported = try ONNXImporter.load(file: Self.symbolic) { (declared: ONNXDeclaredInput) throws(InputError) -> ONNXInputChoice in
            seen = declared
            return ONNXInputChoice(sample: [3, 32, 32])
        }
        let declared = try #require(seen)
        #expect(declared == ONNXDeclaredInput(name: "x", dims: [.symbolic("N"), .fixed(3), .symbolic("H"), .symbolic("W")]))
        #expect(declared.sampleRank == 3)
        #expect(declared.sampleText == "3xHxW")
        #expect(declared.shapeText == "[N, 3, H, W]")
        #expect(imported.model.input.sample == [3, 32, 32])
    }

    @Test func theFilesOwnShapeNamesTheFirstSymbolicDimension() {
        #expect(throws: InputError("dimension 2 of graph input \"x\" is symbolic (H in [N, 3, H, W]); give the input size", file: Self.symbolic, field: "input")) {
            try ONNXImporter.load(file: Self.symbolic)
        }
        #expect(throws: InputError("dimension 1 of graph input \"x\" is symbolic (C in [N, C, H, W]); give the input size", file: Self.symbolicChannels, field: "input")) {
            try ONNXImporter.load(file: Self.symbolicChannels)
        }
    }

    /// Per-sample and whole shapes from the declaration: literal, scalar, fixed batch,
    /// no shape, a dim with neither size nor symbol, and a given shape of the wrong rank.
    @Test func sampleShapes() throws {
        let fixed = ONNXDeclaredInput(name: "x", dims: [.fixed(1), .fixed(3), .fixed(8), .fixed(8)])
        #expect(try fixed.sampleShape() == [3, 8, 8])
        #expect(try fixed.sampleShape(given: [3, 16, 16]) == [3, 16, 16])
        let open = ONNXDeclaredInput(name: "x", dims: [.symbolic("N"), .fixed(3), .unknown, .unknown])
        #expect(open.sampleText == "3x?x?")
        #expect(throws: InputError("dimension 2 of graph input \"x\" has no size ([N, 3, ?, ?]); give the input size", field: "input")) {
            try open.sampleShape()
        }
        #expect(throws: InputError("the input [32, 32] has 2 axes, but graph input \"x\" [N, 3, ?, ?] has 3 after the batch", field: "input")) {
            try open.sampleShape(given: [32, 32])
        }
        // A fixed batch is the file's: two frames stay two, and another batch is refused.
        let batch2 = ONNXDeclaredInput(name: "x", dims: [.fixed(2), .fixed(3), .fixed(8), .fixed(8)])
        #expect(try batch2.wholeShape() == [2, 3, 8, 8])
        #expect(try batch2.wholeShape(given: [3, 4, 4], batch: 2) == [2, 3, 4, 4])
        #expect(throws: InputError("graph input \"x\" [2, 3, 8, 8] fixes a batch of 2, not 4: drop --batch or export with a dynamic batch", field: "input")) {
            try batch2.wholeShape(batch: 4)
        }
        #expect(try open.wholeShape(given: [3, 5, 5], batch: 3) == [3, 3, 5, 5])
        let scalar = ONNXDeclaredInput(name: "s", dims: [])
        #expect(scalar.sampleRank == nil)
        #expect(throws: InputError("graph input \"s\" is a scalar; netcost needs a batch axis first", field: "input")) {
            try scalar.sampleShape(given: [4])
        }
        // No declared shape: any given shape is taken as it is, per sample.
        let shapeless = ONNXDeclaredInput(name: "x", dims: nil)
        #expect(shapeless.sampleRank == nil && shapeless.sampleText == nil)
        #expect(try shapeless.sampleShape(given: [3, 8, 8]) == [3, 8, 8])
        #expect(throws: InputError("graph input \"x\" has no shape; give the input size", field: "input")) {
            try shapeless.sampleShape()
        }
    }

    /// Older exporters list the weights among the graph inputs: the declared input is
    /// the first that is not an initializer. Written by hand: `w` (an initializer) is
    /// listed first, then `x` as `[batch, (neither size nor symbol), height, 0]`; a
    /// dimension without either, and a size of 0, are unknown.
    @Test func theDeclaredInputIsTheFirstThatIsNotAnInitializer() throws {
        var model = ProtobufWriter()
        model.int(1, 3)
        model.message(8) { $0.int(2, 13) }
        model.message(7) { graph in
            graph.message(1) { node in
                node.string(1, "x"); node.string(1, "w"); node.string(2, "y"); node.string(4, "Conv")
            }
            graph.message(5) { tensor in
                for dim in [2, 3, 1, 1] { tensor.int(1, dim) }
                tensor.int(2, 1)
                tensor.string(8, "w")
            }
            graph.bytes(11, ProtobufWriter.valueInfo("w", [2, 3, 1, 1]))
            graph.bytes(11, ProtobufWriter.valueInfo("x", [.symbolic("batch"), .unknown, .symbolic("height"), .fixed(0)]))
        }
        #expect(throws: InputError("dimension 1 of graph input \"x\" has no size ([batch, ?, height, ?]); give the input size", file: "old.onnx", field: "input")) {
            try ONNXImporter.load(bytes: model.bytes, file: "old.onnx")
        }
        var seen: ONNXDeclaredInput?
        let resized = try model.bytes.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws(InputError) -> ONNXImport in
            try ONNXImporter.load(bytes: bytes, file: "old.onnx") { (declared: ONNXDeclaredInput) throws(InputError) -> ONNXInputChoice in
                seen = declared
                return ONNXInputChoice(sample: [3, 4, 4])
            }
        }
        #expect(seen == ONNXDeclaredInput(name: "x", dims: [.symbolic("batch"), .unknown, .symbolic("height"), .unknown]))
        #expect(resized.model.graph.layers.last?.outputShape.sample == [2, 4, 4])
    }
}


/// `--input` and `--resolution` on ONNX files (`ModelLoader`), made from the declared
/// input, so that files whose sizes are symbolic take them.
@Suite struct ONNXInputOverrideTests {
    static let symbolic = DeclaredInputTests.symbolic
    static let symbolicChannels = DeclaredInputTests.symbolicChannels

    static func load(_ path: String, input: [Int]? = nil, resolution: Int? = nil, batch: Int? = nil) throws -> LoadedModel {
        try ModelLoader.load(path, overrides: SpecOverrides(resolution: resolution, input: input, batch: batch))
    }

    /// `[N, 3, H, W]`: `--input` per sample, or with the batch first (a batch axis beyond
    /// the file's per-sample rank, as for specs), and `--resolution` with the file's 3 channels.
    @Test func symbolicSizesTakeTheGivenInput() throws {
        let perSample = try Self.load(Self.symbolic, input: [3, 32, 32])
        #expect(perSample.input.sample == [3, 32, 32])
        #expect(perSample.batch == 1)
        let batched = try Self.load(Self.symbolic, input: [2, 3, 32, 32])
        #expect(batched.input.sample == [3, 32, 32])
        #expect(batched.batch == 2)
        let resized = try Self.load(Self.symbolic, resolution: 32)
        #expect(resized.input.sample == [3, 32, 32])
        #expect(resized.graph.layers.last?.outputShape.sample == [3, 32, 32])
    }

    /// A symbolic channel count: `--input` gives it, and the conv's MACs follow
    /// (8 filters of 3·3·3 at each of 16·16 positions); `--resolution` cannot.
    @Test func symbolicChannelsNeedTheWholeInput() throws {
        let model = try Self.load(Self.symbolicChannels, input: [3, 16, 16])
        let analysis = try Analysis(model.graph)
        #expect(analysis.totals.macs == 8 * 16 * 16 * (3 * 3 * 3))
        #expect(analysis.totals.params == 8 * 3 * 3 * 3)
        let refusal = InputError("dimension 1 of graph input \"x\" is symbolic (C in [N, C, H, W]), and --resolution keeps the channels; give the whole input with --input (per sample: Cx16x16)",
                                 file: Self.symbolicChannels, field: "input")
        #expect(throws: refusal) { try Self.load(Self.symbolicChannels, resolution: 16) }
    }

    /// Without an option, the refusal says which option gives the size, and the shape to give.
    @Test func noInputNamesTheOption() {
        let refusal = InputError("dimension 2 of graph input \"x\" is symbolic (H in [N, 3, H, W]); give the input size with --input (per sample: 3xHxW)",
                                 file: Self.symbolic, field: "input")
        #expect(throws: refusal) { try Self.load(Self.symbolic) }
    }

    @Test func inputsThatCannotFitAreRefusedBeforeTheImport() throws {
        #expect(throws: InputError("the input [32, 32] has 2 axes, but graph input \"x\" [N, 3, H, W] has 3 after the batch", file: Self.symbolic, field: "input")) {
            try Self.load(Self.symbolic, input: [32, 32])
        }
        #expect(throws: InputError("[2, 3, 32, 32] leads with a batch of 2, but the batch is 4; drop the batch axis or give one batch", file: Self.symbolic, field: "input")) {
            try Self.load(Self.symbolic, input: [2, 3, 32, 32], batch: 4)
        }
        // A file that fixes a batch of 2 takes an input of its own batch, and refuses another.
        let batch2 = Fixtures.generated("batch2_opset13.onnx")
        #expect(try Self.load(batch2, input: [3, 4, 4]).input.dims == [2, 3, 4, 4])
        #expect(throws: InputError("graph input \"x\" [2, 3, 8, 8] fixes a batch of 2, not 1: drop --batch or export with a dynamic batch", file: batch2, field: "input")) {
            try Self.load(batch2, input: [1, 3, 8, 8])
        }
        // --resolution needs [N, C, H, W]: Gemm's input is [1, 64].
        let gemm = Fixtures.generated("gemm_opset11.onnx")
        #expect(throws: InputError("--resolution needs a [C, H, W] input; graph input \"x\" is [1, 64]", file: gemm, field: "input")) {
            try Self.load(gemm, resolution: 32)
        }
    }

    /// An import error that the new input causes says what the file's own input was;
    /// one the file has at its own input too does not blame the option.
    @Test func anErrorOnlyTheNewInputCausesSaysSo() {
        let conv = Fixtures.generated("conv_opset11.onnx")
        #expect(throws: InputError("Conv node \"/features/features.0/features.0.0/Conv\": weight [16, 3, 3, 3] with group 1 does not match the input's 4 channels (the file's input is 3x32x32; --input made it 4x32x32)",
                                   file: conv, layer: "features.0.0.conv", field: "weight")) {
            try Self.load(conv, input: [4, 32, 32])
        }
        // Symbolic sizes: the file has no input of its own to compare with.
        #expect(throws: InputError("Conv node: weight [8, 3, 3, 3] with group 1 does not match the input's 4 channels",
                                   file: Self.symbolicChannels, layer: "y", field: "weight")) {
            try Self.load(Self.symbolicChannels, input: [4, 16, 16])
        }
    }
}
