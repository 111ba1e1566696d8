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
