import Foundation
@testable import NetCostExecutor
import Synchronization
import Testing

/// The spinning worker pool behind `Parallel.forEach`: every index exactly once, loops
/// from several threads at a time, and loops inside loops.
@Suite struct WorkerPoolTests {
    /// Runs `Parallel.forEach(count)` and returns how many times each index ran.
    static func counts(_ count: Int) -> [Int] {
        let hits = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: count)
        for index in 0..<count { (hits + index).initialize(to: Atomic(0)) }
        defer { hits.deallocate() }
        let shared = UncheckedPointer(hits)
        Parallel.forEach(count) { index in shared.pointer[index].add(1, ordering: .relaxed) }
        return (0..<count).map { hits[$0].load(ordering: .relaxed) }
    }

    @Test func everyIndexRunsExactlyOnce() {
        for count in [0, 1, 2, 3, 7, 64, 1000] {
            for _ in 0..<50 {
                #expect(Self.counts(count) == Array(repeating: 1, count: count), "\(count) indices")
            }
        }
    }

    @Test func loopsFromSeveralThreadsAtOnce() async {
        // Swift Testing may run this beside other executor tests: the pool takes one loop
        // at a time and the others fall back, and every loop must still be whole.
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<100).allSatisfy { _ in Self.counts(97) == Array(repeating: 1, count: 97) } }
            }
            for await whole in group { #expect(whole) }
        }
    }

    @Test func aLoopInsideALoop() {
        let total = Atomic<Int>(0)
        Parallel.forEach(6) { _ in
            Parallel.forEach(5) { _ in total.add(1, ordering: .relaxed) }
        }
        #expect(total.load(ordering: .relaxed) == 30)
    }
}

/// Hands a pointer to the loop bodies (each index touches its own element).
private struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Atomic<Int>>
    init(_ pointer: UnsafeMutablePointer<Atomic<Int>>) { self.pointer = pointer }
}
