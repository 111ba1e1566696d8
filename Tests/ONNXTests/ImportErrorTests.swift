import Foundation
import Testing
@testable import NetCost

/// Unsupported ops, inputs that need help, and bad files.
@Suite struct ImportErrorTests {
    /// Elu, Celu, PRelu and a custom-domain op are listed by type, and the layers around
    /// them are still counted: 4→4 3×3 pad 1 on 8×8, a reflect pad to 10×10, then
    /// 4→2 1×1 on the 10×10 that Foo (declared) gives.
    @Test func unsupportedOpsAreListedAndTheRestCounted() throws {
        let model = try Imported("unsupported_opset13.onnx")
        #expect(model.result.isPartial)
        #expect(model.result.unsupported.map(\.opType) == ["Elu", "Celu", "PRelu", "com.example.Foo"])
        #expect(model.result.unsupported.map(\.count) == [1, 1, 1, 1])
        #expect(model.layer("q")?.operation == .pad(Pad(top: 1, bottom: 1, left: 1, right: 1, mode: .reflect)))
        #expect(model.analysis.unsupported.count == 4)
        #expect(model.outputDims == [2, 10, 10])
        #expect(model.macs == 4 * 8 * 8 * (4 * 9) + 2 * 10 * 10 * 4)
        // Elu, Celu and PRelu declare no output shape: their inputs' was assumed.
        #expect(model.result.warnings.contains { $0.hasPrefix("3 unsupported ops had no declared output shape") })
        // PRelu's stored slope still counts.
        #expect(model.params == 4 * 4 * 9 + 4 * 1 * 1 + 2 * 4)
    }

