import NetCost

/// One block of memory for the activations of a timed run, laid out by the library's
/// arena plan (`ArenaPlan`, what `netcost memory` reports), as an inference runtime lays
/// them out. A layer's output then lands where a tensor freed a step or two before lay,
/// still in cache; with a buffer per tensor size, a network's larger maps came back to
/// buffers last written a whole pass before, out of cache (MobileNetV2's 144-channel map
/// at 56×56 took 1.35× its time in a small network: docs/latency.md).
///
/// Every buffer lives from the step that writes it to its last reader, in graph order,
/// with its readers' views; a merged pair (`MergedPair`) writes its second layer's output
/// at its first layer's step, so that buffer is planned from there. The plan holds for
/// runs with merged pairs and without.
final class ActivationArena: @unchecked Sendable {
    /// Per layer, where its output starts, in floats from the arena's start; nil for
    /// layers that allocate nothing (sources, views) and for the graph's output, which
    /// the caller keeps after the run: the buffer pool serves those.
    let offsets: [Int?]
    /// The arena's size in floats.
    let count: Int
    private var memory: UnsafeMutablePointer<Float>?

    /// Offsets a cache line apart at least: a worker's part of one tensor never shares a
    /// line with another tensor.
    static let alignmentBytes = 64

    /// The arena for `graph`, nil when the plan cannot be made (more buffers than
    /// `ArenaPlan.bufferLimit`, or sizes that overflow).
    init?(_ graph: Graph, merges: [MergedPair?]) {
        let floatBytes = MemoryLayout<Float>.stride
        guard let schedule = try? MemorySchedule(graph, bytesPerElement: floatBytes) else { return nil }
        var startsAt: [Int: Int] = [:]
        for case let pair? in merges { startsAt[pair.second] = pair.first }
        // The graph's output, and what it views, outlive the run: they stay in the pool.
        let kept = graph.layers.indices.last.flatMap { schedule.bufferOfLayer[$0] }
        var owners: [Int] = []
        var buffers: [MemorySchedule.Buffer] = []
        for (id, buffer) in schedule.buffers.enumerated()
        where id != kept && graph.layers[buffer.layer].operation.rules.family != .source {
            // The executor stores every element as a float, whatever the graph's element type.
            let (bytes, overflow) = graph.layers[buffer.layer].outputShape.elements.multipliedReportingOverflow(by: floatBytes)
            guard !overflow else { return nil }
            owners.append(buffer.layer)
            buffers.append(MemorySchedule.Buffer(layer: buffer.layer, bytes: bytes,
                                                 first: min(buffer.first, startsAt[buffer.layer] ?? buffer.first), last: buffer.last))
        }
        guard let plan = try? ArenaPlan(buffers, strategy: .greedyBySize, alignment: Self.alignmentBytes) else { return nil }
        var offsets = [Int?](repeating: nil, count: graph.layers.count)
        for (id, layer) in owners.enumerated() { offsets[layer] = plan.offsets[id] / floatBytes }
        self.offsets = offsets
        count = plan.bytes / floatBytes
    }

    /// The arena's memory, allocated at the first run that asks for it (a counting run never does).
    var base: UnsafeMutablePointer<Float> {
        if let memory { return memory }
        let made = HostMemory.allocate(count)
        memory = made
        return made
    }

    /// Layer `index`'s output, in the arena; nil when the plan left it out.
    func tensor(_ index: Int, dims: [Int]) -> Tensor? {
        guard let offset = offsets[index] else { return nil }
        return Tensor(storage: Storage(borrowing: base + offset, count: dims.reduce(1, *)), offset: 0, dims: dims,
                      strides: Tensor.rowMajorStrides(dims))
    }

    /// Reads a float of every cache line, each worker its own part, after `CacheScrubber`
    /// swept the caches: the buffers a layer writes in a network are in cache.
    func warm() {
        guard let memory else { return }
        BufferPool.touch(SharedPointer(memory), count: count)
    }

    deinit {
        if let memory { HostMemory.release(memory) }
    }
}
