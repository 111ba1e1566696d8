import Testing
@testable import NetCost

/// Pooling, reductions, resizing and padding.
@Suite struct PoolingImportTests {
    /// MaxPool 3/2 with ceil_mode on 15: ceil(12/2) + 1 = 7; AveragePool 3/1 pad 1 keeps 7;
    /// ReduceMean over H, W with keepdims is a global average pool, as is GlobalAveragePool.
    @Test func pooling() throws {
        let model = try Imported("pooling_opset13.onnx")
        #expect(model.kinds == ["maxpool", "avgpool", "global_avgpool", "global_avgpool", "add"])
        #expect(model.layers.map(\.outputShape.sample) == [[4, 15, 15], [4, 7, 7], [4, 7, 7], [4, 1, 1], [4, 1, 1], [4, 1, 1]])
    }

    /// Opset 18 gives ReduceMean's axes as an input; without keepdims a reshape to [C] follows.
    @Test func reduceMeanOpset18() throws {
        let model = try Imported("reducemean_opset18.onnx")
        #expect(model.kinds == ["global_avgpool", "reshape"])
        #expect(model.outputDims == [4])
    }

    /// ReduceSum over the channels of a 1×6×5×4 input (axes an input, keepdims) → 1×5×4,
    /// 120 adds; ReduceMax over the width without keepdims → 1×5, 20 comparisons; ReduceL2
    /// over the height with keepdims → 1×1, 2 × 5 flops (square and add); ReduceMin over
    /// axes −1 and 1 of the input → 5, 120 comparisons.
    @Test func reductionsOverAnyAxes() throws {
        let model = try Imported("reductions_opset13.onnx")
        #expect(model.kinds == ["reduce_sum", "reduce_max", "reduce_l2", "reduce_min"])
        #expect(model.layers.filter { $0.operation.kind.hasPrefix("reduce_") }.map(\.outputShape.sample) == [[1, 5, 4], [1, 5], [1, 1], [5]])
        #expect(model.layers.filter { $0.operation.kind.hasPrefix("reduce_") }.map { model.cost($0.name)?.flops } == [120, 20, 10, 120])
        #expect(model.result.unsupported.isEmpty)
    }

    /// A vision transformer's mean over its 7 tokens of 12 features (opset 18): 84 adds,
    /// 12 values; a sum over the batch axis is listed as unsupported, with the reason.
    @Test func tokenMeanAndBatchReduction() throws {
        let tokens = try Imported("reducemean_tokens_opset18.onnx")
        #expect(tokens.kinds == ["reduce_mean"])
        #expect(tokens.outputDims == [12])
        #expect(tokens.cost(tokens.layers.last?.name ?? "")?.flops == 84)
        // Over the batch axis of [1, 4, 3, 3], kept: one add per element, 36, and the
        // batch axis gone from the result, which shows whole.
        let batch = try Imported("reducesum_batch_opset13.onnx")
        #expect(batch.result.unsupported.isEmpty)
        #expect(batch.layers.last?.operation == .reduction(Reduction(.sum, axes: [0], keepDims: true)))
        #expect(batch.cost(batch.layers.last?.name ?? "")?.flops == 4 * 3 * 3)
        #expect(batch.layers.last?.outputShape.batchAxis == nil)
    }

    /// Nearest ×2 from scales (opset 11, empty roi); linear to sizes 9×12 (13);
    /// linear ×2, ×3 on axes [2, 3] with align_corners (18).
    @Test func resize() throws {
        let nearest = try Imported("resize_opset11.onnx")
        #expect(nearest.layers.last?.operation == .upsample(Upsample(.nearest, target: .scale(height: 2, width: 2))))
        #expect(nearest.outputDims == [4, 10, 12])
        let sized = try Imported("resize_opset13.onnx")
        #expect(sized.layers.last?.operation == .upsample(Upsample(.bilinear, target: .size(Size2D(9, 12)))))
        let axes = try Imported("resize_opset18.onnx")
        #expect(axes.layers.last?.operation == .upsample(Upsample(.bilinear, target: .scale(height: 2, width: 3), coordinates: .alignCorners)))
        #expect(axes.outputDims == [4, 10, 18])
    }

