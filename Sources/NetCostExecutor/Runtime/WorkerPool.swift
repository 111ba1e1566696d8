import Dispatch
import Foundation
import NetCostKernels
import Synchronization

/// Threads that stay awake between parallel loops. A layer of MobileNetV2 takes 50 to
/// 500 µs; a thread woken from sleep for each one starts late enough to lose a good part
/// of that (with Dispatch alone the executor ran MobileNetV2 about 1.2× faster on two
/// cores than on one, where onnxruntime, which keeps spinning workers, ran 1.5–1.9×
/// faster). So the workers spin for a short while after each loop, ready for the next,
/// and only then sleep.
///
/// One loop runs at a time: a caller that finds the pool busy (another thread's loop, or
/// a loop started inside a loop's body) gets `false` and runs its loop another way.
final class WorkerPool: @unchecked Sendable {
    /// The pool behind `Parallel.forEach`: one thread fewer than the workers, since the
    /// caller works too.
    static let shared = WorkerPool(threads: Parallel.workers - 1)

    /// How long an idle worker spins before it sleeps, in nanoseconds: longer than the gap
    /// between two layers, short enough not to hold a core that another process wants.
    private static let spinNanoseconds: UInt64 = 200_000

    private let threads: Int
    /// Bumped once per loop: a worker that sees it change has a loop to join.
    private let generation = Atomic<Int>(0)
    private let busy = Mutex<Bool>(false)
    /// Guards `current`, and wakes sleeping workers.
    private let wake = NSCondition()
    private var current: Loop?

    /// One loop: its own counters, so that a worker that joins late, after the loop has
    /// ended, finds no index left and never touches a newer loop. The body is reached
    /// through a pointer into the caller's frame, which outlives every index handed out.
    private final class Loop: @unchecked Sendable {
        let count: Int
        let body: UnsafePointer<(Int) -> Void>
        let next = Atomic<Int>(0)
        let finished = Atomic<Int>(0)

        init(count: Int, body: UnsafePointer<(Int) -> Void>) {
            self.count = count
            self.body = body
        }

        /// Takes indices until none are left.
        func work() {
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                if index >= count { return }
                body.pointee(index)
                finished.add(1, ordering: .releasing)
            }
        }
    }

    private init(threads: Int) {
        self.threads = max(threads, 0)
        for _ in 0..<self.threads {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.name = "netcost-worker"
            thread.start()
        }
    }

    /// Runs `body(i)` for every `i` in `0..<count` on the caller and the pool's threads;
    /// returns false, having run nothing, when the pool is busy or has no threads.
    func run(_ count: Int, _ body: (Int) -> Void) -> Bool {
        guard threads > 0, busy.withLock({ taken in
            if taken { return false }
            taken = true
            return true
        }) else { return false }
        defer { busy.withLock { $0 = false } }
        withoutActuallyEscaping(body) { escaping in
            var closure = escaping
            withUnsafePointer(to: &closure) { pointer in
                let loop = Loop(count: count, body: pointer)
                wake.lock()
                current = loop
                generation.add(1, ordering: .releasing)
                wake.broadcast()
                wake.unlock()
                loop.work()
                // The last indices are running on the workers: wait, giving the core away
                // now and then in case a worker is waiting for it.
                var spins = 0
                while loop.finished.load(ordering: .acquiring) < count {
                    netcost_spin_pause()
                    spins += 1
                    if spins & 1023 == 0 { sched_yield() }
                }
                wake.lock()
                current = nil
                wake.unlock()
            }
        }
        return true
    }

    private func workerLoop() {
        var seen = 0
        while true {
            // The clock is read once per 256 looks, so that the spin mostly just loads.
            let start = DispatchTime.now().uptimeNanoseconds
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                netcost_spin_pause()
                spins += 1
                if spins & 255 == 0 && DispatchTime.now().uptimeNanoseconds - start > Self.spinNanoseconds { break }
            }
            wake.lock()
            while generation.load(ordering: .acquiring) == seen { wake.wait() }
            seen = generation.load(ordering: .acquiring)
            let loop = current
            wake.unlock()
            loop?.work()
        }
    }
}
