import Testing
@testable import NetCost

/// Transformer layouts that move the batch axis away from the front: the tensors in
/// between keep their whole ONNX shape, and everything is still counted.
@Suite struct AttentionImportTests {
    /// Patch embedding 3→16 (4×4 stride 4 on 8×8: 4 tokens), a class token and position
    /// embedding (5 tokens), qkv 16→48, 2 heads of 8: q·kᵀ and weights·v are
    /// 2·5·8·5 each, projection 16→16, head 16→10 on the class token.
    @Test func timmAttention() throws {
        let model = try Imported("vit_attention_opset17.onnx")
        #expect(model.result.unsupported.isEmpty, "\(model.result.unsupported)")
        #expect(model.outputDims == [10])
        let macs = 16 * 2 * 2 * (3 * 4 * 4) + 5 * 16 * 48 + 2 * 5 * 8 * 5 + 2 * 5 * 5 * 8 + 5 * 16 * 16 + 16 * 10
        #expect(model.macs == macs)
        let params = (16 * 3 * 4 * 4 + 16) + 16 + 5 * 16 + (16 * 48 + 48) + (16 * 16 + 16) + (16 * 10 + 10)
        #expect(model.params == params)
        // After the permute the heads' tensors are [2, 5, 8] again: the batch is back in front.
        let scores = try #require(model.layer("blocks.0.attn.matmul"))
        #expect(scores.outputShape.sample == [2, 5, 5])
    }

    /// Transpose(1, 0, 2) to sequence-first, a linear layer, and back: 5·16·16 mult-adds.
    @Test func sequenceFirst() throws {
        let model = try Imported("sequence_first_opset17.onnx")
        #expect(model.result.unsupported.isEmpty, "\(model.result.unsupported)")
        #expect(model.kinds.contains("linear") && model.kinds.contains("layernorm"))
        #expect(model.macs == 5 * 16 * 16)
        #expect(model.params == 16 * 16 + 16 + 2 * 16)
        #expect(model.layers.last.map { $0.outputShape.elements } == 5 * 16)
    }
}
