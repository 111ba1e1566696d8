import Foundation
import Testing

@Suite("Verify and bench, end to end")
struct ExecutorCommandTests {
    @Test func verifyMatchesOnTheTinyNetwork() throws {
        let result = try CommandLineTests.run(["verify", CommandLineTests.tinyNet, "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["all_match"] as? Bool == true)
        let layers = try #require(object["layers"] as? [[String: Any]])
        for layer in layers {
            #expect(Set(layer.keys).isSuperset(of: ["name", "op", "macs", "memory_access", "params", "match"]))
        }
        // The stem conv: 3x3/2 from 3 to 16 channels on 32x32 → 16x16x16: 4096 outputs × 27 taps.
        let stem = try #require(layers.first { $0["name"] as? String == "stem.conv" })
        #expect((stem["macs"] as? [String: Int])?["counted"] == 4096 * 27)
    }

    @Test func verifyTheDeployedGraphAndAShippedSpecAtLowResolution() throws {
        #expect(try CommandLineTests.run(["verify", CommandLineTests.tinyNet, "--fuse"]).status == 0)
        let result = try CommandLineTests.run(["verify", "shufflenet_v2_x0_5", "--resolution", "64", "--mismatches"])
        #expect(result.status == 0)
        #expect(result.output.contains("layers match"))
    }

    /// The baseline set runs on every CPU of the architecture, so it can be forced here;
    /// bench and verify say which set ran, in text and JSON.
    @Test func theKernelSetCanBeForcedAndIsReported() throws {
        #if arch(x86_64)
        let baseline = "sse2"
        #else
        let baseline = "neon"
        #endif
        let verify = try CommandLineTests.run(["verify", CommandLineTests.tinyNet], environment: ["NETCOST_KERNELS": baseline])
        #expect(verify.status == 0)
        #expect(verify.output.split(separator: "\n").last?.hasPrefix("Kernels: \(baseline), 4-lane vectors") == true)
        let bench = try CommandLineTests.run(["bench", CommandLineTests.tinyNet, "--repetitions", "1", "--warmup", "0", "--peak-gflops", "1",
                                              "--bandwidth", "1", "--format", "json"], environment: ["NETCOST_KERNELS": baseline])
        #expect(bench.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bench.output.utf8)) as? [String: Any])
        #expect(object["kernels"] as? String == baseline)
    }

    @Test func anUnknownKernelSetIsAnErrorNamingTheVariable() throws {
        let result = try CommandLineTests.run(["verify", CommandLineTests.tinyNet], environment: ["NETCOST_KERNELS": "avx1024"])
        #expect(result.status == 1)
        #expect(!result.signalled)
        #expect(result.errors.hasPrefix("error: NETCOST_KERNELS=avx1024: no kernel set has that name; this build has "))
    }

    @Test func tooMuchMemoryIsRefusedBeforeRunning() throws {
        let result = try CommandLineTests.run(["verify", "mobilenet_v2", "--max-memory", "1M"])
        #expect(result.status == 1)
        #expect(result.errors.contains("error:"))
    }

    @Test func benchGivesEveryLayerATimeAndARoofline() throws {
        let result = try CommandLineTests.run(["bench", CommandLineTests.tinyNet, "--repetitions", "2", "--warmup", "0",
                                               "--peak-gflops", "100", "--bandwidth", "10", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let layers = try #require(object["layers"] as? [[String: Any]])
        // The stem conv (no bias: a batch norm follows): 2·110,592 flops over
        // (3,072 input + 432 weights + 4,096 output) elements × 4 bytes = 30,400 bytes.
        let stem = try #require(layers.first { $0["name"] as? String == "stem.conv" })
        #expect(stem["flops"] as? Int == 2 * 110_592)
        #expect(stem["bytes"] as? Int == 4 * (3_072 + 432 + 4_096))
        let roofline = try #require(stem["roofline"] as? [String: Any])
        // Intensity 221,184 / 30,400 = 7.28 FLOP/B, below the ridge at 100/10 = 10: memory-bound.
        #expect(roofline["bound"] as? String == "memory")
        let text = try CommandLineTests.run(["bench", CommandLineTests.tinyNet, "--repetitions", "1", "--peak-gflops", "100", "--bandwidth", "10"])
        #expect(text.output.contains("ridge at 10.00 FLOP/B"))
    }
}
