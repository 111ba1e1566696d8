import Dispatch
import Foundation

/// Data-parallel helpers for the few places where a 100,000-layer graph makes one core too slow.
enum Parallel {
    /// `transform` applied to every element on all cores, results in order.
    static func map<T: Sendable>(_ range: Range<Int>, _ transform: @Sendable (Int) -> T) -> [T] {
        guard range.count > 1 else { return range.map(transform) }
        let results = ResultSlots<T>(count: range.count)
        DispatchQueue.concurrentPerform(iterations: range.count) { offset in
            results.store(transform(range.lowerBound + offset), at: offset)
        }
        return results.values()
    }
}

/// One slot per task; each task writes only its own slot, so no lock is needed.
private final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [T?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func store(_ value: T, at index: Int) {
        slots.withUnsafeMutableBufferPointer { $0[index] = value }
    }

    func values() -> [T] { slots.compactMap { $0 } }
}

/// The machine's processor count.
enum System {
    static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}