    @Test func symbolicInputNeedsASize() throws {
        #expect {
            try ONNXImporter.load(file: Fixtures.generated("symbolic_input_opset13.onnx"))
        } throws: { error in
            (error as? InputError)?.message.contains("symbolic") == true
        }
        let model = try Imported("symbolic_input_opset13.onnx", input: [3, 32, 32])
        #expect(model.outputDims == [3, 32, 32])
        #expect(model.result.model.input.sample == [3, 32, 32])
    }

    /// A ReLU on a fixed batch of two [3, 8, 8] samples: the shapes hold both, so the
    /// activations and flops are 2·3·8·8 = 384, and the report's batch is 2.
    @Test func aFixedBatchIsTheFiles() throws {
        let model = try Imported("batch2_opset13.onnx")
        #expect(model.result.model.batch == 2)
        #expect(model.outputDims == [3, 8, 8])
        #expect(model.analysis.totals.activations == 2 * 3 * 8 * 8)
        #expect(model.analysis.totals.flops == 2 * 3 * 8 * 8)
    }

    @Test func dynamoNameScopesGiveLayerNames() throws {
        let model = try Imported("dynamo_names_opset18.onnx")
        #expect(model.layers.map(\.name) == ["x", "features.0.conv2d", "features.1.relu"])
    }

    /// Each hostile file ends in an InputError that names the file and says what is wrong.
    @Test(arguments: [
        ("hostile_conv_pads.onnx", "out of range"),
        ("hostile_huge_weight.onnx", "more elements than a 64-bit integer"),
        ("hostile_reshape.onnx", "does not hold"),
        ("hostile_overflow.onnx", "overflows"),
        ("hostile_order.onnx", "no earlier node"),
        ("hostile_raw_length.onnx", "raw_data"),
    ])
    func hostileFiles(file: String, phrase: String) {
        let path = Fixtures.generated(file)
        #expect {
            try ONNXImporter.load(file: path)
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file == path && error.description.contains(phrase)
        }
    }

    /// A ConstantOfShape of 2³¹ × 2³¹ elements keeps its dims and allocates nothing.
    @Test func hugeFoldedConstantsAllocateNothing() throws {
        let model = try Imported("hostile_constant_of_shape.onnx")
        #expect(model.kinds == ["relu"])
    }

    /// 16,000 iterations of a body holding a Loop of 30,000 iterations of a Relu: 960
    /// million nodes in full. The first inner Loop unrolls (30,000 × 2 nodes fit in the
    /// 65,536 netcost unrolls in all); the 15,999 after it are named, not unrolled.
    @Test func nestedLoopsUnrollWithinABudget() throws {
        let model = try Imported("hostile_nested_loops.onnx")
        let loops = try #require(model.result.unsupported.first { $0.opType == "Loop" })
        #expect(loops.reason == "30000 iterations of 2 nodes: too many to unroll")
        #expect(loops.count == 15_999)
    }

    @Test func missingEmptyAndNonONNXFiles() throws {
        #expect(throws: InputError("no such file", file: "/nonexistent/model.onnx")) {
            try ONNXImporter.load(file: "/nonexistent/model.onnx")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.onnx").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(throws: InputError("is empty, not an ONNX model", file: empty)) { try ONNXImporter.load(file: empty) }
        #expect(throws: InputError.self) { try ONNXImporter.load(file: directory.path) }
        // A JSON spec handed to the ONNX reader: not a protobuf.
        #expect(throws: InputError.self) { try ONNXImporter.load(bytes: Array("{\"layers\": []}".utf8), file: "spec.json") }
    }

    /// Cut at every byte of a small model: each prefix imports or throws, never crashes.
    @Test func everyTruncationOfASmallModel() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.generated("conv_opset11.onnx"))))
        var failures = 0
        for length in 0..<bytes.count {
            do {
                _ = try ONNXImporter.load(bytes: Array(bytes[..<length]), file: "cut")
            } catch {
                failures += 1
            }
        }
        #expect(failures > bytes.count / 2)
    }

    /// Hand-written protobuf: an unpacked `dims` field, unknown fields of every wire
    /// type, and a field number 0.
    @Test func wireFormatEdgeCases() throws {
        var model = ProtobufWriter()
        model.int(1, 8)
        model.message(8) { $0.int(2, 13) }
        model.key(99, 1); model.bytes += Array(repeating: 0, count: 8)     // unknown fixed64
        model.key(98, 5); model.bytes += Array(repeating: 0, count: 4)     // unknown fixed32
        model.int(97, 123)                                                  // unknown varint
        model.message(7) { graph in
            graph.message(1) { node in
                node.string(1, "x"); node.string(1, "w"); node.string(2, "y"); node.string(4, "Conv")
            }
            graph.message(5) { tensor in
                for dim in [2, 3, 1, 1] { tensor.int(1, dim) }              // unpacked dims
                tensor.int(2, 1)
                tensor.string(8, "w")
            }
            graph.bytes(11, ProtobufWriter.valueInfo("x", [1, 3, 4, 4]))
        }
        let imported = try ONNXImporter.load(bytes: model.bytes, file: "handmade.onnx")
        #expect(imported.model.graph.layers.last?.outputShape.sample == [2, 4, 4])
        #expect(try Analysis(imported.model.graph).totals.params == 2 * 3)

        var zero = ProtobufWriter()
        zero.key(0, 0); zero.varint(1)
        #expect(throws: InputError.self) { try ONNXImporter.load(bytes: zero.bytes, file: "zero.onnx") }
    }
}

/// What the import tells about the file besides the graph.
@Suite struct ImportMetadataTests {
    @Test func producerOpsetAndDescription() throws {
        let imported = try ONNXImporter.load(file: Fixtures.shared("tv_resnet18.onnx"))
        #expect(imported.producer == "pytorch 2.11.0")
        #expect(imported.irVersion == 8)
        #expect(imported.model.description == "ONNX, opset 17, from pytorch 2.11.0")
        #expect(imported.model.name == "tv_resnet18")
        #expect(imported.warnings.isEmpty)
        #expect(!imported.isPartial)
    }

