import Foundation
import NetCost
import NetCostExecutor
import Testing

/// The `verify` fuzz target's seeds (fuzz/corpus/verify: shipped specs shrunk by
/// fuzz/make_verify_seeds.py) run through its entry point: each loads and runs, and
/// every layer's counted MACs, memory access and parameters equal the symbolic ones.
@Suite struct FuzzSeedTests {
    @Test func everyVerifySeedRunsAndMatches() throws {
        let directory = TestGraphs.specsDirectory.deletingLastPathComponent().appendingPathComponent("fuzz/corpus/verify")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(names.count >= 8)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            let mismatches = try #require(ExecutorFuzzTargets.verify(bytes), "\(name) was refused")
            #expect(mismatches.isEmpty, "\(name): \(mismatches.map(\.name))")
        }
    }
}
