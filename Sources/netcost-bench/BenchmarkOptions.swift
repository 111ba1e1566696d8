import Foundation

/// The few options the executor benchmarks share: `--repetitions N`, `--warmup N`, `--json`.
struct BenchmarkOptions {
    var repetitions = 50
    var warmup = 5
    var json = false
    var rest: [String] = []

    init(_ arguments: [String], repetitions: Int) {
        self.repetitions = repetitions
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--repetitions": self.repetitions = iterator.next().flatMap(Int.init) ?? self.repetitions
            case "--warmup": warmup = iterator.next().flatMap(Int.init) ?? warmup
            case "--json": json = true
            default: rest.append(argument)
            }
        }
    }
}

/// Milliseconds with three decimals.
func milliseconds(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }
