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

    /// The size in bytes of the first core's data or unified cache at `level` (the
    /// highest level when nil), from Linux's sysfs; nil where it does not say.
    public static func cacheBytes(level wanted: Int?) -> Int? {
        func read(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var found: (level: Int, bytes: Int)?
        for index in 0...7 {
            let directory = "/sys/devices/system/cpu/cpu0/cache/index\(index)/"
            guard let levelText = read(directory + "level"), let level = Int(levelText), read(directory + "type") != "Instruction",
                  let size = read(directory + "size"), let value = Int(size.filter(\.isNumber)), value > 0 else { continue }
            let (bytes, overflow) = value.multipliedReportingOverflow(by: size.hasSuffix("K") ? 1 << 10 : size.hasSuffix("M") ? 1 << 20 : 1)
            if overflow { continue }
            if let wanted, level == wanted { return bytes }
            if wanted == nil, level > found?.level ?? 0 { found = (level, bytes) }
        }
        return found?.bytes
    }

    /// Median microseconds of one parallel loop that does nothing but hand one index to
    /// each worker and wait for all: what every parallel kernel pays per loop on top of
    /// its work. Zero with one worker.
    public static func parallelLoopMicroseconds(loops: Int = 20_000) -> Double {
        guard Parallel.workers > 1 else { return 0 }
        var times: [Double] = []
        let touched = SharedPointer(UnsafeMutablePointer<Float>.allocate(capacity: Parallel.workers * 16))
        defer { touched.base.deallocate() }
        for _ in 0..<max(loops, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            Parallel.forEach(Parallel.workers) { index in touched.base[index * 16] += 1 }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
        }
        return Benchmark.median(times)
    }

    /// Ten independent multiply-add chains per core, with the kernel set the executor
    /// runs (`NETCOST_KERNELS`, else the widest): enough to cover the latency on both ports.
    public static func peakGFLOPS(trials: Int = 3, iterations: Int = 2_000_000, kernels: KernelSet = .inUse) -> Double {
        var best = 0.0
        for _ in 0..<max(trials, 1) {
            let sink = SharedPointer(UnsafeMutablePointer<Float>.allocate(capacity: Parallel.workers))
            defer { sink.base.deallocate() }
            let start = DispatchTime.now().uptimeNanoseconds
            Parallel.forEach(Parallel.workers) { worker in
                sink.base[worker] = kernels.multiplyAddChains(iterations: iterations, seed: Float(worker))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            let flops = Double(Parallel.workers) * Double(iterations) * 10 * Double(kernels.lanes) * 2
            best = max(best, flops / seconds / 1e9)
        }
        return best
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
