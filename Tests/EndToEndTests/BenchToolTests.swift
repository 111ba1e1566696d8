import Foundation
import Testing

/// `netcost-bench`'s executor benchmarks run (one pass each, for the exit status and the
/// line they print, never for their speed): the benchmark scripts call them, and a
/// benchmark that no longer builds its graph would go unnoticed until someone measures.
@Suite("netcost-bench runs")
struct BenchToolTests {
    static var binary: URL {
        CommandLineTests.binary.deletingLastPathComponent().appendingPathComponent("netcost-bench")
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = CommandLineTests.root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: [["conv1x1", "--repetitions", "1", "--warmup", "0"],
                      ["mobilenet_v2", "--repetitions", "1", "--warmup", "0", "--layers"]])
    func executorBenchmarksRun(arguments: [String]) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.output)")
        #expect(result.output.contains("GFLOP/s"), "\(arguments): \(result.output)")
    }
}
