import Foundation
import NetCostExecutor

/// The machine probe's two numbers, the defaults of `netcost bench --peak-gflops` and
/// `--bandwidth`.
enum MachineBenchmark {
    static func main(_ arguments: [String]) -> Int32 {
        let profile = MachineProbe.measure()
        print(String(format: "peak %.1f GFLOP/s (FMA loop, %d cores), bandwidth %.1f GB/s (triad)", profile.peakGFLOPS, profile.cores, profile.bandwidthGBps))
        print(String(format: "parallel loop: %.2f µs per empty loop over the workers (median)", MachineProbe.parallelLoopMicroseconds()))
        return 0
    }
}