    @Test func onnxPathsAreRecognisedByExtension() {
        #expect(ONNXImporter.isONNXPath("models/ResNet50.ONNX"))
        #expect(!ONNXImporter.isONNXPath("specs/mobilenet_v2.json"))
        #expect(!ONNXImporter.isONNXPath("mobilenet_v2"))
    }

    @Test func everyMappedOpTypeIsListedOnce() {
        let types = ONNXImporter.supportedOpTypes
        #expect(Set(types).count == types.count)
        #expect(types.contains("Conv") && types.contains("Resize") && types.contains("Shape"))
    }
}

/// Scatters and element gathers, and what follows a guessed shape.
@Suite struct ScatterImportTests {
    /// A mask of zeros with a block set by ScatterND from constants folds to a constant
    /// (its dims only) that the scores add; a ScatterND on run-time scores is a
    /// `scatter_nd` (reads the 16 scores, 2·3 indices and 2 updates, writes 16); a
    /// GatherElements on them a `gather_elements` in the indices' shape [1, 4, 2] (reads the
    /// 8 indices and, per line of 2 along axis 2, 2 entries; writes 8), so the ReLU after it
    /// is counted too; a Slice of 5..<8 that the guessed shape of
    /// an unknown op cannot take is not counted either, instead of failing the import, nor
    /// is the Shape of that guess, nor entry 7 of it.
    @Test func scattersGathersAndGuessedShapes() throws {
        let model = try Imported("scatter_gather_elements_opset13.onnx")
        #expect(model.result.unsupported.map(\.opType) == ["com.example.Unknown", "Slice", "Shape", "Gather"])
        #expect(model.layer("picked")?.operation == .elementIndexing(ElementIndexing(.gather, axis: 2)))
        #expect(model.cost("picked")?.memoryAccess == 8 + 4 * 2 + 8)
        #expect(model.layer("scattered")?.operation == .scatterND(ScatterND()))
        #expect(model.cost("scattered")?.memoryAccess == 16 + 2 * 3 + 2 + 16)
        #expect(model.result.unsupported.map(\.reason) == [nil,
                                                            "input shapes unknown after an unsupported op", "the shape of a tensor whose shape is unknown",
                                                            "input shapes unknown after an unsupported op"])
        #expect(model.layer("mask")?.outputShape.dims == [1, 4, 4])
        #expect(model.layer("scattered")?.outputShape.dims == [1, 4, 4])
        #expect(model.layer("picked")?.outputShape.dims == [1, 4, 2])
        #expect(model.layer("y")?.operation == .activation(Activation(.relu)))
        #expect(model.cost("y")?.flops == 4 * 2)
    }
}

