import Foundation
import NetCost
import Testing

/// The fuzz targets' entry points on their seed corpora and the reproducers, so that
/// `swift test` keeps them compiling and running (the fuzzers themselves run from
/// scripts/fuzz.sh; docs/robustness.md).
@Suite("Fuzz corpora")
struct FuzzCorpusTests {
    static func files(_ directory: String, suffix: String) -> [String] {
        let path = Repository.root.appendingPathComponent(directory).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { directory + "/" + $0 }
    }

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Repository.root.appendingPathComponent(file)))
    }

    @Test func everyShippedSpecRunsThroughTheSpecTarget() throws {
        let specs = Self.files("specs", suffix: ".json") + Self.files("fuzz/corpus/verify", suffix: ".json")
        #expect(specs.count >= 22 + 8)
        for spec in specs {
            #expect(FuzzTargets.spec(try Self.bytes(spec)), "\(spec)")
        }
    }

    @Test func everyReproducerIsRefusedByTheTargets() throws {
        let directory = "Tests/EndToEndTests/Fixtures/reproducers"
        let specs = Self.files(directory, suffix: ".json"), models = Self.files(directory, suffix: ".onnx")
        #expect(specs.count == 13 && models.count == 10)
        for spec in specs {
            // Two 6144-channel convs at 32×32, and B7 at width 3, are only costly to run: the specs themselves are fine.
            let isOnlySlow = spec.hasSuffix("slow_verify_compute_within_limit.json") || spec.hasSuffix("mem_verify_b7_width3.json") || spec.hasSuffix("slow_verify_pooling_no_macs.json")
            #expect(FuzzTargets.spec(try Self.bytes(spec)) == isOnlySlow, "\(spec)")
        }
        for model in models {
            let bytes = try Self.bytes(model)
            #expect(!bytes.withUnsafeBytes { FuzzTargets.onnx($0) }, "\(model)")
        }
    }

    @Test func theCheckedInCorporaRun() throws {
        // Inputs the fuzzers kept: each must come back, loaded or refused.
        for file in Self.files("fuzz/corpus/spec", suffix: "") { FuzzTargets.spec(try Self.bytes(file)) }
        for file in Self.files("fuzz/corpus/onnx", suffix: "") {
            let bytes = try Self.bytes(file)
            _ = bytes.withUnsafeBytes { FuzzTargets.onnx($0) }
        }
    }
}
