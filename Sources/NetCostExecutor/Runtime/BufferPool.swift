import Foundation

/// Recycles freed tensor memory by exact size, so repeated runs of one graph (the timed
/// mode) reuse the same buffers instead of paying the allocator's page faults each time.
final class BufferPool: @unchecked Sendable {
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private let lock = NSLock()

    init() {}

    func take(_ count: Int) -> UnsafeMutablePointer<Float>? {
        lock.lock()
        defer { lock.unlock() }
        return free[count]?.popLast()
    }

    func recycle(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        lock.lock()
        defer { lock.unlock() }
        free[count, default: []].append(pointer)
    }

    /// Reads a float of every cache line of every free buffer, bringing them back into
    /// cache after `CacheScrubber` swept it: in a network, the buffer a layer writes was
    /// freed by a reader a layer or two before, and is still cached when it is reused.
    /// Each buffer is read in one contiguous part per worker, as the kernels split their
    /// outputs, so that each core holds the part it will write.
    func warm() {
        lock.lock()
        let buffers = free.flatMap { count, pointers in pointers.map { (SharedPointer($0), count) } }
        lock.unlock()
        for (buffer, count) in buffers { Self.touch(buffer, count: count) }
    }

    /// Reads a float of every cache line of `count` floats, in one contiguous part per worker.
    static func touch(_ buffer: SharedPointer, count: Int) {
        let parts = Parallel.chunks(count, grain: 1 << 12)
        Parallel.forEach(parts.count) { part in
            var sum: Float = 0
            for position in stride(from: parts[part].lowerBound, to: parts[part].upperBound, by: 16) { sum += buffer.base[position] }
            // Testing the sum (never NaN in practice) keeps the reads from being optimized away.
            if sum.isNaN { buffer.base[parts[part].lowerBound] = sum }
        }
    }

    deinit {
        for pointers in free.values {
            for pointer in pointers { HostMemory.release(pointer) }
        }
    }
}

/// Scratch memory for one kernel call (im2col columns, padded planes), reused across calls.
final class Scratch: @unchecked Sendable {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init() {
        capacity = 0
        pointer = HostMemory.allocate(1)
    }

    /// At least `count` floats; the contents are unspecified.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            HostMemory.release(pointer)
            pointer = HostMemory.allocate(count)
            capacity = count
        }
        return pointer
    }

    deinit { HostMemory.release(pointer) }
}
