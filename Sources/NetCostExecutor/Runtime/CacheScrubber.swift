/// Evicts the caches between timed passes: every worker reads its share of a buffer
/// larger than the last-level cache, so that the next pass reads its weights from
/// memory, as a layer inside a large network does. (A layer timed alone in a loop finds
/// everything it touched in the last pass still cached; in an EfficientNet stage at
/// 56×56, a scrub made the depthwise layers 20–31% slower and the channel products
/// 31–80%, as EfficientNet-B0 ran them: docs/latency.md.)
public final class CacheScrubber: @unchecked Sendable {
    private let buffer: UnsafeMutablePointer<Float>
    private let count: Int

    /// A buffer of `bytes`, allocated and filled once: make one and scrub with it many times.
    public init(bytes: Int) {
        count = max(bytes / MemoryLayout<Float>.stride, 1)
        buffer = HostMemory.allocate(count)
        buffer.initialize(repeating: 0, count: count)
    }

    deinit { HostMemory.release(buffer) }

    /// Reads every element, in chunks spread over the workers so that each core's own
    /// caches are swept as well as the shared one. Read, not written: written lines would
    /// be dirty, and the timed pass would pay for writing them back as it evicts them.
    public func scrub() {
        let chunks = Parallel.chunks(count, grain: 1 << 14, perWorker: 8)
        let shared = SharedPointer(buffer)
        Parallel.forEach(chunks.count) { index in
            var sum: Float = 0
            // One float per 64-byte line is enough to bring the line in.
            for position in stride(from: chunks[index].lowerBound, to: chunks[index].upperBound, by: 16) { sum += shared.base[position] }
            // The sum is kept (the buffer holds zeros) so that the reads are not optimized away.
            shared.base[chunks[index].lowerBound] = sum
        }
    }
}
