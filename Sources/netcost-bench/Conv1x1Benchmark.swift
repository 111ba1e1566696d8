import Foundation
import NetCost
import NetCostExecutor

/// A 1×1 convolution of 128 to 128 channels on a 56×56 map, without bias: the same
/// arithmetic as numpy's `(128×128) @ (128×3136)` float32 matmul, which
/// benchmarks/conv1x1_vs_numpy.py times beside it.
enum Conv1x1Benchmark {
    static func main(_ arguments: [String]) -> Int32 {
        let options = BenchmarkOptions(arguments, repetitions: 200)
        do {
            var builder = GraphBuilder(name: "conv1x1")
            let input = try builder.addInput(name: "input", shape: try TensorShape([1, 128, 56, 56], batchAxis: 0))
            try builder.add(name: "conv", operation: .convolution(Convolution(outChannels: 128, kernel: .square(1), bias: false)), inputs: [input])
            let report = try Benchmark.run(builder.build(), repetitions: options.repetitions, warmup: options.warmup)
            guard let conv = report.layers.first(where: { $0.name == "conv" }) else { return 1 }
            if options.json {
                print("{\"benchmark\": \"conv1x1\", \"seconds\": \(conv.seconds), \"flops\": \(conv.flops), \"gflops\": \(conv.gflops)}")
            } else {
                print("conv1x1 128->128 on 56x56: median \(milliseconds(conv.seconds)) ms, \(String(format: "%.1f", conv.gflops)) GFLOP/s, \(String(format: "%.1f", conv.gbps)) GB/s over \(options.repetitions) runs")
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("netcost-bench conv1x1: \(error)\n".utf8))
            return 1
        }
    }
}
