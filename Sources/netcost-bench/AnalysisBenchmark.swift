import Foundation
import NetCost

/// `netcost-bench analysis [--layers 1000,10000,100000,1000000] [--repetitions N]`:
/// generates specs of N layers and times each phase in process (parse and expand,
/// analysis, JSON report), reporting layers per second. The best of the repetitions
/// is reported, as the minimum is the least disturbed by other work on the machine.
enum AnalysisBenchmark {
    static func main(_ arguments: [String]) -> Int32 {
        let options = BenchmarkOptions(arguments, repetitions: 3)
        var sizes = [1_000, 10_000, 100_000, 1_000_000]
        if let index = options.rest.firstIndex(of: "--layers"), index + 1 < options.rest.count {
            sizes = options.rest[index + 1].split(separator: ",").compactMap { Int($0) }
        }
        print("layers      load (parse+expand)   analysis   json report      total   layers/s")
        for size in sizes {
            let bytes = Array(generatedSpec(layers: size).utf8)
            var best = (load: Double.infinity, analysis: Double.infinity, report: Double.infinity, total: Double.infinity)
            for _ in 0..<max(1, options.repetitions) {
                do {
                    let start = now()
                    let model = try SpecLoader.load(bytes: bytes, file: "generated.json")
                    let loaded = now()
                    let analysis = try Analysis(model.graph)
                    let analysed = now()
                    let json = try CostReport(model: model, analysis: analysis).render(.json)
                    let reported = now()
                    precondition(!json.isEmpty)
                    best.load = min(best.load, loaded - start)
                    best.analysis = min(best.analysis, analysed - loaded)
                    best.report = min(best.report, reported - analysed)
                    best.total = min(best.total, reported - start)
                } catch {
                    print("error: \(error)")
                    return 1
                }
            }
            let rate = Double(size) / best.total
            print("\(pad(size, 9))  \(ms(best.load, 19))  \(ms(best.analysis, 9))  \(ms(best.report, 11))  \(ms(best.total, 9))  \(pad(Int(rate), 9))")
        }
        return 0
    }

    /// A residual stack: conv 3x3 (16 channels), batch norm, ReLU, add, repeated to `layers`.
    static func generatedSpec(layers: Int) -> String {
        var entries: [String] = []
        entries.reserveCapacity(layers)
        for block in 0..<(layers / 4) {
            let previous = block == 0 ? "input" : "b\(block - 1).add"
            entries.append(#"{"name": "b\#(block).conv", "op": "conv2d", "out": 16, "kernel": 3, "padding": 1}"#)
            entries.append(#"{"name": "b\#(block).bn", "op": "batchnorm"}"#)
            entries.append(#"{"name": "b\#(block).act", "op": "relu"}"#)
            entries.append(#"{"name": "b\#(block).add", "op": "add", "inputs": ["b\#(block).act", "\#(previous)"]}"#)
        }
        return #"{"name": "generated", "input": [16, 8, 8], "layers": [\#n"# + entries.joined(separator: ",\n") + "\n]}\n"
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func ms(_ seconds: Double, _ width: Int) -> String {
        let text = String(format: "%.1f ms", seconds * 1e3)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
