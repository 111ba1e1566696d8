import Testing
@testable import NetCost

/// ONNX LSTMs (make_fixtures.py); counts derived by hand: per step, sample and direction
/// 4H gates each take I + H multiply-accumulates.
@Suite struct RecurrentImportTests {
    /// torch.nn.LSTM(5, 3, bidirectional=True) on 4 steps of a batch of 2, exported with
    /// its initial states as inputs: W [2, 12, 5], R [2, 12, 3], B [2, 24]; Y [4, 2, 2, 3],
    /// which the export transposes and reshapes to torch's [4, 2, 6] (shown whole: a
    /// sequence-first input holds its samples on axis 1, not on the file's batch axis 0).
    @Test func bidirectionalExport() throws {
        let model = try Imported("lstm_bidirectional_opset17.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["lstm", "transpose", "reshape"])
        #expect(model.layer("lstm.lstm")?.outputShape.dims == [4, 2, 2, 3])
        #expect(model.outputDims == [4, 2, 6])
        #expect(model.params == 2 * (12 * 5 + 12 * 3 + 24))
        #expect(model.macs == 2 * 4 * 2 * 12 * (5 + 3))
        // Per direction, step, sample and hidden value: 18 flops of gate arithmetic and 8
        // bias adds; the input, both initial states and the weights read, Y written.
        #expect(model.cost("lstm.lstm")?.flops == 2 * (2 * 4 * 2 * 12 * 8) + 2 * 4 * 2 * 3 * (18 + 8))
        #expect(model.cost("lstm.lstm")?.memoryAccess == 4 * 2 * 5 + 2 * (2 * 2 * 3) + 240 + 4 * 2 * 2 * 3)
    }

    /// A reverse LSTM (hidden 3, 4 features, 5 steps, batch 2) from an initial hidden state
    /// alone; its output Y_h is the first step of Y, a slice and a reshape: no copy.
    @Test func reverseLastHiddenState() throws {
        let model = try Imported("lstm_reverse_opset14.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["lstm", "slice", "reshape"])
        let lstm: LSTM? = if case .lstm(let op)? = model.layer("y")?.operation { op } else { nil }
        #expect(lstm?.direction == .reverse && lstm?.bias == true && lstm?.batchFirst == false)
        #expect(model.outputDims == [1, 2, 3])
        #expect(model.macs == 5 * 2 * 12 * (4 + 3))
        #expect(model.params == 12 * 4 + 12 * 3 + 24)
        #expect(model.cost("y_Y_h")?.memoryAccess == 0)
    }

    /// Peepholes and sequence lengths are not mapped: each LSTM is named, with its output's
    /// exact shape [4, 1, 1, 2], and its stored weights still count.
    @Test func unmappedForms() throws {
        let model = try Imported("lstm_unmapped_opset13.onnx")
        #expect(model.result.unsupported.map(\.opType) == ["LSTM", "LSTM"])
        #expect(model.layers.filter { $0.operation.kind == "LSTM" }.map(\.outputShape.dims) == [[4, 1, 1, 2], [4, 1, 1, 2]])
        #expect(model.params == 1 * 8 * 3 + 1 * 8 * 2 + 6)
    }
}
