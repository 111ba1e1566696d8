// netcost-bench: the project's benchmarks, one file each; the first argument picks one.
// Speed is measured here, never asserted in tests.

import Foundation

/// A benchmark: its name on the command line, one line of help, and its entry point
/// (given the remaining arguments, returning the exit code).
struct BenchmarkEntry {
    let name: String
    let summary: String
    let run: ([String]) -> Int32
}

let benchmarks: [BenchmarkEntry] = [
    BenchmarkEntry(name: "analysis", summary: "Generated specs of 1,000 to 1,000,000 layers: parse, expand, analyse and report, layers per second.", run: AnalysisBenchmark.main),
    BenchmarkEntry(name: "cli", summary: "The netcost binary as a whole process: MobileNetV2's report and a 100,000-layer spec to JSON.", run: CommandLineBenchmark.main),
    BenchmarkEntry(name: "conv1x1", summary: "A 1x1 convolution, 128 to 128 channels on 56x56, through the executor's fast kernel.", run: Conv1x1Benchmark.main),
    BenchmarkEntry(name: "machine", summary: "The machine probe: peak GFLOP/s and memory bandwidth.", run: MachineBenchmark.main),
    BenchmarkEntry(name: "verify", summary: "The counting run on a spec: whether it matches, and how long it takes.", run: VerifyBenchmark.main),
    BenchmarkEntry(name: "mobilenet_v2", summary: "MobileNetV2 at 224x224, one image, end to end, on the deployed (fused) graph.", run: MobileNetV2Benchmark.main),
]

let arguments = Array(CommandLine.arguments.dropFirst())
if let name = arguments.first, let entry = benchmarks.first(where: { $0.name == name }) {
    let rest = Array(arguments.dropFirst())
    if rest.contains("--help") || rest.contains("-h") {
        // The options are few and shared; each benchmark's own are in docs/benchmarks.md.
        print("usage: netcost-bench \(entry.name) [--repetitions N] [--warmup N] [--json] [options]\n\n\(entry.summary)\nSee docs/benchmarks.md for each benchmark's own options.")
        exit(0)
    }
    exit(entry.run(rest))
}
print("usage: netcost-bench BENCHMARK [options]\n\nbenchmarks:")
for entry in benchmarks { print("  \(entry.name.padding(toLength: 14, withPad: " ", startingAt: 0))\(entry.summary)") }
exit(arguments.isEmpty || arguments.first == "--help" ? 0 : 64)
