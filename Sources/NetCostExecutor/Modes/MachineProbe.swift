import Dispatch
import NetCost

/// What this machine can do at best: the two numbers of a roofline.
public struct MachineProfile: Sendable, Equatable {
    /// Peak float32 arithmetic, GFLOP/s, on all cores (an FMA counts as two flops).
    public var peakGFLOPS: Double
    /// Sustained memory bandwidth, GB/s (10⁹ bytes), on all cores.
    public var bandwidthGBps: Double
    /// Cores the measurement used.
    public var cores: Int

    public init(peakGFLOPS: Double, bandwidthGBps: Double, cores: Int = 0) {
        self.peakGFLOPS = peakGFLOPS
        self.bandwidthGBps = bandwidthGBps
        self.cores = cores > 0 ? cores : Parallel.workers
    }

    /// This machine as the roofline sees it.
    public var rooflineDevice: RooflineDevice {
        RooflineDevice(peakGFLOPS: peakGFLOPS, bandwidthGBps: bandwidthGBps, name: "this machine")
    }
}

/// A small measurement of this machine, for the defaults of `--peak-gflops` and
/// `--bandwidth`: an FMA-bound loop on every core for the peak, and a streaming triad
/// (`a = b + s·c`) over arrays larger than the last-level cache for the bandwidth. Each
/// is the best of a few short trials; together they take well under a second.
public enum MachineProbe {
    public static func measure(trials: Int = 3) -> MachineProfile {
        MachineProfile(peakGFLOPS: peakGFLOPS(trials: trials), bandwidthGBps: bandwidthGBps(trials: trials))
    }

    /// Ten independent FMA chains per core: enough to cover the FMA latency on both ports.
    public static func peakGFLOPS(trials: Int = 3, iterations: Int = 2_000_000) -> Double {
        var best = 0.0
        for _ in 0..<max(trials, 1) {
            let sink = SharedPointer(UnsafeMutablePointer<Float>.allocate(capacity: Parallel.workers))
            defer { sink.base.deallocate() }
            let start = DispatchTime.now().uptimeNanoseconds
            Parallel.forEach(Parallel.workers) { worker in
                sink.base[worker] = fmaChains(iterations: iterations, seed: Float(worker))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            let flops = Double(Parallel.workers) * Double(iterations) * 10 * Double(Vector.scalarCount) * 2
            best = max(best, flops / seconds / 1e9)
        }
        return best
    }

    @inline(never)
    private static func fmaChains(iterations: Int, seed: Float) -> Float {
        let a = Vector(repeating: 0.999_999), b = Vector(repeating: 1e-7 * (seed + 1))
        var c0 = Vector(repeating: 1), c1 = Vector(repeating: 2), c2 = Vector(repeating: 3), c3 = Vector(repeating: 4)
        var c4 = Vector(repeating: 5), c5 = Vector(repeating: 6), c6 = Vector(repeating: 7), c7 = Vector(repeating: 8)
        var c8 = Vector(repeating: 9), c9 = Vector(repeating: 10)
        for _ in 0..<iterations {
            c0 = c0.addingProduct(a, b); c1 = c1.addingProduct(a, b); c2 = c2.addingProduct(a, b)
            c3 = c3.addingProduct(a, b); c4 = c4.addingProduct(a, b); c5 = c5.addingProduct(a, b)
            c6 = c6.addingProduct(a, b); c7 = c7.addingProduct(a, b); c8 = c8.addingProduct(a, b)
            c9 = c9.addingProduct(a, b)
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9).sum()
    }

    /// STREAM's triad on three arrays of `elements` floats (64 MiB each by default):
    /// two arrays read and one written per pass, write-allocate traffic not counted.
    public static func bandwidthGBps(trials: Int = 3, elements: Int = 16 << 20) -> Double {
        let arrays = (0..<3).map { _ in SharedPointer(UnsafeMutablePointer<Float>.allocate(capacity: elements)) }
        defer { for array in arrays { array.base.deallocate() } }
        for array in arrays { array.base.initialize(repeating: 1, count: elements) }
        let parts = Parallel.chunks(elements)
        var best = 0.0
        for _ in 0..<max(trials, 1) + 1 {
            let start = DispatchTime.now().uptimeNanoseconds
            Parallel.forEach(parts.count) { part in
                let (a, b, c) = (arrays[0].base, arrays[1].base, arrays[2].base)
                for index in parts[part] { a[index] = b[index] + 0.5 * c[index] }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            best = max(best, Double(3 * elements * MemoryLayout<Float>.stride) / seconds / 1e9)
        }
        return best
    }
}
