import Dispatch
import Foundation

/// A float pointer that may cross into the worker closures of `Parallel.forEach`: each
/// worker writes a disjoint part, which is what makes sharing it sound.
struct SharedPointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    init(_ base: UnsafeMutablePointer<Float>) { self.base = base }
}

/// Work split across the cores.
enum Parallel {
    /// The number of workers: the active processors (2 on the reference machine), or
    /// `NETCOST_THREADS` when set (to measure scaling).
    static let workers: Int = {
        if let text = ProcessInfo.processInfo.environment["NETCOST_THREADS"], let count = Int(text), count >= 1 { return min(count, 256) }
        return max(1, ProcessInfoCores.active)
    }()

    /// Runs `body(i)` for `i` in `0..<count`, spread over the cores; serial when `count`
    /// is 1 or the work is too small to be worth a thread hop.
    static func forEach(_ count: Int, serial: Bool = false, _ body: (Int) -> Void) {
        if count <= 1 || serial || workers == 1 {
            for index in 0..<count { body(index) }
            return
        }
        if WorkerPool.shared.run(count, body) { return }
        // The pool is busy (another thread's loop, or a loop inside a loop's body).
        withoutActuallyEscaping(body) { escaping in
            let box = UncheckedBox(escaping)
            DispatchQueue.concurrentPerform(iterations: count) { index in box.value(index) }
        }
    }

    /// Splits `0..<total` into chunks that shrink as the work runs out: each a
    /// `1 / (2·workers)` share of what is left, at least `grain` long. The first chunks are
    /// large (little setup), the last ones small, so that the workers finish close
    /// together: with equal chunks, a worker waits on average half a chunk for the others.
    static func guidedChunks(_ total: Int, grain: Int = 1, workers: Int = workers) -> [Range<Int>] {
        if workers == 1 || total <= grain { return total > 0 ? [0..<total] : [] }
        var chunks: [Range<Int>] = [], start = 0
        while start < total {
            let size = max(grain, (total - start) / (2 * workers))
            chunks.append(start..<min(total, start + size))
            start += size
        }
        return chunks
    }

    /// Splits `0..<total` into contiguous chunks, at least `grain` long each: `perWorker`
    /// per worker. Chunks are handed out as workers come free, so with more than one per
    /// worker a core taken by another process delays a small chunk instead of half the
    /// layer; each chunk costs a little setup, so kernels whose chunks repeat work
    /// (packing a shared operand) keep one per worker.
    static func chunks(_ total: Int, grain: Int = 1, perWorker: Int = 1) -> [Range<Int>] {
        let parts = max(1, min(workers == 1 ? 1 : workers * perWorker, total / max(grain, 1)))
        return (0..<parts).map { part in (part * total / parts)..<((part + 1) * total / parts) }
    }
}

/// Carries a non-Sendable closure into concurrentPerform; the closures given to
/// `Parallel.forEach` write disjoint memory by construction.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

enum ProcessInfoCores {
    static var active: Int { ProcessInfo.processInfo.activeProcessorCount }
}
