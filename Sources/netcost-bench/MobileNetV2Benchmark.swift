import Foundation
import NetCost
import NetCostExecutor

/// MobileNetV2 at 224×224, one image, end to end: the spec's deployed graph (batch norms
/// folded into the convolutions, activations fused, as onnxruntime runs it), timed as
/// the median of whole passes. `--spec PATH` picks the spec (default specs/mobilenet_v2.json,
/// else the built-in copy); `--no-fuse` times the training graph instead; `--layers`
/// prints every layer; `--merges` compares merged pairs with layer-by-layer runs.
enum MobileNetV2Benchmark {
    static func main(_ arguments: [String]) -> Int32 {
        var options = BenchmarkOptions(arguments, repetitions: 30)
        var specPath = "specs/mobilenet_v2.json", fuse = true, layers = false, merges = false
        var iterator = options.rest.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--spec": specPath = iterator.next() ?? specPath
            case "--no-fuse": fuse = false
            case "--layers": layers = true
            case "--merges": merges = true
            default: break
            }
        }
        options.rest = []
        do {
            let model = FileManager.default.fileExists(atPath: specPath)
                ? try SpecLoader.load(file: specPath) : try BuiltinModels.load("mobilenet_v2")
            let graph = fuse ? try Fusion.deploy(model.graph) : model.graph
            if merges {
                let times = try Benchmark.mergeComparison(graph, repetitions: options.repetitions, warmup: options.warmup)
                print("mobilenet_v2 224x224: median \(milliseconds(times.merged)) ms with \(times.pairs) merged pairs, "
                    + "\(milliseconds(times.apart)) ms layer by layer (\(String(format: "%.3f", times.merged / times.apart))×), alternating passes")
                return 0
            }
            let report = try Benchmark.run(graph, repetitions: options.repetitions, warmup: options.warmup)
            let gflops = Double(report.totalFlops) / report.totalSeconds / 1e9
            if options.json {
                print("{\"benchmark\": \"mobilenet_v2\", \"fused\": \(fuse), \"seconds\": \(report.totalSeconds), \"flops\": \(report.totalFlops), \"gflops\": \(gflops)}")
            } else {
                if layers {
                    for layer in report.layers {
                        print(String(format: "%-32@ %-22@ %9.3f ms %8.1f GFLOP/s %7.1f GB/s", layer.name as NSString, layer.op as NSString,
                                     layer.seconds * 1e3, layer.gflops, layer.gbps))
                    }
                }
                print("mobilenet_v2 224x224\(fuse ? " (fused)" : ""): median \(milliseconds(report.totalSeconds)) ms end to end, \(String(format: "%.1f", gflops)) GFLOP/s over \(options.repetitions) runs")
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("netcost-bench mobilenet_v2: \(error)\n".utf8))
            return 1
        }
    }
}
