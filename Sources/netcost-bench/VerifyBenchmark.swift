import Foundation
import NetCost
import NetCostExecutor

/// How long the counting run takes on a spec: `verify SPEC [--resolution N] [--fuse]`
/// prints whether every layer matched and the wall time. For sizing `netcost verify`
/// runs, not a goal of its own.
enum VerifyBenchmark {
    static func main(_ arguments: [String]) -> Int32 {
        guard let path = arguments.first else {
            FileHandle.standardError.write(Data("usage: netcost-bench verify SPEC [--resolution N] [--fuse]\n".utf8))
            return 64
        }
        var overrides = SpecOverrides(), fuse = false
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--resolution": overrides.resolution = iterator.next().flatMap(Int.init)
            case "--fuse": fuse = true
            default: break
            }
        }
        do {
            let model = try SpecLoader.load(file: path, overrides: overrides)
            let graph = fuse ? try Fusion.deploy(model.graph) : model.graph
            let start = Date()
            let report = try Verifier.verify(graph)
            let seconds = Date().timeIntervalSince(start)
            let mismatches = report.layers.filter { !$0.match }
            print("\(model.name) \(model.input): \(Plural.count(report.layers.count, "layer")), \(mismatches.isEmpty ? "all match" : Plural.count(mismatches.count, "mismatch", plural: "mismatches")), \(String(format: "%.2f", seconds)) s")
            for layer in mismatches.prefix(10) {
                print("  \(layer.name) \(layer.op): macs \(layer.macs.symbolic)/\(layer.macs.counted) memory \(layer.memoryAccess.symbolic)/\(layer.memoryAccess.counted) params \(layer.params.symbolic)/\(layer.params.counted)")
            }
            return mismatches.isEmpty ? 0 : 1
        } catch {
            FileHandle.standardError.write(Data("netcost-bench verify: \(error)\n".utf8))
            return 1
        }
    }
}
