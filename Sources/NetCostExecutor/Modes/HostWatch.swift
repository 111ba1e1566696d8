import Foundation
import NetCost

/// Whether other work held the host's cores while calibration timed its grid. A shared
/// host can take a core from this process for minutes: two threads then run at one
/// thread's speed, and every point timed meanwhile is slow in all its rounds, so the
/// rounds agree and the slowness reaches the profile. A short fixed layer, the sentinel,
/// is timed after every few points; a point timed between two sentinel runs that took over
/// `busy` times the sentinel's fastest was timed on a busy host.
struct HostWatch {
    /// Points timed between two sentinel runs.
    static let every = 8

    /// How much slower than its fastest the sentinel may run on a quiet host. (At two
    /// threads a 1×1 convolution 128→128 at 28×28 ran 128 µs quiet and 230-414 µs while
    /// another guest held the second core.)
    static let busy = 1.25

    /// The longest calibration waits, in all, for a busy host to become quiet again.
    static let patience = 60.0

    /// The sentinel: compute-bound and parallel, so that it slows as soon as a core is taken.
    static let sentinel = #"{"name": "sentinel", "input": [128, 28, 28], "layers": [{"name": "c", "op": "conv2d", "out": 128, "kernel": 1, "bias": false}]}"#

    /// Each sentinel run's seconds, and how many points had been timed before it.
    private(set) var checks: [(after: Int, seconds: Double)] = []
    /// Points timed so far: a timing's serial number.
    private(set) var timed = 0
    /// Seconds spent waiting for a quiet host.
    private(set) var waited = 0.0

    private let graph: Graph

    init() throws(InputError) {
        graph = try SpecLoader.load(text: Self.sentinel, file: "sentinel").graph
    }

    /// Times the sentinel now: the lower quartile of a few passes, caches warm.
    @discardableResult
    mutating func check() throws(InputError) -> Double {
        let seconds = try Benchmark.run(graph, repetitions: 8, warmup: 1, keepPasses: true).quantile(Calibration.quantile)
        checks.append((timed, seconds))
        return seconds
    }

    /// Counts a point's timing, runs the sentinel after every `every`, and returns the
    /// timing's serial number.
    mutating func count() throws(InputError) -> Int {
        let serial = timed
        timed += 1
        if timed % Self.every == 0 { try check() }
        return serial
    }

    /// Waits, within what is left of `patience`, until the sentinel runs quiet again.
    mutating func waitForQuiet() throws(InputError) {
        while try check() > Self.busy * fastest, waited < Self.patience {
            Thread.sleep(forTimeInterval: 1)
            waited += 1
        }
    }

    /// The sentinel's fastest run so far.
    var fastest: Double { checks.map(\.seconds).min() ?? .infinity }

    /// The sentinel's median run: the host as it was for most of the calibration, which
    /// the profile keeps so that one thread count's can be set beside another's (a host
    /// busy from start to end never looks busy beside its own fastest run).
    var median: Double? { checks.isEmpty ? nil : Benchmark.median(checks.map(\.seconds)) }

    /// The sentinel runs that found the host busy.
    var busyChecks: Int {
        let limit = Self.busy * fastest
        return checks.filter { $0.seconds > limit }.count
    }

    /// What the watch saw, for `calibrate`'s notes: `timedAgain` points had been timed only
    /// on a busy host, and `neverQuiet` still were after their last retry.
    func summary(timedAgain: Int, neverQuiet: Int) -> String {
        "the sentinel found the host busy in \(busyChecks) of \(checks.count) runs; "
            + "\(Plural.count(timedAgain, "point")) timed only while it was busy, timed again when it was quiet"
            + (waited > 0 ? " (waited \(Int(waited)) s for it)" : "")
            + (neverQuiet > 0 ? "; \(Plural.count(neverQuiet, "point")) never timed on a quiet host" : "")
    }

    /// Whether the timing with serial number `serial` was made on a quiet host.
    func quiet(_ serial: Int) -> Bool { Self.quiet(serial, checks: checks) }

    /// Whether timing `serial` had quiet sentinel runs on both sides: the last run made
    /// before it (`after` ≤ serial) and the first after it, where there is one.
    static func quiet(_ serial: Int, checks: [(after: Int, seconds: Double)]) -> Bool {
        guard let fastest = checks.map(\.seconds).min() else { return true }
        let before = checks.last { $0.after <= serial }
        let after = checks.first { $0.after > serial }
        return [before, after].compactMap { $0?.seconds }.allSatisfy { $0 <= busy * fastest }
    }
}