    /// Cubic resizing ×2 of 2×4×4 (ONNX's default half-pixel coordinates, a = −0.75):
    /// each of the 2·8·8 outputs weighs 16 neighbours (16 multiplies, 15 adds); every
    /// input is read; the ReLU after it takes 128 flops.
    @Test func cubicResize() throws {
        let model = try Imported("resize_cubic_opset13.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["upsample", "relu"])
        #expect(model.layers[1].operation == .upsample(Upsample(.bicubic, target: .scale(height: 2, width: 2))))
        #expect(model.cost(model.layers[1].name)?.flops == 2 * 8 * 8 * (16 + 15))
        #expect(model.cost(model.layers[1].name)?.memoryAccess == 2 * 4 * 4 + 2 * 8 * 8)
        #expect(model.cost(model.layers.last?.name ?? "")?.flops == 2 * 8 * 8)
    }

    /// Cubic resizing that excludes the taps outside the map (renormalizing the rest), or
    /// in a coordinate mode netcost does not map, is named as not counted, with its
    /// output's exact shape.
    @Test func unmappedCubicResize() throws {
        let model = try Imported("resize_cubic_unmapped_opset13.onnx")
        #expect(model.result.unsupported.map(\.reason) == ["exclude_outside", "coordinate_transformation_mode tf_half_pixel_for_nn"])
        #expect(model.layers.filter { $0.operation.kind == "Resize" }.map(\.outputShape.dims) == [[1, 2, 8, 8], [1, 2, 8, 8]])
    }

    /// Upsample (opset 9, before the range netcost maps) imports, with a warning.
    @Test func upsampleOpset9() throws {
        let model = try Imported("upsample_opset9.onnx")
        #expect(model.kinds == ["upsample"])
        #expect(model.outputDims == [4, 10, 12])
        #expect(model.result.warnings.contains { $0.contains("opset 9") })
    }

    /// Pads [top 1, left 2, bottom 3, right 4] on 5×6 → 9×12; opset 18 pads H and W by axes.
    @Test func pad() throws {
        let model = try Imported("pad_opset11.onnx")
        #expect(model.layers.last?.operation == .pad(Pad(top: 1, bottom: 3, left: 2, right: 4)))
        #expect(model.outputDims == [4, 9, 12])
        let axes = try Imported("pad_opset18.onnx")
        #expect(axes.layers.last?.operation == .pad(Pad(top: 1, bottom: 1, left: 2, right: 2)))
        #expect(axes.outputDims == [4, 7, 10])
        // Channels last: H grows by 1 + 2, W by 0 + 2; a copy of 5·6·4 in and 8·8·4 out.
        let last = try Imported("pad_channels_last_opset13.onnx")
        #expect(last.layers.last?.operation == .pad(Pad(before: [0, 1, 0, 0], after: [0, 2, 2, 0])))
        #expect(last.outputDims == [8, 8, 4])
        #expect(last.cost(last.layers.last?.name ?? "")?.memoryAccess == 5 * 6 * 4 + 8 * 8 * 4)
    }
}

/// Col2Im (opset 18) → `fold`.
@Suite struct Col2ImImportTests {
    /// VOLO's fold as the dynamo exporter writes it: 3×3 blocks, stride 2, padding 1,
    /// into 7×6. Of each axis's taps, 10 rows and 8 columns land inside the image (the
    /// rest in the padding), so 3 channels add 3·10·8 = 240 values.
    @Test func voloFold() throws {
        let model = try Imported("col2im_opset18.onnx")
        #expect(model.kinds == ["fold"])
        #expect(model.layers.last?.outputShape.dims == [1, 3, 7, 6])
        #expect(model.cost("y")?.flops == 240)
        #expect(model.result.unsupported.isEmpty)
    }
}
