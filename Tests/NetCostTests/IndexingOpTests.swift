import NetCost
import Testing

/// `gather`, `gather_nd`, `scatter_nd`, `gather_elements` and `scatter_elements`: lookups and writes at positions a tensor holds
/// at run time. Data movement: no flops (but a scatter's reduction); memory is the
/// elements read and written, derived by hand below. Bad shapes are errors.
@Suite struct IndexingOpTests {
    /// Data `x0` (batch first) and the op's other inputs, none with a batch axis.
    static func layer(_ operation: Operation, _ shapes: [[Int]]) throws -> (Layer, LayerCost) {
        try DynamicOpTests.graph(operation, shapes)
    }

    /// `[2, 5, 3]` at `[2, 3]` indices along axis 1: `[2, 2, 3, 3]`. The 6 indices read at
    /// most 5 distinct entries of the axis, each 2·3 elements.
    @Test func gatherAlongAnAxis() throws {
        let (layer, cost) = try Self.layer(.gather(Gather(axis: 1)), [[2, 5, 3], [2, 3]])
        #expect(layer.outputShape.dims == [2, 2, 3, 3])
        #expect(layer.outputShape.batchAxis == 0)
        #expect(cost.flops == 0 && cost.macs == 0 && cost.params == 0)
        #expect(cost.memoryAccess == 6 + 5 * (2 * 3) + 2 * 6 * 3)
    }

    /// Swin3D's bias lookup: a `[2535, 3]` table at 392·392 positions: reads every row
    /// once at most, writes 153,664 rows of 3.
    @Test func gatherOfManyIndicesReadsEachEntryOnce() throws {
        let (layer, cost) = try Self.layer(.gather(Gather(axis: 0)), [[2535, 3], [392 * 392]])
        #expect(layer.outputShape.dims == [153_664, 3])
        #expect(cost.memoryAccess == 153_664 + 2535 * 3 + 153_664 * 3)
    }

    /// Indices of rank 1 along a feature map's channels keep its layout; a gather along
    /// H does not.
    @Test func gatherKeepsTheFieldOnlyAlongChannels() throws {
        let map = try TensorShape([1, 8, 4, 4], batchAxis: 0), indices = try TensorShape([3])
        #expect(Gather(axis: 1).window([map, indices], try TensorShape([1, 3, 4, 4])) == .pointwise)
        #expect(Gather(axis: 2).window([map, indices], try TensorShape([1, 8, 3, 4])) == .ends)
    }

    /// `[2, 4, 3]` at three `[i, j]` pairs: `[3, 3]`; 3 lookups among 2·4 positions read 3
    /// slices of 3. With `batch_dims` 1 and `[2, 2, 1]`: per batch entry 2 lookups among 4.
    @Test func gatherND() throws {
        let (layer, cost) = try Self.layer(.gatherND(GatherND()), [[2, 4, 3], [3, 2]])
        #expect(layer.outputShape.dims == [3, 3])
        #expect(cost.memoryAccess == 3 * 2 + 3 * 3 + 3 * 3)
        let (batched, batchedCost) = try Self.layer(.gatherND(GatherND(batchDims: 1)), [[2, 4, 3], [2, 2, 1]])
        #expect(batched.outputShape.dims == [2, 2, 3])
        #expect(batched.outputShape.batchAxis == 0)
        #expect(batchedCost.memoryAccess == 2 * 2 + 2 * 2 * 3 + 2 * 2 * 3)
        // More lookups than positions: each of the 4 rows at most once.
        let (_, repeated) = try Self.layer(.gatherND(GatherND()), [[4, 5], [10, 1]])
        #expect(repeated.memoryAccess == 10 + 4 * 5 + 10 * 5)
    }

    /// Rows 3 and 1 of `[4, 3]` set from `[2, 3]`: the data's shape; reads data, indices
    /// and updates, writes the output. A reduction adds one flop per update element.
    @Test func scatterND() throws {
        let (layer, cost) = try Self.layer(.scatterND(ScatterND()), [[4, 3], [2, 1], [2, 3]])
        #expect(layer.outputShape.dims == [4, 3])
        #expect(cost.flops == 0)
        #expect(cost.memoryAccess == 4 * 3 + 2 + 2 * 3 + 4 * 3)
        let (_, added) = try Self.layer(.scatterND(ScatterND(reduction: .add)), [[4, 3], [3, 1], [3, 3]])
        #expect(added.flops == 3 * 3)
        // Whole elements: [i, j] pairs into [4, 3], one value each.
        let (elements, _) = try Self.layer(.scatterND(ScatterND()), [[4, 3], [5, 2], [5]])
        #expect(elements.outputShape.dims == [4, 3])
    }

    /// GatherElements of `[3, 5]` at `[3, 4]` indices along axis 1: the indices' shape;
    /// each of the 3 lines reads at most 4 of its 5 entries. Along axis 0 with `[2, 5]`:
    /// 5 lines of 2 among 3. ScatterElements keeps the data's shape and reads all three.
    @Test func elementWiseGatherAndScatter() throws {
        let (gathered, cost) = try Self.layer(.elementIndexing(ElementIndexing(.gather, axis: 1)), [[3, 5], [3, 4]])
        #expect(gathered.outputShape.dims == [3, 4])
        #expect(cost.flops == 0)
        #expect(cost.memoryAccess == 12 + 3 * 4 + 12)
        let (_, down) = try Self.layer(.elementIndexing(ElementIndexing(.gather, axis: 0)), [[3, 5], [2, 5]])
        #expect(down.memoryAccess == 10 + 5 * 2 + 10)
        let (scattered, scatterCost) = try Self.layer(.elementIndexing(ElementIndexing(.scatter(.mul), axis: 0)), [[3, 4], [2, 4], [2, 4]])
        #expect(scattered.outputShape.dims == [3, 4])
        #expect(scatterCost.flops == 2 * 4)
        #expect(scatterCost.memoryAccess == 12 + 8 + 8 + 12)
        #expect(throws: InputError.self) { try Self.layer(.elementIndexing(ElementIndexing(.gather, axis: 1)), [[3, 5], [4, 2]]) }
        #expect(throws: InputError.self) { try Self.layer(.elementIndexing(ElementIndexing(.scatter(.none), axis: 0)), [[3, 4], [2, 4], [2, 3]]) }
    }

    @Test func mismatchedShapesAreErrors() throws {
        #expect(throws: InputError.self) { try Self.layer(.gather(Gather(axis: 3)), [[2, 5, 3], [4]]) }
        #expect(throws: InputError.self) { try Self.layer(.gatherND(GatherND()), [[2, 4], [3, 3]]) }
        #expect(throws: InputError.self) { try Self.layer(.gatherND(GatherND(batchDims: 1)), [[2, 4, 3], [3, 2, 1]]) }
        #expect(throws: InputError.self) { try Self.layer(.scatterND(ScatterND()), [[4, 3], [2, 1], [2, 4]]) }
        #expect(throws: InputError.self) { try Self.layer(.scatterND(ScatterND()), [[4, 3], [2, 3], [2]]) }
    }
}
