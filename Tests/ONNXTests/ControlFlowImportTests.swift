import NetCost
import Testing

/// Loop, If and the sequence ops, unrolled when their counts are known at import time.
@Suite struct ControlFlowImportTests {
    /// A Loop of 3 iterations whose body multiplies a [1, 4] state by a [4, 4] input:
    /// 3 × 1·4·4 = 48 MACs, one matmul per iteration; the sequence it builds is joined
    /// and read back, the scan output stacked, and a constant If takes its then-branch
    /// (a Mul). Nothing is left unsupported.
    @Test func loopSequencesAndIfUnroll() throws {
        let model = try Imported("control_flow_opset13.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.macs == 48)
        #expect(model.kinds.filter { $0 == "matmul" }.count == 3)
        #expect(model.kinds.last == "mul")
        #expect(model.outputDims == [3, 4])
    }

    /// The same graph with the trip count computed from the input: the Loop depends on
    /// the data, is named as such, and what reads its results is not counted either.
    @Test func aRunTimeTripCountIsNamed() throws {
        let model = try Imported("loop_runtime_trips_opset13.onnx")
        let loop = try #require(model.result.unsupported.first { $0.opType == "Loop" })
        #expect(loop.reason == "a trip count computed at run time")
        #expect(model.macs == 0)
    }
}