/// Constants that fold.
@Suite struct FoldedConstantTests {
    /// A ConstantOfShape of an empty shape is a scalar 2, which the 12 inputs are
    /// multiplied by (12 flops); GatherElements of [[2, 3, 4, 6]] at [[3, 0]] along axis
    /// 1 is [[6, 2]], flattened into a Reshape's target: [1, 12] → [6, 2].
    @Test func scalarFillAndGatheredElements() throws {
        let model = try Imported("constant_scalar_gather_elements_opset13.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["mul", "reshape"])
        #expect(model.layer("two")?.outputShape.dims == [1])
        #expect(model.layers.last?.outputShape.dims == [6, 2])
        #expect(model.cost("doubled")?.flops == 12)
    }
}

/// A graph input without a batch axis.
@Suite struct UnbatchedInputTests {
    /// A detector's [3, 8, 8] image has no batch axis (a fixed 3 leads a rank-3 tensor),
    /// so it shows whole and the batch is 1; the unsqueezed map's conv counts
    /// 4·8·8 outputs of 3·9 taps = 6,912 MACs; the Reshape target Cast(1 / 0.25) = 4 folds.
    @Test func aDetectorsImage() throws {
        let model = try Imported("image_without_batch_opset13.onnx")
        #expect(model.result.model.input.batchAxis == nil)
        #expect(model.result.model.input.description == "3x8x8")
        #expect(model.result.model.batch == 1)
        #expect(model.macs == 4 * 8 * 8 * 3 * 9)
        #expect(model.layers.last?.outputShape.dims == [4, 64])
        #expect(model.result.unsupported.isEmpty)
    }
}

extension FoldedConstantTests {
    /// Clip folds on constants: the pads end with Clip([-3, 1], 0, 5) = [0, 1], so a
    /// [1, 2, 5, 5] map is padded to [1, 2, 5, 6]: 50 read, 60 written.
    @Test func computedPads() throws {
        let model = try Imported("computed_pads_opset13.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["pad"])
        #expect(model.layers.last?.outputShape.dims == [1, 2, 5, 6])
        #expect(model.cost(model.layers.last?.name ?? "")?.memoryAccess == 50 + 60)
    }
}

/// Control flow and post-processing.
@Suite struct DataDependentImportTests {
    /// TopK and NonZero on a ReLU's output are named as work that depends on the data,
    /// with the one layer that reads their results (a Transpose of NonZero's indices);
    /// the ReLU before them is counted: 6 flops.
    @Test func postProcessingIsNamedWithWhatFollows() throws {
        let imported = try ONNXImporter.load(file: Fixtures.generated("post_processing_opset13.onnx"))
        #expect(imported.dataDependent.layers == ["values", "nz"])
        #expect(imported.dataDependent.dependents == 1)
        let model = try ModelLoader.load(Fixtures.generated("post_processing_opset13.onnx"))
        #expect(model.warnings.last == "control flow and post-processing, whose work depends on the data: TopK ×1, NonZero ×1; 1 layer after them reads their results")
        #expect(try Analysis(model.graph).costs[1].flops == 6)
    }
}

/// Gemm between run-time operands, EyeLike, and an LSTM's shapes.
@Suite struct GemmEyeLikeLSTMTests {
    /// Gemm(A, A, c) with transA on a [4, 3] ReLU: a transpose, a 3·4·3 = 36-MAC matmul
    /// and an add of the stored [3] bias; EyeLike of its [3, 3] result is a constant. The
    /// LSTM (hidden 2, one direction, no bias, 4 steps of a batch of 1 with 3 features)
    /// computes 4·2 = 8 gates from 3 + 2 values per step: 4·8·5 = 160 MACs, and per step
    /// and hidden value 18 flops of gate arithmetic; its weights are [1, 8, 3] and
    /// [1, 8, 2]. Its last state Y_h, which a ReLU reads, is the last step of Y, [1, 1, 2].
    @Test func runTimeGemmEyeLikeAndLSTM() throws {
        let model = try Imported("gemm_eyelike_lstm_opset13.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.macs == 3 * 4 * 3 + 4 * 8 * (3 + 2))
        #expect(model.layer("g_a_transpose")?.operation == .transpose(Transpose(permutation: [1, 0])))
        #expect(model.layer("eye")?.operation.kind == "constant")
        #expect(model.layer("all")?.operation.kind == "lstm")
        #expect(model.layer("all")?.outputShape.dims == [4, 1, 1, 2])
        #expect(model.cost("all")?.flops == 2 * 160 + 4 * 2 * 18)
        #expect(model.cost("all")?.params == 8 * 3 + 8 * 2)
        #expect(model.layer("all_Y_h")?.outputShape.dims == [1, 1, 2])
        #expect(model.cost("y")?.flops == 2)
    }
}

extension FoldedConstantTests {
    /// torch.roll by 0: the slice x[:, 0:0] is empty, a tensor of no elements that the
    /// Concat joining it to x[:, 0:4] drops; the join copies the 12 elements.
    @Test func rollByZero() throws {
        let model = try Imported("roll_by_zero_opset13.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["concat", "relu"])
        #expect(model.layer("rolled")?.outputShape.dims == [1, 4, 3])
        #expect(model.cost("rolled")?.memoryAccess == 12 + 12)
    }
}
